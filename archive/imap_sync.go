package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailkeep/mailkeep/store"
)

// syncIMAPFolder fetches the messages of folder above the highest UID
// archived, or all of them when the folder's UIDVALIDITY changed (the
// archive's hash identity keeps that from storing anything twice). busy
// is called when there turn out to be messages to fetch.
func (r *runner) syncIMAPFolder(ctx context.Context, c *IMAPConn, folder string, busy func()) (err error) {
	// Batches are stored while the next is fetched; whatever ends the
	// sync, the last one is waited for.
	cm := &committer{}
	defer func() {
		if werr := cm.wait(); werr != nil {
			err = errors.Join(err, werr)
		}
	}()
	fr := r.folder(folder)
	fr.Error = ""
	var sel *imap.SelectData
	err = c.wait(ctx, func() error {
		var err error
		sel, err = c.client.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
		return err
	})
	var ie *imap.Error
	if errors.As(err, &ie) {
		if t := throttled(ie.Text); t != nil {
			return t
		}
		// The folder went away after LIST, or may not be read: note it and go on.
		fr.Error = fmt.Sprintf("the server would not open it: %s", ie.Text)
		return nil
	}
	if err != nil {
		return err
	}
	fr.UIDValidity = sel.UIDValidity

	st, known, err := r.s.FolderState(ctx, r.acct.Name, folder)
	if err != nil {
		return err
	}
	state := store.FolderState{Account: r.acct.Name, Folder: folder, UIDValidity: sel.UIDValidity}
	if known && st.UIDValidity == sel.UIDValidity {
		state.LastUID = st.LastUID
	} else if known {
		fr.Rescanned = true
		r.opt.Logger.Warn("UIDVALIDITY changed: reading the folder again from the start", "account", r.acct.Name,
			"folder", folder, "old", st.UIDValidity, "new", sel.UIDValidity)
	}
	stateChanged := !known || st.UIDValidity != sel.UIDValidity

	if err := r.retrySetAside(ctx, c, folder, state); err != nil {
		return err
	}

	var uids []imap.UID
	if sel.NumMessages > 0 && (sel.UIDNext == 0 || uint32(sel.UIDNext) > state.LastUID+1) {
		uids, err = r.newUIDs(ctx, c, state.LastUID)
		if err != nil {
			return err
		}
	}
	total := fr.Messages + len(uids)
	r.emit(Event{Kind: EventFolder, Folder: folder, Done: fr.Messages, Total: total, Bytes: fr.Bytes})
	if len(uids) == 0 {
		if stateChanged {
			return cm.commit(ctx, r.newBatch(folder, total), state)
		}
		return nil
	}
	busy() // there is fetching to do: another connection may take other folders meanwhile
	for chunk := range slices.Chunk(uids, r.opt.BatchMessages) {
		if err := r.fetchIMAPChunk(ctx, c, cm, folder, &state, chunk, total); err != nil {
			return err
		}
	}
	return nil
}

