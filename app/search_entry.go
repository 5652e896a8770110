package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// searchEntry is the search box. The Down arrow moves on to the results, as
// in a mail program, so that the keyboard alone can search and open a
// message: type, Down, then Space opens the highlighted one.
type searchEntry struct {
	widget.Entry
	down func() // Down was pressed
	// shortcuts are the window's own shortcuts (by ShortcutName), which
	// would otherwise stop at the entry while it has the focus.
	shortcuts map[string]func(fyne.Shortcut)
}

func newSearchEntry(down func()) *searchEntry {
	e := &searchEntry{down: down}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey moves on at Down and edits as an entry does otherwise.
func (e *searchEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyDown && e.down != nil {
		e.down()
		return
	}
	e.Entry.TypedKey(k)
}

// TypedShortcut runs the window's own shortcuts, and the entry's (copy,
// paste, …) otherwise.
func (e *searchEntry) TypedShortcut(s fyne.Shortcut) {
	if f := e.shortcuts[s.ShortcutName()]; f != nil {
		f(s)
		return
	}
	e.Entry.TypedShortcut(s)
}
