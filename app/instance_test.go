package app

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mailkeep/mailkeep/store"
)

// shortDir is a temporary folder with a path short enough for a Unix socket
// (at most about 100 bytes; t.TempDir can be longer).
func shortDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "mk")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// TestSingleInstance: the first claim listens; a second is told Mailkeep
// already runs, and the first is asked to show its window; after the first
// closes, a new claim succeeds.
func TestSingleInstance(t *testing.T) {
	path := filepath.Join(shortDir(t), ID+".sock")
	first, err := ClaimInstance(path)
	if err != nil {
		t.Fatal(err)
	}
	var shown atomic.Int32
	first.Serve(func() { shown.Add(1) })

	for i := 1; i <= 2; i++ {
		second, err := ClaimInstance(path)
		var running *AlreadyRunningError
		if !errors.As(err, &running) {
			if second != nil {
				second.Close()
			}
			t.Fatalf("second claim %d: %v, want AlreadyRunningError", i, err)
		}
		if got := shown.Load(); got != int32(i) {
			t.Errorf("after start %d, the first was asked to show %d times", i, got)
		}
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the socket is still there after Close: %v", err)
	}
	again, err := ClaimInstance(path)
	if err != nil {
		t.Fatalf("claim after the first closed: %v", err)
	}
	again.Close()
}

// TestSingleInstanceStaleSocket: a socket left by a crashed Mailkeep (no
// one listens, no one holds the lock) is replaced; a plain file in its place
// is not deleted; a holder of the lock that never answers is named.
func TestSingleInstanceStaleSocket(t *testing.T) {
	dir := shortDir(t)
	path := filepath.Join(dir, ID+".sock")
	// A crash leaves the socket file behind: a listener whose file is not
	// removed when it closes.
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the stale socket is not there: %v", err)
	}
	in, err := ClaimInstance(path)
	if err != nil {
		t.Fatalf("claim over a stale socket: %v", err)
	}
	var shown atomic.Int32
	in.Serve(func() { shown.Add(1) })
	if _, err := ClaimInstance(path); !errors.As(err, new(*AlreadyRunningError)) || shown.Load() != 1 {
		t.Errorf("the replacing instance does not answer: %v, shown %d", err, shown.Load())
	}
	in.Close()

	plain := filepath.Join(dir, "plain.sock")
	if err := os.WriteFile(plain, []byte("not a socket"), 0o600); err != nil {
		t.Fatal(err)
	}
	if in, err := ClaimInstance(plain); err == nil {
		in.Close()
		t.Error("ClaimInstance replaced a plain file")
	}
	if _, err := os.Stat(plain); err != nil {
		t.Errorf("the plain file was deleted: %v", err)
	}

	// Someone holds the claim but never listens (hung): the second start
	// gives up with an error that says what to do, not AlreadyRunning.
	hung := filepath.Join(dir, "hung.sock")
	lock, err := store.LockArchive(hung)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	_, err = ClaimInstance(hung)
	if err == nil || errors.As(err, new(*AlreadyRunningError)) || !strings.Contains(err.Error(), "does not answer") {
		t.Errorf("claim while a hung Mailkeep holds the lock: %v", err)
	}
}

func TestInstanceSocketPath(t *testing.T) {
	env := map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000", "HOME": "/home/ann"}
	got, err := InstanceSocket(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(got) != ID+".sock" {
		t.Errorf("socket %s is not named after the app ID", got)
	}
}
