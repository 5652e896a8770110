package demo

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

// FileName is the demo archive's file name, in the same folder as the real
// archive.
const FileName = "demo.mailkeep"

// AccountName is the demo mailbox's account in the demo archive.
const AccountName = "demo"

// PathBeside is the demo archive that belongs beside the archive file
// archivePath: demo.mailkeep in the same folder (demo-mailbox.mailkeep if
// the real archive is itself called demo.mailkeep).
func PathBeside(archivePath string) string {
	p := filepath.Join(filepath.Dir(archivePath), FileName)
	if filepath.Clean(archivePath) == p {
		p = filepath.Join(filepath.Dir(archivePath), "demo-mailbox.mailkeep")
	}
	return p
}

// DefaultPath is the demo archive beside the default archive
// (store.DefaultPath): on Linux ~/.local/share/mailkeep/demo.mailkeep.
func DefaultPath(getenv func(string) string) (string, error) {
	p, err := store.DefaultPath(getenv)
	if err != nil {
		return "", err
	}
	return PathBeside(p), nil
}

// NotDemoArchiveError means the archive file given for the demo holds mail
// of real accounts: the demo refuses to write into it.
type NotDemoArchiveError struct {
	Path string
}

func (e *NotDemoArchiveError) Error() string {
	return fmt.Sprintf("%s holds mail that is not the demo mailbox's: the demo only writes to an archive of its own. Use the demo's own archive file (%s, beside the real archive; mailkeep-cli demo without --db), or name a new file", e.Path, FileName)
}

// Run archives the demo mailbox into the archive file at path (created when
// needed): it starts the server, saves the demo account in the archive,
// archives every folder and stops the server. progress, if not nil, gets the
// run's events on the run's goroutine. A second Run into the same file
// archives nothing new. Run refuses (*NotDemoArchiveError) an archive that
// holds other accounts' or imported mail.
func Run(ctx context.Context, path string, progress func(archive.Event)) (rep archive.RunReport, err error) {
	rep.Account = AccountName
	lock, err := store.LockArchive(path)
	if err != nil {
		return rep, err
	}
	defer func() { err = errors.Join(err, lock.Release()) }()
	s, err := store.Open(ctx, path)
	if err != nil {
		return rep, err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
	if err := checkDemoArchive(ctx, s); err != nil {
		return rep, err
	}

	srv, err := Start(ctx)
	if err != nil {
		return rep, err
	}
	defer srv.Close()
	acct := srv.Account(AccountName)
	if err := archive.SaveAccount(ctx, s, acct); err != nil {
		return rep, err
	}
	return archive.Run(ctx, s, acct, archive.Options{Progress: progress, Keyring: srv.Keyring(), TLSConfig: srv.TLSConfig()})
}

// checkDemoArchive refuses an archive that holds anything but the demo's.
func checkDemoArchive(ctx context.Context, s *store.Store) error {
	accounts, err := archive.Accounts(ctx, s)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(accounts, func(a archive.Account) bool { return a.Name != AccountName }) {
		return &NotDemoArchiveError{Path: s.Path()}
	}
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	// Mail seen by accounts that are gone, or imported from files.
	if st.Accounts > 1 || st.Messages > 0 && len(accounts) == 0 {
		return &NotDemoArchiveError{Path: s.Path()}
	}
	return nil
}
