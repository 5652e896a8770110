package app

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
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

// noUnixSockets fails as net.Listen("unix") does under Wine, whose Windows
// has no AF_UNIX (WSAEAFNOSUPPORT).
func noUnixSockets(path string) (net.Listener, error) {
	return nil, &net.OpError{Op: "listen", Net: "unix", Err: syscall.EAFNOSUPPORT}
}

// TestSingleInstanceWithoutUnixSockets: where Unix sockets cannot be made
// (Wine, older Windows), the first Mailkeep listens on the loopback
// interface and names the address in the socket's place; later starts, with
// or without Unix sockets, ask it to show its window; a left address file is
// replaced like a stale socket.
func TestSingleInstanceWithoutUnixSockets(t *testing.T) {
	path := filepath.Join(shortDir(t), ID+".sock")
	first, err := claimInstance(path, noUnixSockets)
	if err != nil {
		t.Fatalf("claim without Unix sockets: %v", err)
	}
	var shown atomic.Int32
	first.Serve(func() { shown.Add(1) })
	if addr, ok := readLoopbackAddress(path); !ok {
		data, _ := os.ReadFile(path)
		t.Fatalf("no loopback address at %s: %q", path, data)
	} else if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Errorf("address %q is not on the loopback interface", addr)
	}
	for i, claim := range []func(string) (*Instance, error){
		func(p string) (*Instance, error) { return claimInstance(p, noUnixSockets) },
		ClaimInstance,
	} {
		second, err := claim(path)
		if !errors.As(err, new(*AlreadyRunningError)) {
			if second != nil {
				second.Close()
			}
			t.Fatalf("second claim %d: %v, want AlreadyRunningError", i+1, err)
		}
		if got := shown.Load(); got != int32(i+1) {
			t.Errorf("after start %d, the first was asked to show %d times", i+1, got)
		}
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the address file is still there after Close: %v", err)
	}

	// A crash leaves the address file behind, naming a port nobody listens on.
	if err := os.WriteFile(path, []byte(loopbackMarker+"127.0.0.1:9\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	again, err := claimInstance(path, noUnixSockets)
	if err != nil {
		t.Fatalf("claim over a left address file: %v", err)
	}
	again.Close()
}

func TestReadLoopbackAddress(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		want          string
		ok            bool
	}{
		{"IPv4", loopbackMarker + "127.0.0.1:4711\n", "127.0.0.1:4711", true},
		{"IPv6", loopbackMarker + "[::1]:4711\n", "[::1]:4711", true},
		{"not loopback", loopbackMarker + "192.0.2.1:4711\n", "", false},
		{"no port", loopbackMarker + "127.0.0.1\n", "", false},
		{"someone else's file", "not a socket", "", false},
		{"empty", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, ok := readLoopbackAddress(path)
			if got != tc.want || ok != tc.ok {
				t.Errorf("readLoopbackAddress(%q) = %q, %v; want %q, %v", tc.content, got, ok, tc.want, tc.ok)
			}
		})
	}
	if _, ok := readLoopbackAddress(filepath.Join(dir, "missing")); ok {
		t.Error("a missing file gave an address")
	}
}
