package app

import (
	"slices"
	"sync"
)

// newMailNote follows the result count when mail was archived since the
// results were read and they were not read again (the list was scrolled, or
// results were ticked).
const newMailNote = " — new mail was archived: press Enter in the search box to include it"

// mailWatch is what a search screen knows of the archive's changes: runs
// that archived mail, imports, and mailboxes added or removed.
type mailWatch struct {
	unsubscribe func()

	// seen is the board's mailVersion the results were read at; newer is
	// set while the results are older than the archive. Both are touched on
	// Fyne's goroutine only.
	seen  int
	newer bool

	// posted is what the board's listener last passed on to the screen; the
	// listener runs on the engine's goroutines, often (every progress
	// event), and passes on changes only.
	mu            sync.Mutex
	postedVersion int
	postedNames   []string
}

// watchMail keeps the screen in step with the archive: the mailbox filter's
// choices follow the mailboxes, and the results are read again when mail
// was archived, unless the person is in the middle of the list.
func (sv *searchView) watchMail() {
	b := sv.a.board
	sv.mail.seen = b.mailVersion()
	sv.mail.postedVersion = sv.mail.seen
	sv.mail.postedNames = sv.mailboxChoices()
	sv.mail.unsubscribe = b.subscribe(func() {
		version, names := b.mailVersion(), sv.mailboxChoices()
		w := &sv.mail
		w.mu.Lock()
		changed := version != w.postedVersion || !slices.Equal(names, w.postedNames)
		w.postedVersion, w.postedNames = version, names
		w.mu.Unlock()
		if changed {
			sv.a.do(func() { sv.mailChanged(version, names) })
		}
	})
}

// stop ends the watch (the window closed).
func (w *mailWatch) stop() {
	if w.unsubscribe != nil {
		w.unsubscribe()
		w.unsubscribe = nil
	}
}

// mailChanged runs on Fyne's goroutine after the archive's mail or its
// mailboxes changed.
func (sv *searchView) mailChanged(version int, choices []string) {
	if sel := sv.mailbox.Selected; sel != "" && !slices.Contains(choices, sel) {
		choices = append(choices, sel) // a mailbox typed in the query stays as typed
	}
	if !slices.Equal(choices, sv.mailbox.Options) {
		sv.mailbox.SetOptions(choices)
	}
	if version == sv.mail.seen {
		return
	}
	sv.mail.seen = version
	if sv.list.GetScrollOffset() > 0 || len(sv.results.selected) > 0 {
		// Reading the results again would move the list under the
		// person's eyes, or untick what they ticked: say so instead.
		sv.mail.newer = true
		if n := sv.results.length(); n > 0 {
			sv.showCount(n)
		}
		return
	}
	sv.runSearch(sv.results.query)
}

// showCount says how many messages were found, and whether the archive has
// newer mail than the results.
func (sv *searchView) showCount(n int) {
	text := countText(n)
	if sv.mail.newer {
		text += newMailNote
	}
	sv.status.SetText(text)
}
