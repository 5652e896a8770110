package app

import "context"

// pauseMailbox pauses (or resumes) the schedule of the mailbox called name:
// the archive file keeps the choice, the board shows it, and the scheduler
// reads it again. A paused mailbox still runs when someone asks for it by
// name (Run now); a run in progress finishes.
func (a *App) pauseMailbox(ctx context.Context, name string, paused bool) error {
	rec, err := a.store.Account(ctx, name)
	if err != nil {
		return err
	}
	rec.Paused = paused
	if err := a.store.SaveAccount(ctx, rec); err != nil {
		return err
	}
	a.sched.Reload()
	return a.board.load(ctx, a.store)
}
