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