// newUIDs returns the UIDs above last, in ascending order. "UID SEARCH UID
// n:*" also matches the highest UID when n is beyond it, so the answer is
// filtered.
func (r *runner) newUIDs(ctx context.Context, c *IMAPConn, last uint32) ([]imap.UID, error) {
	var set imap.UIDSet
	set.AddRange(imap.UID(last+1), 0)
	var data *imap.SearchData
	err := c.wait(ctx, func() error {
		var err error
		data, err = c.client.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
		return err
	})
	if err != nil {
		return nil, imapCommandError("UID SEARCH", err)
	}
	var out []imap.UID
	for _, u := range data.AllUIDs() {
		if uint32(u) > last {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// fetched is one message of a FETCH response.
type fetched struct {
	uid  imap.UID
	date time.Time
	size int64 // RFC822.SIZE as the server gave it; 0: not given
	raw  []byte
	body bool // the response carried BODY[] (NIL counts, as empty)
}

// standIn says whether m is not the message but the stand-in Exchange
// serves for an item it cannot convert: its "Retrieval using the IMAP4
// protocol failed" text, an empty BODY[], or a BODY[] far shorter than the
// RFC822.SIZE it gave for the same message. Exchange's sizes are estimates,
// so only a body of less than an eighth of the size, and at least 4 KiB
// short, counts: a real message wrongly taken for a stand-in is still
// archived, only flagged and fetched again on the next run.
func (m fetched) standIn() bool {
	got := int64(len(m.raw))
	switch {
	case isPlaceholder(m.raw), len(bytes.TrimSpace(m.raw)) == 0:
		return true
	case m.size > 0 && got*8 < m.size && m.size-got >= 4<<10:
		return true
	}
	return false
}

// standInError is why a stand-in was set aside.
var standInError = errors.New("the server sent a stand-in instead of the message (archived and flagged; tried again on the next run)")

// fetchIMAPChunk fetches chunk (ascending UIDs) with BODY.PEEK[] and
// commits it, in more than one batch if it is larger than BatchBytes. The
// folder state committed with a batch never passes a UID of the chunk that
// has not arrived yet. Messages the server fails to deliver, alone too, are
// set aside.
func (r *runner) fetchIMAPChunk(ctx context.Context, c *IMAPConn, cm *committer, folder string, state *store.FolderState, chunk []imap.UID, total int) error {
	b := r.newBatch(folder, total)
	received := make(map[imap.UID]bool, len(chunk))
	prefix := 0 // chunk[:prefix] have all arrived
	commitPrefix := func() error {
		for prefix < len(chunk) && received[chunk[prefix]] {
			prefix++
		}
		if prefix > 0 {
			state.LastUID = max(state.LastUID, uint32(chunk[prefix-1]))
		}
		full := b
		b = r.newBatch(folder, total)
		return cm.commit(ctx, full, *state)
	}
	err := r.fetchUIDs(ctx, c, imap.UIDSetNum(chunk...), func(m fetched) error {
		if !slices.Contains(chunk, m.uid) || received[m.uid] {
			return nil
		}
		if !m.body {
			return nil // tried alone below
		}
		received[m.uid] = true
		if m.standIn() {
			// Set aside before the folder state passes it: a run
			// cut in between tries it again all the same.
			if err := r.setAside(ctx, folder, state.UIDValidity, uidString(m.uid), standInError); err != nil {
				return err
			}
		}
		b.add(m.raw, r.location(folder, state.UIDValidity, m.uid), m.date, m.standIn())
		if b.full() {
			return commitPrefix()
		}
		return nil
	})
	var ie *imap.Error
	if err != nil && !errors.As(err, &ie) {
		return err
	}
	if err := commitPrefix(); err != nil {
		return err
	}
	// What did not arrive is tried alone: a message Exchange cannot serve
	// fails the whole FETCH, or comes back without its body.
	for _, uid := range chunk {
		if received[uid] {
			continue
		}
		if err := r.fetchAlone(ctx, c, cm, folder, state, uid); err != nil {
			return err
		}
	}
	if last := uint32(chunk[len(chunk)-1]); state.LastUID < last {
		// Past what never arrived (expunged, or set aside).
		state.LastUID = last
		return cm.commit(ctx, r.newBatch(folder, total), *state)
	}
	return nil
}

// fetchAlone fetches one message that a larger FETCH did not deliver. A
// message that is gone is no error; one the server will not serve is set aside.
func (r *runner) fetchAlone(ctx context.Context, c *IMAPConn, cm *committer, folder string, state *store.FolderState, uid imap.UID) error {
	got, answered, err := r.fetchOne(ctx, c, uid)
	var ie *imap.Error
	switch {
	case errors.As(err, &ie):
		return r.setAside(ctx, folder, state.UIDValidity, uidString(uid), fmt.Errorf("the server would not send it: %s", ie.Text))
	case err != nil:
		return err
	case !answered:
		return nil // expunged meanwhile: nothing to archive
	case got == nil:
		return r.setAside(ctx, folder, state.UIDValidity, uidString(uid), errNoContent)
	}
	if got.standIn() {
		if err := r.setAside(ctx, folder, state.UIDValidity, uidString(uid), standInError); err != nil {
			return err
		}
	}
	b := r.newBatch(folder, 0)
	b.add(got.raw, r.location(folder, state.UIDValidity, uid), got.date, got.standIn())
	return cm.commit(ctx, b, *state)
}

// errNoContent is why a message answered without BODY[] was set aside.
var errNoContent = errors.New("the server answered for the message but sent none of its content (tried again on the next run)")

// fetchOne fetches the message uid alone. answered says whether the server
// answered for it at all (a message expunged meanwhile gets no answer); got
// is nil when the answer carried no BODY[].
func (r *runner) fetchOne(ctx context.Context, c *IMAPConn, uid imap.UID) (got *fetched, answered bool, err error) {
	err = r.fetchUIDs(ctx, c, imap.UIDSetNum(uid), func(m fetched) error {
		if m.uid != uid {
			return nil
		}
		answered = true
		if m.body {
			got = &m
		}
		return nil
	})
	return got, answered, err
}

// retrySetAside tries again the messages of folder set aside on earlier
// runs. Those of an older UIDVALIDITY are dropped: the rescan covers them.
func (r *runner) retrySetAside(ctx context.Context, c *IMAPConn, folder string, state store.FolderState) error {
	aside, err := r.s.SetAsideMessages(ctx, r.acct.Name)
	if err != nil {
		return err
	}
	for _, m := range aside {
		if m.Folder != folder {
			continue
		}
		uid, perr := strconv.ParseUint(m.UID, 10, 32)
		if m.UIDValidity != state.UIDValidity || perr != nil {
			if err := r.s.ClearSetAside(ctx, m.Account, m.Folder, m.UIDValidity, m.UID); err != nil {
				return err
			}
			continue
		}
		got, answered, err := r.fetchOne(ctx, c, imap.UID(uid))
		var ie *imap.Error
		switch {
		case errors.As(err, &ie):
			err = r.setAside(ctx, folder, m.UIDValidity, m.UID, fmt.Errorf("the server would not send it: %s", ie.Text))
		case err != nil:
			return err
		case !answered:
			err = r.s.ClearSetAside(ctx, m.Account, m.Folder, m.UIDValidity, m.UID) // gone from the server
		case got == nil:
			err = r.setAside(ctx, folder, m.UIDValidity, m.UID, errNoContent)
		case got.standIn():
			err = r.setAside(ctx, folder, m.UIDValidity, m.UID, errors.New("the server still sends a stand-in instead of the message"))
		default:
			b := r.newBatch(folder, 0)
			b.add(got.raw, r.location(folder, m.UIDValidity, got.uid), got.date, false)
			if err = b.commit(ctx, nil, false); err == nil {
				err = r.s.ClearSetAside(ctx, m.Account, m.Folder, m.UIDValidity, m.UID)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// fetchUIDs runs UID FETCH set (UID INTERNALDATE RFC822.SIZE BODY.PEEK[]) and hands
// each message to f as it arrives; f's error stops it. A tagged NO or BAD
// comes back as *imap.Error, except throttling, a *ThrottledError.
func (r *runner) fetchUIDs(ctx context.Context, c *IMAPConn, set imap.UIDSet, f func(fetched) error) error {
	opts := &imap.FetchOptions{UID: true, InternalDate: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}
	err := c.wait(ctx, func() error {
		cmd := c.client.Fetch(set, opts)
		// Once a literal fails, go-imap's reader goroutine goes on parsing
		// the same buffer: draining the command (Close) then would read it
		// concurrently (a data race). A command given up on is abandoned
		// with its connection instead.
		abandoned := false
		defer func() {
			if !abandoned {
				cmd.Close()
			}
		}()
		for {
			msg := cmd.Next()
			if msg == nil {
				break
			}
			var m fetched
			for item := msg.Next(); item != nil; item = msg.Next() {
				switch it := item.(type) {
				case imapclient.FetchItemDataUID:
					m.uid = it.UID
				case imapclient.FetchItemDataInternalDate:
					m.date = it.Time
				case imapclient.FetchItemDataRFC822Size:
					m.size = it.Size
				case imapclient.FetchItemDataBodySection:
					if it.Literal == nil {
						m.body = true // BODY[] NIL: an empty stand-in
						continue
					}
					raw, err := readLiteral(it.Literal)
					if err != nil {
						abandoned = true
						c.client.Close()
						return fmt.Errorf("the connection failed in the middle of a message: %w", err)
					}
					m.raw, m.body = raw, true
				}
			}
			if m.uid == 0 {
				continue // an unsolicited FETCH (flags changed), not an answer
			}
			if err := f(m); err != nil {
				// Not worth reading the rest of the answer: this
				// session ends here.
				abandoned = true
				c.client.Close()
				return err
			}
		}
		return cmd.Close()
	})
	return imapCommandError("UID FETCH", err)
}

// imapCommandError turns a throttling NO/BAD into *ThrottledError.
func imapCommandError(cmd string, err error) error {
	var ie *imap.Error
	if errors.As(err, &ie) {
		if t := throttled(ie.Text); t != nil {
			return t
		}
		if ie.Type == imap.StatusResponseTypeBye {
			return fmt.Errorf("the server closed the connection during %s: %s", cmd, ie.Text)
		}
	}
	return err
}

// readLiteral reads a message literal whole: the store hashes and keeps it
// as one piece.
func readLiteral(lit imap.LiteralReader) ([]byte, error) {
	size := lit.Size()
	if size < 0 || size > 1<<31 {
		size = 0
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, 64<<10)
		}
		n, err := lit.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			if n := lit.Size(); n >= 0 && int64(len(buf)) != n {
				// The connection ended inside the literal: go-imap
				// reports a closed connection as a plain EOF.
				return nil, fmt.Errorf("%d of %d bytes: %w", len(buf), n, io.ErrUnexpectedEOF)
			}
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func (r *runner) location(folder string, uidValidity uint32, uid imap.UID) store.Location {
	return store.Location{Account: r.acct.Name, Folder: folder, UIDValidity: uidValidity, UID: uidString(uid)}
}

func uidString(uid imap.UID) string { return strconv.FormatUint(uint64(uid), 10) }
