package app

import (
	"context"
	"errors"
	"slices"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
)

// save keeps the form's mailboxes: every account is validated first, then
// the secret goes to the keyring and the accounts to the archive — all or
// nothing — and the main window shows them archiving for the first time.
func (s *setup) save() {
	d, err := s.currentDraft()
	if err != nil {
		s.setProblem(err.Error())
		return
	}
	for _, acct := range d.accounts {
		if err := acct.Validate(); err != nil {
			s.setProblem(acct.User + ": " + accountProblem(err))
			return
		}
	}
	s.setProblem("")
	s.setSaving(true)
	s.jobs.Add(1)
	s.a.background(func(ctx context.Context) {
		defer s.jobs.Done()
		created, err := s.a.saveDraft(ctx, d, s.editing)
		s.ui(func() {
			s.lastSave = err
			s.setSaving(false)
			if err != nil {
				s.setProblem(err.Error())
				return
			}
			s.done()
		})
		if err != nil {
			return
		}
		// Run what was saved now. A new mailbox on a schedule needs no
		// asking: it never ran, so the schedule starts it at once; asked as
		// well, it could run twice (once on the schedule, once more because
		// it was asked for while running).
		var names []string
		for _, acct := range d.accounts {
			if !(slices.Contains(created, acct.Name) && acct.Scheduled() && !acct.Paused) {
				names = append(names, acct.Name)
			}
		}
		if len(names) == 0 {
			return
		}
		if err := s.a.sched.RunNow(ctx, names...); err != nil {
			s.a.log.Error("the first run of the saved mailboxes could not be asked for", "err", err)
		}
	})
}

func (s *setup) setSaving(on bool) {
	if on {
		s.testButton.Disable()
		s.saveButton.Disable()
		s.backButton.Disable()
		s.cancelButton.Disable()
		s.saveProgress.Show()
		s.saveProgress.Start()
		return
	}
	s.testButton.Enable()
	s.saveButton.Enable()
	s.backButton.Enable()
	s.cancelButton.Enable()
	s.saveProgress.Stop()
	s.saveProgress.Hide()
}

// saveDraft stores d's secret in the keyring and its accounts in the
// archive, then reloads the board and the schedule. When an account cannot
// be saved, those saved before it are put back as they were. editing is
// the account the form edits (nil: a new setup). created names the
// accounts that were new.
func (a *App) saveDraft(ctx context.Context, d setupDraft, editing *archive.Account) (created []string, err error) {
	if key := d.secretKey(); key != "" {
		if err := a.cfg.Keyring.Set(ctx, key, d.secret); err != nil {
			return nil, keyringProblem(err)
		}
	}
	var saved []archive.Account // the accounts as they were before, to undo
	undo := func() {
		for _, old := range saved {
			if err := archive.SaveAccount(ctx, a.store, old); err != nil {
				a.log.Error("could not restore an account after a failed save", "account", old.Name, "err", err)
			}
		}
		for _, name := range created {
			if err := archive.RemoveAccount(ctx, a.store, name); err != nil {
				a.log.Error("could not remove a half-saved account", "account", name, "err", err)
			}
		}
	}
	for _, acct := range d.accounts {
		old, err := archive.LoadAccount(ctx, a.store, acct.Name)
		switch {
		case err == nil:
			saved = append(saved, old)
			acct.Paused = old.Paused
		case archive.IsAccountNotFound(err):
			created = append(created, acct.Name)
		default:
			undo()
			return nil, &saveError{err: err, msg: "Nothing was saved: the archive could not be read (" + err.Error() + "). Try again; if it lasts, check the archive file in Settings."}
		}
		if err := archive.SaveAccount(ctx, a.store, acct); err != nil {
			undo()
			var ae *archive.AccountError
			if errors.As(err, &ae) {
				return nil, &saveError{err: err, msg: "Nothing was saved. " + acct.User + ": " + accountProblem(err)}
			}
			return nil, &saveError{err: err, msg: "Nothing was saved: the archive could not be written (" + err.Error() + "). Try again; if it lasts, check the disk and the archive file in Settings."}
		}
	}
	if err := a.board.load(ctx, a.store); err != nil {
		a.log.Error("the mailboxes could not be read again after saving", "err", err)
	}
	a.sched.Reload()
	return created, nil
}

// saveError is why Save kept nothing, in words for the person saving.
type saveError struct {
	msg string
	err error
}

func (e *saveError) Error() string { return e.msg }
func (e *saveError) Unwrap() error { return e.err }

// keyringProblem says what to do when the secret could not be stored.
func keyringProblem(err error) error {
	var nk *auth.NoKeyringError
	var kt *auth.KeyringTimeoutError
	switch {
	case errors.As(err, &nk):
		return &saveError{err: err, msg: "Nothing was saved: no keyring is running on this computer (" + nk.Detail + "), and Mailkeep keeps secrets only there, never in a file. " +
			"Sign in to a desktop session with GNOME Keyring or KWallet running (or start and unlock it), then press Save again. " +
			"On a computer without a desktop, use mailkeep-cli with --secret-env instead."}
	case errors.As(err, &kt):
		return &saveError{err: err, msg: "Nothing was saved: the keyring did not answer in time. It may be locked and waiting for its password in a window on your desktop: unlock it, then press Save again."}
	}
	return &saveError{err: err, msg: "Nothing was saved: the secret could not be stored in the keyring (" + err.Error() + "). Try again."}
}
