//go:build cgo

package main

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/store"
)

// startErrorText is what a person is told when Mailkeep cannot start.
func startErrorText(err error) string {
	var locked *store.LockedError
	if errors.As(err, &locked) {
		who := "Another program"
		if locked.PID > 0 {
			who = fmt.Sprintf("Another program (process %d)", locked.PID)
		}
		return who + " is using the archive file " + locked.Archive + ", most likely mailkeep-cli (run or daemon). " +
			"Stop it, or wait until it has finished, then start Mailkeep again."
	}
	return err.Error()
}

// showStartError shows why Mailkeep cannot start, in a plain window, until
// it is closed.
func showStartError(fa fyne.App, err error) {
	w := fa.NewWindow("Mailkeep cannot start")
	msg := widget.NewLabel(startErrorText(err))
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewBorder(
		widget.NewLabelWithStyle("Mailkeep cannot start", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(widget.NewButton("Close", fa.Quit)), nil, nil, msg))
	w.Resize(fyne.NewSize(520, 200))
	w.Show()
	if unmadeWindow(fa) {
		tellNoWindow()
		return
	}
	fa.Run()
}
