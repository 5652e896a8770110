package app

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/mailkeep/mailkeep/store"
	"github.com/mailkeep/mailkeep/store/storetest"
)

// The search tests' archive: a generated corpus, every message under account
// "import" in one of four folders by its index, and every fifth also in the
// mailbox "helpdesk@contoso.com" (INBOX).
const (
	fixtureSeed     = 20261129
	fixtureSize     = 450 // more than firstPageRows + pageRows: paging is used
	helpdeskMailbox = "helpdesk@contoso.com"
)

var fixtureFolders = []string{"Mail", "Work", "Lists", "Saved"}

func inHelpdesk(m storetest.Message) bool { return m.Index%5 == 0 }

var (
	fixtureOnce sync.Once
	fixtureMsgs []storetest.Message
)

func fixtureCorpus() []storetest.Message {
	fixtureOnce.Do(func() { fixtureMsgs = storetest.Generate(fixtureSeed, fixtureSize) })
	return fixtureMsgs
}

// searchFixture is an App over an archive holding the corpus.
type searchFixture struct {
	a    *App
	msgs []storetest.Message
	byID map[int64]storetest.Message
	ids  []int64 // by index
}

// newSearchFixture writes the corpus into a new archive and opens an App on
// it with Fyne's test app.
func newSearchFixture(t testing.TB, msgs []storetest.Message) *searchFixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "archive.mailkeep")
	ids := ingestFixture(t, path, msgs)
	fa := test.NewTempApp(t)
	a, err := New(fa, Config{ArchivePath: path, Getenv: func(string) string { return "" }, UI: newUILoop(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Error(err)
		}
	})
	f := &searchFixture{a: a, msgs: msgs, ids: ids, byID: map[int64]storetest.Message{}}
	for i, id := range ids {
		f.byID[id] = msgs[i]
	}
	return f
}

// ingestFixture stores msgs in a new archive at path and returns their ids.
func ingestFixture(t testing.TB, path string, msgs []storetest.Message) []int64 {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := make([]int64, len(msgs))
	var batch []store.Incoming
	var idx []int
	flush := func() {
		if len(batch) == 0 {
			return
		}
		res, err := s.Ingest(ctx, store.Batch{Messages: batch})
		if err != nil {
			t.Fatal(err)
		}
		for k, r := range res {
			ids[idx[k]] = r.ID
		}
		batch, idx = batch[:0], idx[:0]
	}
	for pass := range 2 {
		for i, m := range msgs {
			loc := store.Location{Account: store.ImportAccount, Folder: fixtureFolders[i%4], UID: fmt.Sprint(i)}
			if pass == 1 {
				if !inHelpdesk(m) {
					continue
				}
				loc = store.Location{Account: helpdeskMailbox, Folder: "INBOX", UIDValidity: 1, UID: fmt.Sprint(i + 1)}
			}
			batch = append(batch, store.Incoming{Raw: m.Raw, Location: loc, DateHint: m.Envelope})
			idx = append(idx, i)
			if len(batch) == 500 {
				flush()
			}
		}
		flush()
	}
	return ids
}

// waitIdle waits until the search view has nothing under way.
func waitIdle(t testing.TB, sv *searchView) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if sv.pending.Load() == 0 {
			// Settled twice in a row: nothing was about to start.
			time.Sleep(5 * time.Millisecond)
			if sv.pending.Load() == 0 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the search view is still busy after a minute (%d under way)", sv.pending.Load())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// act does what a person does to the screen (typing, ticking, scrolling)
// as one update of it: never at the same time as a result arriving.
func act(sv *searchView, f func()) { onUI(sv.a, f) }

// openSearch shows a search view in a test window of the given size, with
// typing pauses of delay, and waits for its first results.
func openSearch(t testing.TB, f *searchFixture, delay time.Duration) (fyne.Window, *searchView) {
	t.Helper()
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	sv := f.a.newSearchPane(w)
	sv.delay = delay
	act(sv, func() {
		w.SetContent(sv.content())
		w.Resize(fyne.NewSize(960, 640))
		sv.runSearch("")
	})
	waitIdle(t, sv)
	return w, sv
}
