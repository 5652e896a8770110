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
)

// AlreadyRunningError says that Mailkeep already runs for this user; it was
// asked to bring its window forward.
type AlreadyRunningError struct{ Socket string }

func (e *AlreadyRunningError) Error() string {
	return "Mailkeep is already running: its window was brought forward (look for it, or for the Mailkeep icon in the tray)"
}

// Instance is this process's claim to be the one Mailkeep of its user: it
// listens on a Unix socket (Linux, macOS, Windows 10 and later) named after
// ID, where a second start asks it to show its window.
type Instance struct {
	ln   net.Listener
	path string
	wg   sync.WaitGroup
}

// instanceTimeout bounds a conversation between two starts of Mailkeep.
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
// socket at path. When another Mailkeep answers there, it is asked to show
// its window and the error is an *AlreadyRunningError. A socket left by a
// Mailkeep that crashed (nobody answers) is replaced.
func ClaimInstance(path string) (*Instance, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cannot make the folder of %s: %w", path, err)
	}
	for attempt := 0; ; attempt++ {
		ln, err := net.Listen("unix", path)
		if err == nil {
			return &Instance{ln: ln, path: path}, nil
		}
		if attempt > 0 {
			return nil, fmt.Errorf("cannot listen on %s (%w): if no Mailkeep is running, delete that file", path, err)
		}
		// Taken: ask whoever is there to show itself.
		if askErr := askToShow(path); askErr == nil {
			return nil, &AlreadyRunningError{Socket: path}
		}
		// Nobody answered: a socket left by a crash (or not a socket).
		if info, statErr := os.Lstat(path); statErr == nil && info.Mode()&os.ModeSocket == 0 && info.Mode().IsRegular() && info.Size() > 0 {
			return nil, fmt.Errorf("cannot listen on %s: it is a file, not a socket; move it away", path)
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("cannot replace the stale socket %s (%w): delete it", path, err)
		}
	}
}

// askToShow asks the Mailkeep listening at path to show its window.
func askToShow(path string) error {
	conn, err := net.DialTimeout("unix", path, instanceTimeout)
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
	return err
}
