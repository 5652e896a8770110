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
// checks that the window lists what a suggested search finds in the demo
// archive, while the real archive stays empty.
func TestStartDemo(t *testing.T) {
	fa := test.NewApp()
	defer fa.Quit()
	dir := t.TempDir()
	a, err := New(fa, Config{ArchivePath: filepath.Join(dir, "archive.mailkeep")})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	fyne.DoAndWait(a.startDemo)
	w := demoWindowOf(t, fa)

	var status string
	deadline := time.Now().Add(3 * time.Minute)
	for !strings.HasPrefix(status, "Done") {
		if time.Now().After(deadline) {
			t.Fatalf("the demo did not finish; its status reads %q", status)
		}
		if strings.HasPrefix(status, "The demo could not run") {
			t.Fatalf("demo: %s", status)
		}
		time.Sleep(50 * time.Millisecond)
		fyne.DoAndWait(func() { status = findLabel(w.Content(), "Done", "The demo could not run") })
	}
	messages := len(demo.Mailbox())
	if !strings.Contains(status, countWord(messages)) {
		t.Errorf("status %q does not say %d messages were archived", status, messages)
	}

	// The suggested search is filled in and its results listed.
	want, err := demoSearch(demo.PathBeside(a.store.Path()), demo.SuggestedSearches()[0].Query)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatalf("the first suggested search finds nothing in the demo archive")
	}
	var rows int
	var query, found, firstSubject string
	deadline = time.Now().Add(time.Minute)
	for rows != len(want) || firstSubject != want[0].Subject {
		if time.Now().After(deadline) {
			t.Fatalf("the result list shows %d rows, the first %q; want %d, the first %q (search %q: %s)", rows, firstSubject, len(want), want[0].Subject, query, found)
		}
		time.Sleep(50 * time.Millisecond)
		fyne.DoAndWait(func() {
			list := find[*widget.List](w.Content())
			rows = list.Length()
			query = find[*widget.Entry](w.Content()).Text
			found = findLabel(w.Content(), "found", "No message")
			firstSubject = ""
			if rows > 0 {
				row := list.CreateItem()
				list.UpdateItem(0, row)
				firstSubject = find[*widget.Label](row).Text
			}
		})
	}
	if query != demo.SuggestedSearches()[0].Query {
		t.Errorf("the search box holds %q, want the suggested %q", query, demo.SuggestedSearches()[0].Query)
	}

	// Another search typed in.
	fyne.DoAndWait(func() {
		e := find[*widget.Entry](w.Content())
		e.SetText("議事録")
		e.OnSubmitted(e.Text)
	})
	minutes, err := demoSearch(demo.PathBeside(a.store.Path()), "議事録")
	if err != nil || len(minutes) == 0 {
		t.Fatalf("the demo archive has no minutes (%v)", err)
	}
	deadline = time.Now().Add(time.Minute)
	for rows != len(minutes) {
		if time.Now().After(deadline) {
			t.Fatalf("after searching 議事録 the list shows %d rows, want %d", rows, len(minutes))
		}
		time.Sleep(50 * time.Millisecond)
		fyne.DoAndWait(func() { rows = find[*widget.List](w.Content()).Length() })
	}

	// The real archive is untouched.
	ctx := context.Background()
	if n, err := a.store.Count(ctx, ""); err != nil || n != 0 {
		t.Errorf("the real archive holds %d messages (%v), want none", n, err)
	}
	if accts, err := a.store.Accounts(ctx); err != nil || len(accts) != 0 {
		t.Errorf("the real archive has accounts %v (%v), want none", accts, err)
	}

	// A second start brings the same window forward.
	fyne.DoAndWait(a.startDemo)
	n := 0
	for _, w := range fa.Driver().AllWindows() {
		if w.Title() == demoTitle {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d demo windows after starting the demo twice, want 1", n)
	}
	fyne.DoAndWait(w.Close)
}

// demoWindowOf is the open demo window.
func demoWindowOf(t *testing.T, fa fyne.App) fyne.Window {
	t.Helper()
	for _, w := range fa.Driver().AllWindows() {
		if w.Title() == demoTitle {
			return w
		}
	}
	t.Fatalf("no window is called %q", demoTitle)
	return nil
}

// demoSearch is what the store finds for query in the demo archive at path.
func demoSearch(path, query string) ([]store.Result, error) {
	s, err := store.Open(context.Background(), path)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Search(context.Background(), query, store.SearchOptions{Limit: demoResults})
}

// find is the first object of type T in the containers under o, visible or
// not (widgets' insides are not searched).
func find[T fyne.CanvasObject](o fyne.CanvasObject) T {
	var zero T
	if t, ok := o.(T); ok {
		return t
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, k := range c.Objects {
			if t := find[T](k); any(t) != any(zero) {
				return t
			}
		}
	}
	return zero
}

// findLabel is the text of the first label in the containers under o that
// contains one of texts; "" if none does.
func findLabel(o fyne.CanvasObject, texts ...string) string {
	if l, ok := o.(*widget.Label); ok {
		for _, p := range texts {
			if strings.Contains(l.Text, p) {
				return l.Text
			}
		}
		return ""
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, k := range c.Objects {
			if s := findLabel(k, texts...); s != "" {
				return s
			}
		}
	}
	return ""
}
