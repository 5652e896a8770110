package archive

import (
	"bytes"
	"context"
	"time"

	"github.com/mailkeep/mailkeep/store"
)

// batch collects fetched messages of one folder until they are committed
// together with the folder's new sync state.
type batch struct {
	r      *runner
	folder string
	msgs   []store.Incoming
	bytes  int64
	total  int // messages this run fetches from the folder (for events)
}

func (r *runner) newBatch(folder string, total int) *batch {
	return &batch{r: r, folder: folder, total: total}
}

// placeholderText starts the stand-in Exchange sends for an item it cannot
// convert to a message.
var placeholderText = []byte("Retrieval using the IMAP4 protocol failed")

// isPlaceholder says whether raw is Exchange's stand-in for a message.
func isPlaceholder(raw []byte) bool {
	return len(raw) < 64<<10 && bytes.Contains(raw, placeholderText)
}

// add puts a message in the batch; standIn says it is a server's stand-in
// for the message (archived flagged as a placeholder).
func (b *batch) add(raw []byte, loc store.Location, dateHint time.Time, standIn bool) {
	b.msgs = append(b.msgs, store.Incoming{Raw: raw, Location: loc, DateHint: dateHint, Placeholder: standIn})
	b.bytes += int64(len(raw))
}

func (b *batch) full() bool {
	return len(b.msgs) >= b.r.opt.BatchMessages || b.bytes >= b.r.opt.BatchBytes
}

// commit stores the batch and state (if not nil) in one transaction;
// durable makes it survive a power cut before commit returns.
func (b *batch) commit(ctx context.Context, state *store.FolderState, durable bool) error {
	if len(b.msgs) == 0 && state == nil {
		return nil
	}
	in := store.Batch{Messages: b.msgs, Durable: durable}
	if state != nil {
		in.States = []store.FolderState{*state}
	}
	stored, err := b.r.s.Ingest(ctx, in)
	if err != nil {
		return err
	}
	f := b.r.folder(b.folder)
	b.r.mu.Lock()
	for i, st := range stored {
		if st.New {
			f.New++
			b.r.report.New++
		}
		f.Messages++
		f.Bytes += int64(len(b.msgs[i].Raw))
	}
	b.r.report.Messages += len(stored)
	b.r.report.Bytes += b.bytes
	ev := Event{Kind: EventProgress, Folder: b.folder, Done: f.Messages, Total: b.total, Bytes: f.Bytes}
	b.r.mu.Unlock()
	if len(stored) > 0 {
		b.r.emit(ev)
	}
	b.msgs, b.bytes = nil, 0
	return nil
}

// committer stores a folder's batches on a goroutine of its own, one at a
// time and in order, so that the next batch is fetched while the last one
// is stored: at most one batch is in flight. A commit's error is returned by
// the next commit or wait.
type committer struct {
	done chan error // the batch in flight; nil: none
}

// commit waits for the batch in flight, then starts storing b together with
// state.
func (c *committer) commit(ctx context.Context, b *batch, state store.FolderState) error {
	if err := c.wait(); err != nil {
		return err
	}
	done := make(chan error, 1)
	c.done = done
	go func() { done <- b.commit(ctx, &state, false) }()
	return nil
}

// wait waits for the batch in flight, if any, to be stored.
func (c *committer) wait() error {
	if c.done == nil {
		return nil
	}
	err := <-c.done
	c.done = nil
	return err
}
