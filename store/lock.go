package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Lock is one process's hold on an archive file for writing: an OS lock on
// "<archive>.lock" (LockPath) that holds the process's id. Commands that
// write (archiving, importing, changing accounts) take it so that two
// Mailkeeps never archive into one file at once; readers (search, export,
// verify) do not need it. The operating system lets go of the lock when the
// process ends, however it ends.
type Lock struct {
	f    *os.File
	path string
}

// LockedError says that another process holds the archive's lock.
type LockedError struct {
	Archive string
	PID     int // the holder's process id; 0: unknown
}

func (e *LockedError) Error() string {
	who := "another Mailkeep"
	if e.PID > 0 {
		who = fmt.Sprintf("another Mailkeep (pid %d)", e.PID)
	}
	return fmt.Sprintf("%s is using %s; wait for it to finish or stop it", who, e.Archive)
}

// errLockHeld is what the platform's lockFile returns when the lock is taken.
var errLockHeld = errors.New("the lock is held by another process")

// LockPath is the lock file of the archive file at archive.
func LockPath(archive string) string { return archive + ".lock" }

// LockArchive takes the archive file's lock, without waiting: when another
// process holds it, the error is a *LockedError naming that process. The lock
// file is created (with the archive's folder) when missing, and left behind
// after Release; it holds nothing but the holder's process id.
func LockArchive(archive string) (*Lock, error) {
	if archive == "" {
		return nil, errors.New("no archive file given: pass --db PATH or set MAILKEEP_DB")
	}
	if dir := filepath.Dir(archive); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("cannot create the folder for the archive file %s: %w", archive, err)
		}
	}
	path := LockPath(archive)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open the lock file %s (check that the folder is writable): %w", path, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLockHeld) {
			return nil, &LockedError{Archive: archive, PID: readPID(path)}
		}
		return nil, fmt.Errorf("cannot lock %s: %w", path, err)
	}
	pid := []byte(strconv.Itoa(os.Getpid()) + "\n")
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt(pid, 0)
	}
	if err != nil {
		unlockFile(f)
		f.Close()
		return nil, fmt.Errorf("cannot write the lock file %s: %w", path, err)
	}
	return &Lock{f: f, path: path}, nil
}

// Release lets go of the lock. Releasing twice is no error.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	// Empty the file first, so that nobody reads a stale process id.
	f.Truncate(0)
	uerr := unlockFile(f)
	if err := f.Close(); err != nil && uerr == nil {
		uerr = err
	}
	if uerr != nil {
		return fmt.Errorf("cannot release the lock %s: %w", l.path, uerr)
	}
	return nil
}

// readPID reads the process id in a lock file; 0 when there is none.
func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
