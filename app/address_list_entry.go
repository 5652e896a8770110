package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// addressListEntry is a multi-line entry for a list of mail addresses, one
// per line. Tab moves on to the next field, as in every other field: a tab
// is never part of an address, and a keyboard user must be able to leave.
type addressListEntry struct {
	widget.Entry
}

func newAddressListEntry() *addressListEntry {
	e := &addressListEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapOff
	e.ExtendBaseWidget(e)
	return e
}

// AcceptsTab says no: Tab moves the focus.
func (e *addressListEntry) AcceptsTab() bool { return false }
