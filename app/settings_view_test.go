package app

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// find is the first object under o that match accepts.
func find[T fyne.CanvasObject](o fyne.CanvasObject, match func(T) bool) (T, bool) {
	if w, ok := o.(T); ok && match(w) {
		return w, true
	}
	var children []fyne.CanvasObject
	switch c := o.(type) {
	case *fyne.Container:
		children = c.Objects
	case *widget.Form:
		for _, it := range c.Items {
			children = append(children, it.Widget)
		}
	case *container.Scroll:
		children = []fyne.CanvasObject{c.Content}
	}
	for _, child := range children {
		if w, ok := find(child, match); ok {
			return w, true
		}
	}
	var zero T
	return zero, false
}

// TestSettings: the settings window shows the archive file, and its choices
// land in the preferences; the start-at-login check writes the autostart
// entry (Linux).
func TestSettings(t *testing.T) {
	cfgHome := t.TempDir()
	fa := test.NewTempApp(t)
	a := newShellApp(t, fa, time.Now())
	a.cfg.Getenv = shellEnv(map[string]string{"XDG_CONFIG_HOME": cfgHome, "HOME": t.TempDir()})
	a.showSettings()
	var win fyne.Window
	for _, w := range fa.Driver().AllWindows() {
		if w.Title() == "Mailkeep settings" {
			win = w
		}
	}
	if win == nil {
		t.Fatal("no settings window")
	}
	content := win.Content()
	path, ok := find(content, func(e *widget.Entry) bool { return true })
	if !ok || path.Text != a.store.Path() {
		t.Fatalf("archive file entry = %v %q, want %q", ok, path.Text, a.store.Path())
	}
	path.SetText("/srv/mail/office.mailkeep")
	if got := fa.Preferences().String(prefArchivePath); got != "/srv/mail/office.mailkeep" {
		t.Errorf("archive path preference = %q", got)
	}
	selects := map[string]*widget.Select{}
	form, _ := find(content, func(*widget.Form) bool { return true })
	for _, it := range form.Items {
		if s, ok := it.Widget.(*widget.Select); ok {
			selects[it.Text] = s
		}
	}
	selects["New mailboxes run"].SetSelected("Every 6 hours")
	selects["Connections per mailbox"].SetSelected("4")
	selects["Mailboxes at the same time"].SetSelected("3")
	if got := fa.Preferences().String(prefDefaultEvery); got != "6h" || a.defaultSchedule() != 6*time.Hour {
		t.Errorf("default schedule preference = %q (%v), want 6h", got, a.defaultSchedule())
	}
	if got := fa.Preferences().Int(prefConnections); got != 4 {
		t.Errorf("connections preference = %d, want 4", got)
	}
	if got := fa.Preferences().Int(prefParallel); got != 3 {
		t.Errorf("parallel preference = %d, want 3", got)
	}

	if runtime.GOOS != "linux" {
		return
	}
	check, ok := find(content, func(*widget.Check) bool { return true })
	if !ok {
		t.Fatal("no start-at-login check")
	}
	entry := filepath.Join(cfgHome, "autostart", ID+".desktop")
	if check.Checked {
		t.Error("start at login is checked before it was turned on")
	}
	test.Tap(check)
	waitUntil(t, "the autostart entry", func() bool { _, err := os.Stat(entry); return err == nil })
	test.Tap(check)
	waitUntil(t, "the autostart entry to go", func() bool { _, err := os.Stat(entry); return os.IsNotExist(err) })
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
