package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/store"
	"github.com/mailkeep/mailkeep/store/storetest"
)

// importAndWait runs the import dialog on paths and waits for it to end.
func importAndWait(t *testing.T, d *importDialog, paths ...string) (store.ImportStats, error) {
	t.Helper()
	type result struct {
		stats store.ImportStats
		err   error
	}
	done := make(chan result, 1)
	onUI(d.a, func() {
		d.done = func(s store.ImportStats, err error) { done <- result{s, err} }
		d.paths.SetText("")
		for _, p := range paths {
			d.addPath(p)
		}
		test.Tap(d.start)
	})
	select {
	case r := <-done:
		return r.stats, r.err
	case <-time.After(2 * time.Minute):
		t.Fatal("the import did not end in two minutes")
	}
	return store.ImportStats{}, nil
}

// TestImportDialog imports an mbox file, a Maildir and .eml files through the
// dialog into the App's archive (which the App holds locked), and checks that
// search then finds them.
func TestImportDialog(t *testing.T) {
	f := newSearchFixture(t, fixtureCorpus()[:50])
	ctx := context.Background()
	fresh := storetest.Generate(fixtureSeed+1, 90)
	dir := t.TempDir()
	mbox := filepath.Join(dir, "Old mail.mbox")
	if err := storetest.WriteMbox(mbox, fresh[:30]); err != nil {
		t.Fatal(err)
	}
	if err := storetest.WriteMaildir(filepath.Join(dir, "maildir"), "Projects", fresh[30:60]); err != nil {
		t.Fatal(err)
	}
	emls := filepath.Join(dir, "emls")
	if err := storetest.WriteEML(emls, fresh[60:]); err != nil {
		t.Fatal(err)
	}
	before, err := f.a.store.Count(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(nil)
	defer w.Close()
	d := f.a.newImportDialog(w)
	d.dlg.Show()
	stats, err := importAndWait(t, d, mbox, filepath.Join(dir, "maildir"), emls)
	if err != nil {
		t.Fatal(err)
	}
	want := map[[32]byte]bool{}
	for _, m := range fresh {
		want[m.SHA256()] = true
	}
	if stats.Read != len(fresh) || stats.New != len(want) {
		t.Errorf("import read %d, %d new; want %d, %d", stats.Read, stats.New, len(fresh), len(want))
	}
	if !strings.HasPrefix(d.status.Text, "Done: ") || !strings.Contains(d.status.Text, importedLabel) {
		t.Errorf("status after the import: %q", d.status.Text)
	}
	after, _ := f.a.store.Count(ctx, "")
	if after != before+len(want) {
		t.Errorf("the archive holds %d messages after the import, %d before; want %d more", after, before, len(want))
	}
	// Search finds an imported message by a word of its subject.
	for _, m := range fresh {
		if !m.WellFormed() || m.Subject == "" || len(storetest.Tokens(m.Subject)) < 2 {
			continue
		}
		q := `subject:"` + m.Subject + `" folder:Projects OR subject:"` + m.Subject + `"`
		n, err := f.a.store.Count(ctx, q)
		if err != nil || n == 0 {
			t.Errorf("search %q finds %d after the import (%v)", q, n, err)
		}
		break
	}

	// Again: nothing new.
	stats, err = importAndWait(t, d, mbox)
	if err != nil || stats.New != 0 || stats.Read != 30 {
		t.Errorf("importing the mbox again: %+v, %v; want 30 read, none new", stats, err)
	}

	// A path that is not there: the store's words, and nothing imported.
	_, err = importAndWait(t, d, filepath.Join(dir, "not-there.mbox"))
	if err == nil || !strings.Contains(d.status.Text, "not-there.mbox") {
		t.Errorf("importing a missing file: %v, status %q", err, d.status.Text)
	}

	// Nothing chosen.
	onUI(d.a, func() {
		d.paths.SetText("  \n")
		test.Tap(d.start)
	})
	if !strings.Contains(d.status.Text, "Add the files") {
		t.Errorf("with nothing to import: %q", d.status.Text)
	}
}

// TestImportDialogCancel stops an import at once: what was read is kept, and
// the dialog says so.
func TestImportDialogCancel(t *testing.T) {
	f := newSearchFixture(t, fixtureCorpus()[:5])
	mbox := filepath.Join(t.TempDir(), "big.mbox")
	if err := storetest.WriteMbox(mbox, storetest.Generate(fixtureSeed+2, 600)); err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(nil)
	defer w.Close()
	d := f.a.newImportDialog(w)
	done := make(chan error, 1)
	onUI(d.a, func() {
		d.done = func(_ store.ImportStats, err error) { done <- err }
		d.addPath(mbox)
		test.Tap(d.start)
		test.Tap(d.close) // Cancel
	})
	err := <-done
	if err == nil {
		t.Skip("the import ended before Cancel could stop it")
	}
	if !strings.HasPrefix(d.status.Text, "Stopped.") || d.close.Text != "Close" || d.start.Disabled() {
		t.Errorf("after Cancel: status %q, buttons %q / start disabled %v (err %v)", d.status.Text, d.close.Text, d.start.Disabled(), err)
	}
	if _, err := os.Stat(mbox); err != nil {
		t.Errorf("the mbox file is gone: %v", err)
	}
}

// TestShowImportWithoutWindow opens the import from the tray (no window): it
// gets a window of its own, which closes with the dialog.
func TestShowImportWithoutWindow(t *testing.T) {
	f := newSearchFixture(t, fixtureCorpus()[:3])
	f.a.showImport(nil)
	var own fyne.Window
	for _, w := range f.a.fyne.Driver().AllWindows() {
		if w.Title() == "Import mail — Mailkeep" {
			own = w
		}
	}
	if own == nil {
		t.Fatal("no window for the import")
	}
	overlays := own.Canvas().Overlays().List()
	if len(overlays) == 0 {
		t.Fatal("the import window shows no dialog")
	}
	var closeButton *widget.Button
	for _, o := range test.LaidOutObjects(overlays[0]) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Close" {
			closeButton = b
		}
	}
	if closeButton == nil {
		t.Fatal("the import dialog has no Close button")
	}
	test.Tap(closeButton)
	for _, w := range f.a.fyne.Driver().AllWindows() {
		if w == own {
			t.Error("the import's own window stayed open after Close")
		}
	}
}
