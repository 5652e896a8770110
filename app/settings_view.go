package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// fallbackEvery is the schedule Settings shows when none was chosen.
const fallbackEvery = "1h"

// defaultConnections is how many connections a run opens to its server
// when Settings has no number.
const defaultConnections = 2

// everyChoices are the schedules Settings offers, as Go durations, with
// their words.
var everyChoices = []struct{ every, words string }{
	{"15m", "Every 15 minutes"},
	{"30m", "Every 30 minutes"},
	{"1h", "Every hour"},
	{"2h", "Every 2 hours"},
	{"6h", "Every 6 hours"},
	{"12h", "Every 12 hours"},
	{"24h", "Once a day"},
}

func everyWords(every string) string {
	for _, c := range everyChoices {
		if c.every == every {
			return c.words
		}
	}
	return every
}

func everyOfWords(words string) string {
	for _, c := range everyChoices {
		if c.words == words {
			return c.every
		}
	}
	return fallbackEvery
}

// countChoices are the numbers offered for connections and parallel runs.
var countChoices = []string{"1", "2", "3", "4", "6", "8"}

// showSettings shows the settings: where the archive is, start at login,
// the default schedule of new mailboxes, and how much runs may do at once.
func (a *App) showSettings() {
	prefs := a.fyne.Preferences()
	win := a.fyne.NewWindow("Mailkeep settings")

	archivePath := widget.NewEntry()
	archivePath.SetText(a.store.Path())
	archivePath.OnChanged = func(s string) { prefs.SetString(prefArchivePath, strings.TrimSpace(s)) }
	choose := widget.NewButton("Choose…", func() {
		dialog.ShowFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				return
			}
			w.Close()
			archivePath.SetText(w.URI().Path())
		}, win)
	})
	archiveNote := widget.NewLabel("A new location takes effect when Mailkeep starts again. The current file stays where it is: move it there yourself to keep its mail.")
	archiveNote.Wrapping = fyne.TextWrapWord

	// Reading whether Mailkeep starts at login is a file or registry look-up:
	// quick enough for Fyne's goroutine. Changing it is done in the background.
	autostart := widget.NewCheck("Start Mailkeep in the tray when I log in", nil)
	if on, err := autostartEnabled(a.cfg.Getenv); err != nil {
		a.log.Warn("start at login", "err", err)
	} else {
		autostart.SetChecked(on)
	}
	autostart.OnChanged = func(on bool) { a.changeAutostart(win, autostart, on) }

	every := widget.NewSelect(nil, func(words string) { prefs.SetString(prefDefaultEvery, everyOfWords(words)) })
	for _, c := range everyChoices {
		every.Options = append(every.Options, c.words)
	}
	every.SetSelected(everyWords(prefs.StringWithFallback(prefDefaultEvery, fallbackEvery)))

	connections := widget.NewSelect(countChoices, func(s string) {
		if n, err := strconv.Atoi(s); err == nil {
			prefs.SetInt(prefConnections, n)
		}
	})
	connections.SetSelected(strconv.Itoa(prefs.IntWithFallback(prefConnections, defaultConnections)))
	parallel := widget.NewSelect(countChoices, func(s string) {
		if n, err := strconv.Atoi(s); err == nil {
			prefs.SetInt(prefParallel, n)
		}
	})
	parallel.SetSelected(strconv.Itoa(prefs.IntWithFallback(prefParallel, 2)))
	countNote := widget.NewLabel("More connections archive a big mailbox faster; some servers limit them (Exchange Online allows a few per mailbox). Both numbers take effect when Mailkeep starts again.")
	countNote.Wrapping = fyne.TextWrapWord

	form := widget.NewForm(
		widget.NewFormItem("Archive file", container.NewBorder(nil, nil, nil, choose, archivePath)),
		widget.NewFormItem("", archiveNote),
		widget.NewFormItem("At login", autostart),
		widget.NewFormItem("New mailboxes run", every),
		widget.NewFormItem("Connections per mailbox", connections),
		widget.NewFormItem("Mailboxes at the same time", parallel),
		widget.NewFormItem("", countNote),
	)
	win.SetContent(container.NewBorder(nil, container.NewHBox(widget.NewButton("Close", win.Close)), nil, nil,
		container.NewVScroll(form)))
	win.Resize(fyne.NewSize(640, 460))
	win.Show()
}

// changeAutostart turns start at login on or off, off Fyne's goroutine, and
// puts the check back when it cannot.
func (a *App) changeAutostart(win fyne.Window, check *widget.Check, on bool) {
	a.background(func(ctx context.Context) {
		exe, err := thisExecutable()
		if err == nil {
			err = setAutostart(a.cfg.Getenv, exe, on)
		}
		if err == nil {
			return
		}
		a.do(func() {
			handler := check.OnChanged
			check.OnChanged = nil
			check.SetChecked(!on)
			check.OnChanged = handler
			dialog.ShowError(err, win)
		})
	})
}

// defaultSchedule is the schedule Settings gives new mailboxes.
func (a *App) defaultSchedule() time.Duration {
	return defaultEvery(a.fyne.Preferences().String(prefDefaultEvery))
}
