package app

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

// mailbox is what the App shows of one account: its settings, its latest
// run, and the run in progress.
type mailbox struct {
	Account archive.Account
	Last    *store.RunRecord // the latest run that ended; nil: never ran
	Next    time.Time        // when the schedule runs it next; zero: not scheduled

	Running bool
	Folder  string // being archived now
	Done    int    // messages of Folder committed in this run
	Total   int    // messages of Folder this run fetches
	Bytes   int64  // bytes committed in this run, all folders
	Count   int    // messages committed in this run, all folders

	// Problem is the latest run's failure in one line, with what to do; empty
	// after a run that went well.
	Problem string
	// FirstSuccess is set by the run that archived the mailbox for the first
	// time (a notification says so once).
	FirstSuccess bool
}

// board holds the live state of every mailbox. The engine's callbacks write
// it from their goroutines; screens read snapshots and subscribe to be told
// of changes (on the writer's goroutine: repaint with App.do).
type board struct {
	now func() time.Time

	mu        sync.Mutex
	boxes     map[string]*mailbox
	listeners map[int]func()
	nextID    int // the next listener's key
	// stored counts the changes to the archive's mail: runs that archived
	// messages, imports that added some, mail dropped with a mailbox.
	// Screens showing mail compare it to know when to read it again.
	stored int
	// progress is, for each running account, each folder's latest
	// EventProgress (the run's totals are their sums).
	progress map[string]map[string]archive.Event
}

func newBoard(now func() time.Time) *board {
	return &board{now: now, boxes: map[string]*mailbox{}, listeners: map[int]func(){},
		progress: map[string]map[string]archive.Event{}}
}

// load reads the accounts and their latest runs from the archive.
func (b *board) load(ctx context.Context, s *store.Store) error {
	accounts, err := archive.Accounts(ctx, s)
	if err != nil {
		return err
	}
	boxes := map[string]*mailbox{}
	for _, acct := range accounts {
		m := &mailbox{Account: acct}
		runs, err := s.Runs(ctx, acct.Name, 5)
		if err != nil {
			return err
		}
		for i := range runs {
			if runs[i].Outcome != store.OutcomeRunning {
				m.Last = &runs[i]
				break
			}
		}
		var lastStart time.Time
		if len(runs) > 0 {
			lastStart = runs[0].Started
		}
		if acct.Scheduled() && !acct.Paused {
			m.Next = archive.NextRun(acct, lastStart, b.now(), time.Local)
		}
		if m.Last != nil && m.Last.Outcome == store.OutcomeFailed {
			m.Problem = m.Last.Error
		}
		b.mu.Lock()
		if old, ok := b.boxes[acct.Name]; ok && old.Running {
			m.Running, m.Folder, m.Done, m.Total, m.Bytes, m.Count = true, old.Folder, old.Done, old.Total, old.Bytes, old.Count
		}
		b.mu.Unlock()
		boxes[acct.Name] = m
	}
	b.mu.Lock()
	b.boxes = boxes
	b.mu.Unlock()
	b.changed()
	return nil
}

// subscribe registers f to be called after every change, until the
// returned function is called.
func (b *board) subscribe(f func()) (unsubscribe func()) {
	b.mu.Lock()
	id := b.nextID
	b.nextID++
	b.listeners[id] = f
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		delete(b.listeners, id)
		b.mu.Unlock()
	}
}

func (b *board) changed() {
	b.mu.Lock()
	ls := make([]func(), 0, len(b.listeners))
	for _, f := range b.listeners {
		ls = append(ls, f)
	}
	b.mu.Unlock()
	for _, f := range ls {
		f()
	}
}

// mailChanged tells the listeners that the archive's mail changed (by an
// import, or by dropping a mailbox's mail).
func (b *board) mailChanged() {
	b.mu.Lock()
	b.stored++
	b.mu.Unlock()
	b.changed()
}

// mailVersion is the count of changes to the archive's mail so far.
func (b *board) mailVersion() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stored
}

// snapshot is every mailbox, sorted by name.
func (b *board) snapshot() []mailbox {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]mailbox, 0, len(b.boxes))
	for _, m := range b.boxes {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Account.Name < out[j].Account.Name })
	return out
}

// get is one mailbox; ok is false when there is none by that name.
func (b *board) get(name string) (mailbox, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	m, ok := b.boxes[name]
	if !ok {
		return mailbox{}, false
	}
	return *m, true
}

// update changes one mailbox under the lock and tells the listeners.
func (b *board) update(name string, f func(m *mailbox)) {
	b.mu.Lock()
	m, ok := b.boxes[name]
	if !ok {
		m = &mailbox{Account: archive.Account{Name: name}}
		b.boxes[name] = m
	}
	f(m)
	b.mu.Unlock()
	b.changed()
}

// started is the scheduler's Started callback.
func (b *board) started(acct archive.Account) {
	b.update(acct.Name, func(m *mailbox) {
		m.Account = acct
		m.Running, m.Folder, m.Done, m.Total, m.Bytes, m.Count = true, "", 0, 0, 0, 0
		m.FirstSuccess = false
	})
	b.mu.Lock()
	b.progress[acct.Name] = map[string]archive.Event{}
	b.mu.Unlock()
}

// event is the runs' Progress callback.
func (b *board) event(e archive.Event) {
	if e.Kind != archive.EventFolder && e.Kind != archive.EventProgress {
		return
	}
	b.mu.Lock()
	m, ok := b.boxes[e.Account]
	if ok {
		m.Folder, m.Done, m.Total = e.Folder, e.Done, e.Total
		if e.Kind == archive.EventProgress && b.progress[e.Account] != nil {
			b.progress[e.Account][e.Folder] = e
			m.Count, m.Bytes = 0, 0
			for _, f := range b.progress[e.Account] {
				m.Count += f.Done
				m.Bytes += f.Bytes
			}
		}
	}
	b.mu.Unlock()
	if ok {
		b.changed()
	}
}

// ended is the scheduler's Ended callback.
func (b *board) ended(rep archive.RunReport, err error) {
	b.mu.Lock()
	delete(b.progress, rep.Account)
	if rep.Messages > 0 {
		b.stored++
	}
	b.mu.Unlock()
	b.update(rep.Account, func(m *mailbox) {
		archivedBefore := m.Last != nil && m.Last.Outcome == store.OutcomeOK && m.Last.Messages > 0
		first := err == nil && rep.Messages > 0 && !archivedBefore
		m.Running, m.Folder, m.Done, m.Total = false, "", 0, 0
		m.Count, m.Bytes = rep.Messages, rep.Bytes
		m.Last = &store.RunRecord{ID: rep.RunID, Account: rep.Account, Started: rep.Started, Ended: rep.Ended,
			Outcome: rep.Outcome, Messages: rep.Messages, Bytes: rep.Bytes}
		m.Problem = ""
		if err != nil && !errors.Is(err, context.Canceled) {
			m.Problem = problemLine(err)
			m.Last.Error = m.Problem
		}
		m.FirstSuccess = first
		if m.Account.Scheduled() && !m.Account.Paused {
			m.Next = archive.NextRun(m.Account, rep.Started, b.now(), time.Local)
		}
	})
}

// problemLine is a run's failure in one line: the doctor's advice when the
// engine gave one, else the error.
func problemLine(err error) string {
	var ce *archive.CredentialError
	if errors.As(err, &ce) {
		return ce.Advice.String()
	}
	return err.Error()
}
