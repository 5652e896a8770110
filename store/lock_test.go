package store

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// lockHelperEnv makes the test binary, run again as a child, hold the lock
// of the archive it names (see TestMain).
const lockHelperEnv = "MAILKEEP_TEST_LOCK_HELPER"

func TestMain(m *testing.M) {
	if archive := os.Getenv(lockHelperEnv); archive != "" {
		os.Exit(holdLock(archive))
	}
	os.Exit(m.Run())
}

// holdLock takes the archive's lock, says "locked", and holds it until its
// standard input ends; then it exits without releasing the lock.
func holdLock(archive string) int {
	if _, err := LockArchive(archive); err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin)
	return 0
}

// lockHolder is the test binary run again, holding an archive's lock.
type lockHolder struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

func startLockHolder(t *testing.T, archive string) *lockHolder {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), lockHelperEnv+"="+archive)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		t.Fatalf("the child process did not take the lock: %q, %v", line, err)
	}
	return &lockHolder{cmd: cmd, stdin: stdin}
}

// TestLockOneProcessPerArchive: while another process holds an archive's
// lock, LockArchive fails naming it; the lock is free again once that
// process ends, whether it exits or is killed with SIGKILL.
func TestLockOneProcessPerArchive(t *testing.T) {
	tests := []struct {
		name string
		end  func(h *lockHolder) error
	}{
		{"exits", func(h *lockHolder) error { h.stdin.Close(); return h.cmd.Wait() }},
		{"killed", func(h *lockHolder) error {
			if err := h.cmd.Process.Kill(); err != nil { // SIGKILL on Unix
				return err
			}
			var ee *exec.ExitError
			if err := h.cmd.Wait(); !errors.As(err, &ee) {
				return fmt.Errorf("the child was not killed: %v", err)
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			archive := filepath.Join(t.TempDir(), "sub", "archive.mailkeep")
			h := startLockHolder(t, archive)

			_, err := LockArchive(archive)
			var le *LockedError
			if !errors.As(err, &le) {
				t.Fatalf("LockArchive while another process holds the lock: %v, want a *LockedError", err)
			}
			want := fmt.Sprintf("another Mailkeep (pid %d) is using %s; wait for it to finish or stop it", h.cmd.Process.Pid, archive)
			if le.PID != h.cmd.Process.Pid || err.Error() != want {
				t.Errorf("got %q (pid %d), want %q", err, le.PID, want)
			}

			if err := tt.end(h); err != nil {
				t.Fatal(err)
			}
			l, err := LockArchive(archive)
			if err != nil {
				t.Fatalf("LockArchive after the holder ended: %v", err)
			}
			if pid := readPID(LockPath(archive)); pid != os.Getpid() {
				t.Errorf("the lock file names pid %d, want %d", pid, os.Getpid())
			}
			if err := l.Release(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestLockInProcess: a second LockArchive in the same process fails too (the
// lock is per open file, not per process); Release frees it; releasing twice
// is harmless.
func TestLockInProcess(t *testing.T) {
	archive := filepath.Join(t.TempDir(), "a.mailkeep")
	l, err := LockArchive(archive)
	if err != nil {
		t.Fatal(err)
	}
	var le *LockedError
	if _, err := LockArchive(archive); !errors.As(err, &le) || le.PID != os.Getpid() {
		t.Errorf("second LockArchive: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
	if pid := readPID(LockPath(archive)); pid != 0 {
		t.Errorf("a released lock file still names pid %d", pid)
	}
	l, err = LockArchive(archive)
	if err != nil {
		t.Fatalf("LockArchive after Release: %v", err)
	}
	l.Release()
	if _, err := LockArchive(""); err == nil {
		t.Error("LockArchive of no file succeeded")
	}
}
