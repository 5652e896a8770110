package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mailkeep/mailkeep/store"
)

// pop3Folder is the folder name POP3 messages are archived under: POP3
// knows only the inbox.
const pop3Folder = "INBOX"

// syncPOP3 is one POP3 attempt: connect, sign in, list the maildrop with
// UIDL, fetch (RETR) every message whose UIDL the archive has not recorded
// for this account, and with DeleteAfterArchive delete (DELE) what is
// durably committed, then QUIT.
func (r *runner) syncPOP3(ctx context.Context) error {
	r.marked = 0
	c, err := DialPOP3(ctx, r.acct.Address(), r.acct.Security, r.opt.TLSConfig)
	if err != nil {
		return &connectError{err}
	}
	defer c.Close()
	if err := r.signIn(ctx, c.Authenticate); err != nil {
		return err
	}
	// UIDL alone first: a run with nothing new lists the maildrop once.
	list, err := c.UIDs(ctx)
	if err != nil {
		return err
	}
	seen, err := r.s.SeenUIDs(ctx, r.acct.Name, pop3Folder)
	if err != nil {
		return err
	}
	aside, err := r.s.SetAsideMessages(ctx, r.acct.Name)
	if err != nil {
		return err
	}
	wasAside := map[string]bool{}
	for _, m := range aside {
		if m.Folder == pop3Folder {
			wasAside[m.UID] = true
		}
	}
	var todo, known []POP3Message
	for _, m := range list {
		if seen[m.UID] {
			known = append(known, m)
		} else {
			todo = append(todo, m)
		}
	}
	if len(todo) > 0 {
		sizes, err := c.Sizes(ctx)
		if err != nil {
			return err
		}
		for i := range todo {
			todo[i].Size = sizes[todo[i].Seq]
		}
	}
	fr := r.folder(pop3Folder)
	total := fr.Messages + len(todo)
	r.emit(Event{Kind: EventFolder, Folder: pop3Folder, Done: fr.Messages, Total: total, Bytes: fr.Bytes})

	del := r.acct.DeleteAfterArchive
	b := r.newBatch(pop3Folder, total)
	var inBatch []POP3Message
	commit := func() error {
		if err := b.commit(ctx, nil, del); err != nil {
			return err
		}
		for _, m := range inBatch {
			if wasAside[m.UID] {
				if err := r.s.ClearSetAside(ctx, r.acct.Name, pop3Folder, 0, m.UID); err != nil {
					return err
				}
			}
		}
		if del {
			if err := r.dele(ctx, c, inBatch); err != nil {
				return err
			}
		}
		inBatch = inBatch[:0]
		return nil
	}
	for _, m := range todo {
		var buf bytes.Buffer
		if m.Size > 0 && m.Size < 1<<31 {
			buf.Grow(int(m.Size))
		}
		_, err := c.Retr(ctx, m.Seq, &buf)
		var perr *POP3Error
		if errors.As(err, &perr) {
			if err := r.setAside(ctx, pop3Folder, 0, m.UID, perr); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		b.add(buf.Bytes(), store.Location{Account: r.acct.Name, Folder: pop3Folder, UID: m.UID}, time.Time{}, isPlaceholder(buf.Bytes()))
		inBatch = append(inBatch, m)
		if b.full() {
			if err := commit(); err != nil {
				return err
			}
		}
	}
	if err := commit(); err != nil {
		return err
	}
	if del && len(known) > 0 {
		// Archived by an earlier run, perhaps one killed before QUIT.
		// A durable commit makes every earlier commit durable too (they
		// precede it in the same write-ahead log), so these may go.
		if _, err := r.s.Ingest(ctx, store.Batch{Durable: true,
			States: []store.FolderState{{Account: r.acct.Name, Folder: pop3Folder}}}); err != nil {
			return err
		}
		if err := r.dele(ctx, c, known); err != nil {
			return err
		}
	}
	if err := c.Quit(ctx); err != nil {
		if r.marked > 0 {
			return fmt.Errorf("the server did not confirm the end of the session, so it may not have deleted the archived messages (they are deleted on the next run): %w", err)
		}
		return nil
	}
	r.folder(pop3Folder).Deleted += r.marked
	r.report.Deleted += r.marked
	return nil
}

// dele marks msgs for deletion; the server deletes them at QUIT.
func (r *runner) dele(ctx context.Context, c *POP3Conn, msgs []POP3Message) error {
	for _, m := range msgs {
		if err := c.Dele(ctx, m.Seq); err != nil {
			return err
		}
		r.marked++
	}
	return nil
}
