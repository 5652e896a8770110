package app

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
	"github.com/mailkeep/mailkeep/store/storetest"
)

// waitForView polls cond, read as one update of the screen, for up to a
// minute.
func waitForView(t *testing.T, sv *searchView, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		waitIdle(t, sv)
		var ok bool
		act(sv, func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a minute, still not: %s (status %q)", what, sv.status.Text)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSearchFollowsTheArchive keeps an open search in step with the
// archive: an import, a run that archived mail, a mailbox added, and mail
// dropped with a mailbox show without a new search; while the person is in
// the middle of the list, the screen says so instead of moving it.
func TestSearchFollowsTheArchive(t *testing.T) {
	ctx := context.Background()
	f := newSearchFixture(t, fixtureCorpus()[:60])
	w, sv := openSearch(t, f, 5*time.Millisecond)
	archived := func() int {
		n, err := f.a.store.Count(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	shows := func(n int) func() bool {
		return func() bool { return sv.results.length() == n && strings.HasPrefix(sv.status.Text, countText(n)) }
	}
	if n := sv.results.length(); n != archived() {
		t.Fatalf("the search lists %d messages, the archive holds %d", n, archived())
	}
	fresh := storetest.Generate(fixtureSeed+7, 60)
	dir := t.TempDir()
	d := f.a.newImportDialog(w)
	d.dlg.Show()

	// An import from the search window: the list grows by what it added.
	first := filepath.Join(dir, "first")
	if err := storetest.WriteEML(first, fresh[:20]); err != nil {
		t.Fatal(err)
	}
	if _, err := importAndWait(t, d, first); err != nil {
		t.Fatal(err)
	}
	waitForView(t, sv, fmt.Sprintf("the list shows all %d messages after the import", archived()), shows(archived()))

	// In the middle of the list, the list stays, and the status says that
	// Enter brings the new mail.
	act(sv, func() { sv.list.ScrollToBottom() })
	var scrolled float32
	act(sv, func() { scrolled = sv.list.GetScrollOffset() })
	if scrolled == 0 {
		t.Fatal("the list did not scroll: the test's window shows every row")
	}
	before := archived()
	second := filepath.Join(dir, "second")
	if err := storetest.WriteEML(second, fresh[20:40]); err != nil {
		t.Fatal(err)
	}
	if _, err := importAndWait(t, d, second); err != nil {
		t.Fatal(err)
	}
	waitForView(t, sv, "the status says new mail was archived", func() bool { return strings.HasSuffix(sv.status.Text, newMailNote) })
	act(sv, func() {
		if n := sv.results.length(); n != before {
			t.Errorf("while scrolled, the list changed from %d to %d rows", before, n)
		}
		if sv.list.GetScrollOffset() != scrolled {
			t.Errorf("while scrolled, the list moved from %v to %v", scrolled, sv.list.GetScrollOffset())
		}
		sv.query.OnSubmitted(sv.query.Text) // Enter
	})
	waitForView(t, sv, "Enter shows the new mail, without the note", shows(archived()))
	if strings.Contains(sv.status.Text, newMailNote) {
		t.Errorf("after Enter the status still says %q", sv.status.Text)
	}

	// A scheduled run that archived mail (the scheduler's Ended callback).
	var batch []store.Incoming
	for i, m := range fresh[40:] {
		batch = append(batch, store.Incoming{Raw: m.Raw, DateHint: m.Envelope,
			Location: store.Location{Account: helpdeskMailbox, Folder: "INBOX", UIDValidity: 1, UID: fmt.Sprint(1000 + i)}})
	}
	if _, err := f.a.store.Ingest(ctx, store.Batch{Messages: batch}); err != nil {
		t.Fatal(err)
	}
	f.a.board.ended(archive.RunReport{Account: helpdeskMailbox, Messages: len(batch), Outcome: store.OutcomeOK}, nil)
	waitForView(t, sv, fmt.Sprintf("the list shows all %d messages after the run", archived()), shows(archived()))

	// A mailbox added: the mailbox filter offers it.
	added := "reception@contoso.com"
	f.a.board.update(added, func(*mailbox) {})
	waitForView(t, sv, "the mailbox filter offers "+added, func() bool { return slices.Contains(sv.mailbox.Options, added) })

	// A mailbox removed with its mail: its messages leave the list.
	if _, err := f.a.removeMailbox(ctx, helpdeskMailbox, true); err != nil {
		t.Fatal(err)
	}
	waitForView(t, sv, fmt.Sprintf("the list shows the %d messages left", archived()), shows(archived()))
	waitForView(t, sv, "the mailbox filter no longer offers "+helpdeskMailbox,
		func() bool { return !slices.Contains(sv.mailbox.Options, helpdeskMailbox) })

	// Closed, the screen stops listening.
	listeners := func() int {
		f.a.board.mu.Lock()
		defer f.a.board.mu.Unlock()
		return len(f.a.board.listeners)
	}
	open := listeners()
	sv.close()
	if n := listeners(); n != open-1 {
		t.Errorf("closing the search left %d of %d listeners", n, open)
	}
}
