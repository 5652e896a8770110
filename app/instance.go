package app

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mailkeep/mailkeep/store"
)

// AlreadyRunningError says that Mailkeep already runs for this user; it was
// asked to bring its window forward.
type AlreadyRunningError struct{ Socket string }

func (e *AlreadyRunningError) Error() string {
	return "Mailkeep is already running: its window was brought forward (look for it, or for the Mailkeep icon in the tray)"
}

// Instance is this process's claim to be the one Mailkeep of its user: it
// holds a lock file beside a Unix socket (Linux, macOS, Windows 10 and
// later) named after ID, and listens on the socket, where a second start
// asks it to show its window. The lock, which the system lets go of when a
// process ends however it ends, decides who is first; the socket is only for
// talking.
type Instance struct {
	ln   net.Listener
	lock *store.Lock
	path string
	wg   sync.WaitGroup
}

// instanceTimeout bounds a conversation between two starts of Mailkeep, and
// how long a second start waits for a first one that is still starting.
const instanceTimeout = 5 * time.Second

// instanceRequest and instanceReply are the whole protocol.
const (
	instanceRequest = "show"
	instanceReply   = "ok"
)

// InstanceSocket is the socket of the user's Mailkeep.
func InstanceSocket(getenv func(string) string) (string, error) {
	dir, err := instanceDir(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, ID+".sock"), nil
}

// ClaimInstance makes this process the user's Mailkeep, listening on the
// socket at path. When another Mailkeep holds the claim, it is asked to show
// its window and the error is an *AlreadyRunningError. A socket left by a
// Mailkeep that crashed is replaced. Where no Unix socket can be made
// (Wine; Windows before 10 version 1803), it listens on the loopback
// interface instead and writes the address into the file at path.
func ClaimInstance(path string) (*Instance, error) {
	return claimInstance(path, listenUnix)
}

// listenUnix listens on the Unix socket at path.
func listenUnix(path string) (net.Listener, error) { return net.Listen("unix", path) }

// claimInstance is ClaimInstance, listening on the Unix socket with
// listen.
func claimInstance(path string, listen func(path string) (net.Listener, error)) (*Instance, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cannot make the folder of %s: %w", path, err)
	}
	lock, err := store.LockArchive(path)
	var held *store.LockedError
	if errors.As(err, &held) {
		// Another Mailkeep: ask it to come forward (it may still be
		// starting, and not listen yet).
		deadline := time.Now().Add(instanceTimeout)
		for {
			askErr := askToShow(path)
			if askErr == nil {
				return nil, &AlreadyRunningError{Socket: path}
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("Mailkeep is already running (process %d) but does not answer on %s (%w): end that process, then start Mailkeep again",
					held.PID, path, askErr)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if err != nil {
		return nil, err
	}
	// The claim is ours: a socket (or an address file) there was left by a
	// crash.
	if info, err := os.Lstat(path); err == nil {
		if _, ours := readLoopbackAddress(path); info.Mode().IsRegular() && info.Size() > 0 && !ours {
			lock.Release()
			return nil, fmt.Errorf("cannot listen on %s: it is a file, not a socket; move it away", path)
		}
		if err := os.Remove(path); err != nil {
			lock.Release()
			return nil, fmt.Errorf("cannot replace the stale socket %s (%w): delete it", path, err)
		}
	}
	ln, err := listen(path)
	if err != nil {
		var loopErr error
		if ln, loopErr = listenLoopback(path); loopErr != nil {
			lock.Release()
			return nil, fmt.Errorf("cannot listen on %s (%w), nor on the loopback interface (%w)", path, err, loopErr)
		}
	}
	return &Instance{ln: ln, lock: lock, path: path}, nil
}

// askToShow asks the Mailkeep listening at path to show its window.
func askToShow(path string) error {
	network, addr := "unix", path
	if a, ok := readLoopbackAddress(path); ok {
		network, addr = "tcp", a
	}
	conn, err := net.DialTimeout(network, addr, instanceTimeout)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(instanceTimeout))
	if _, err := fmt.Fprintln(conn, instanceRequest); err != nil {
		return err
	}
	reply, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(reply) != instanceReply {
		return fmt.Errorf("unexpected reply %q", reply)
	}
	return nil
}

// Serve answers later starts of Mailkeep until Close: each request calls
// show (on the listener's goroutine: show must be safe for that).
func (in *Instance) Serve(show func()) {
	in.wg.Go(func() {
		for {
			conn, err := in.ln.Accept()
			if err != nil {
				return // closed
			}
			in.wg.Go(func() {
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(instanceTimeout))
				line, err := bufio.NewReader(conn).ReadString('\n')
				if err != nil || strings.TrimSpace(line) != instanceRequest {
					return
				}
				show()
				fmt.Fprintln(conn, instanceReply)
			})
		}
	})
}

// Close stops listening and removes the socket.
func (in *Instance) Close() error {
	err := in.ln.Close()
	in.wg.Wait()
	if rmErr := os.Remove(in.path); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
		err = errors.Join(err, rmErr)
	}
	return errors.Join(err, in.lock.Release())
}
