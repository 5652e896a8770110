package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/archive/demo"
	"github.com/mailkeep/mailkeep/store"
)

// TestStartDemo opens the demo window, waits for the demo run to end, and
// checks that the window lists what the suggested search, and then a typed
// one, find in the demo archive, while the real archive stays empty.
func TestStartDemo(t *testing.T) {
	fa := test.NewApp()
	defer fa.Quit()
	a, err := New(fa, Config{ArchivePath: filepath.Join(t.TempDir(), "archive.mailkeep"), UI: newUILoop(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	var d *demoWindow
	fyne.DoAndWait(func() { d = a.openDemo() })
	if d.w.Title() != demoTitle || !strings.Contains(demoTitle, "not your real archive") {
		t.Errorf("the demo window is called %q", d.w.Title())
	}
	if want := filepath.Join(filepath.Dir(a.store.Path()), demo.FileName); d.path != want {
		t.Errorf("the demo archives into %s, want %s", d.path, want)
	}

	var status string
	d.eventually(t, "the demo run ends", func() bool {
		status = d.status.Text
		if strings.HasPrefix(status, "The demo could not run") {
			t.Fatalf("demo: %s", status)
		}
		return strings.HasPrefix(status, "Done")
	})
	messages := len(demo.Mailbox())
	if !strings.Contains(status, messageCount(messages)) {
		t.Errorf("status %q does not say %d messages were archived", status, messages)
	}

	// The suggested search is filled in and its results listed, newest first.
	suggested := demo.SuggestedSearches()[0].Query
	d.shows(t, suggested)

	// A search typed in and submitted.
	d.read(func() {
		d.query.SetText("議事録")
		d.query.OnSubmitted(d.query.Text)
	})
	d.shows(t, "議事録")
	d.read(func() {
		if !d.search.Visible() || d.query.Text != "議事録" {
			t.Errorf("search shown %v, query %q", d.search.Visible(), d.query.Text)
		}
	})

	// The real archive is untouched.
	ctx := context.Background()
	if n, err := a.store.Count(ctx, ""); err != nil || n != 0 {
		t.Errorf("the real archive holds %d messages (%v), want none", n, err)
	}
	if accts, err := a.store.Accounts(ctx); err != nil || len(accts) != 0 {
		t.Errorf("the real archive has accounts %v (%v), want none", accts, err)
	}

	// Starting the demo again brings the same window forward.
	fyne.DoAndWait(a.startDemo)
	n := 0
	for _, w := range fa.Driver().AllWindows() {
		if w.Title() == demoTitle {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d demo windows after starting the demo again, want 1", n)
	}
	fyne.DoAndWait(d.w.Close)
}

// read runs f on the App's UI goroutine and waits for it.
func (d *demoWindow) read(f func()) { onUI(d.a, f) }

// eventually waits until cond holds (read on the UI goroutine).
func (d *demoWindow) eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute) // generous: a busy machine, -race
	for {
		var ok bool
		d.read(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shows waits until the result list shows what query finds in the demo
// archive: as many rows, in the same order, the subject and the sender in
// each row.
func (d *demoWindow) shows(t *testing.T, query string) {
	t.Helper()
	s, err := store.Open(context.Background(), d.path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.Search(context.Background(), query, store.SearchOptions{Limit: demoResults})
	s.Close()
	if err != nil || len(want) == 0 {
		t.Fatalf("search %s in the demo archive: %d results (%v); want some", query, len(want), err)
	}
	var rows []string
	d.eventually(t, "the list shows what "+query+" finds", func() bool {
		if d.query.Text != query || d.results.Length() != len(want) || !strings.HasPrefix(d.found.Text, messageCount(len(want))+" found") {
			return false
		}
		rows = rows[:0]
		row := d.results.CreateItem()
		for i := range want {
			d.results.UpdateItem(i, row)
			box := row.(*fyne.Container)
			rows = append(rows, box.Objects[0].(*widget.Label).Text+" | "+box.Objects[1].(*widget.RichText).String())
		}
		return true
	})
	for i, r := range want {
		if !strings.HasPrefix(rows[i], r.Subject+" | ") || !strings.Contains(rows[i], senderName(r.From)) {
			t.Errorf("search %s: row %d reads %q, want the subject %q and sender %q", query, i, rows[i], r.Subject, senderName(r.From))
		}
		if i > 0 && r.Date.After(want[i-1].Date) {
			t.Errorf("search %s: result %d is newer than the one before it", query, i)
		}
	}
}
