package app

import (
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// Closing the main window hides it and Mailkeep keeps running; the first
// time, a note says so. Showing it again brings back the same window.
func TestClosingTheMainWindowKeepsMailkeepRunning(t *testing.T) {
	fa := test.NewTempApp(t)
	a, err := New(fa, Config{ArchivePath: filepath.Join(t.TempDir(), "archive.mailkeep"), UI: newUILoop(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	onUI(a, a.showMain)
	a.jobs.Wait() // the view's first reading of the archive (no scheduler runs here)
	var w fyne.Window
	onUI(a, func() { w = a.main })
	if w == nil || w.Title() != "Mailkeep" {
		t.Fatalf("main window %v", w)
	}
	if size := w.Canvas().Size(); size.Width < 600 || size.Height < 400 {
		t.Errorf("main window is %v: too small for the mailboxes", size)
	}
	open := func() bool { return slices.Contains(fa.Driver().AllWindows(), w) }

	if fa.Preferences().Bool(prefTrayToldYou) {
		t.Fatal("a fresh app has already told about the tray")
	}
	onUI(a, a.closeMain) // what the window's close button does (SetCloseIntercept)
	if !open() {
		t.Fatal("closing the main window closed it for good")
	}
	var top fyne.CanvasObject
	onUI(a, func() { top = w.Canvas().Overlays().Top() })
	if top == nil {
		t.Fatal("the first close said nothing about the tray")
	}
	if !fa.Preferences().Bool(prefTrayToldYou) {
		t.Error("the note will be shown again: the preference is not set")
	}
	var said []string
	onUI(a, func() {
		for _, o := range test.LaidOutObjects(top) {
			if l, ok := o.(*widget.Label); ok {
				said = append(said, l.Text)
			}
		}
	})
	if !slices.ContainsFunc(said, func(s string) bool { return len(s) > 50 }) {
		t.Errorf("the note says %q", said)
	}
	// Dismissing the note hides the window.
	onUI(a, func() {
		for _, o := range test.LaidOutObjects(top) {
			if b, ok := o.(*widget.Button); ok {
				test.Tap(b)
				break
			}
		}
		if w.Canvas().Overlays().Top() != nil {
			t.Error("the note stays after OK")
		}
		a.closeMain() // the second time: no note
		if w.Canvas().Overlays().Top() != nil || !open() {
			t.Error("the second close showed the note again or closed the window")
		}
	})
	onUI(a, func() {
		a.showMain()
		if a.main != w {
			t.Error("showMain made a second window")
		}
	})
}
