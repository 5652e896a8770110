package main

import (
	"context"
	"fmt"

	"github.com/mailkeep/mailkeep/store"
)

// openWriting opens the archive for a command that writes to it (run, daemon,
// import, account add and remove), creating it when create is set, and takes
// its lock, so that a second Mailkeep writing to the same file is told who
// holds it instead of competing for it. Readers do not lock. done closes the
// archive, then releases the lock; it sets *err when that fails and nothing
// else did.
func (a *app) openWriting(ctx context.Context, create bool) (s *store.Store, done func(err *error), err error) {
	if create {
		s, err = a.openOrCreate(ctx)
	} else {
		s, err = a.openExisting(ctx)
	}
	if err != nil {
		return nil, nil, err
	}
	lock, err := store.LockArchive(s.Path())
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	a.log.Debug("locked the archive", "lock", store.LockPath(s.Path()))
	return s, func(err *error) {
		closeStore(s, err)
		if rerr := lock.Release(); rerr != nil && *err == nil {
			*err = fmt.Errorf("%w; delete the lock file if no Mailkeep is running", rerr)
		}
	}, nil
}
