package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/store/storetest"
)

// viewCase is a query typed into the box and, as a predicate over the
// generator's model, the messages the list must show.
type viewCase struct {
	query string
	want  func(storetest.Message) bool
	// unsure marks messages the model cannot predict for the query (broken
	// parts that may hold attachments): left out of the comparison.
	unsure func(storetest.Message) bool
}

func has(w string, fields ...storetest.Field) func(storetest.Message) bool {
	return func(m storetest.Message) bool { return m.HasPhrase(w, fields...) }
}

func both(p, q func(storetest.Message) bool) func(storetest.Message) bool {
	return func(m storetest.Message) bool { return p(m) && q(m) }
}

func either(p, q func(storetest.Message) bool) func(storetest.Message) bool {
	return func(m storetest.Message) bool { return p(m) || q(m) }
}

func without(p func(storetest.Message) bool) func(storetest.Message) bool {
	return func(m storetest.Message) bool { return !p(m) }
}

func everything(storetest.Message) bool          { return true }
func hasAttachments(m storetest.Message) bool    { return len(m.Attachments) > 0 }
func attachmentsUnsure(m storetest.Message) bool { return m.AttachmentsUnsure }

func inFolder(name string) func(storetest.Message) bool {
	return func(m storetest.Message) bool { return fixtureFolders[m.Index%4] == name }
}

var viewCases = []viewCase{
	{query: "", want: everything},
	{query: "zephyr", want: has("zephyr")},
	{query: "Zephyr -quokka", want: both(has("zephyr"), without(has("quokka")))},
	{query: "marmalade OR walrus", want: either(has("marmalade"), has("walrus"))},
	{query: `"quarterly budget review"`, want: has(storetest.Phrase)},
	{query: "subject:lantern", want: has("lantern", storetest.FieldSubject)},
	{query: "from:alice", want: has("alice", storetest.FieldFrom)},
	{query: "to:bob", want: has("bob", storetest.FieldTo, storetest.FieldCc)},
	{query: "Müller", want: has("müller")},
	{query: "muller", want: has("muller")},
	{query: "Straße", want: has("straße")},
	{query: "привет", want: has("привет")},
	{query: "請求書", want: has("請求書")},
	{query: "Καλημέρα", want: has("καλημέρα")},
	{query: `from:"иван петров"`, want: has("иван петров", storetest.FieldFrom)},
	{query: "has:attachment", want: hasAttachments, unsure: attachmentsUnsure},
	{query: "filename:pdf", want: has("pdf", storetest.FieldFilenames), unsure: attachmentsUnsure},
	{query: "filename:отчёт", want: has("отчёт", storetest.FieldFilenames), unsure: attachmentsUnsure},
	{query: "folder:Lists", want: inFolder("Lists")},
	{query: "account:" + helpdeskMailbox, want: inHelpdesk},
	{query: "tundra folder:Work", want: both(has("tundra"), inFolder("Work"))},
}

// TestSearchViewQueries types each query into the box and checks the list
// against the model: the same messages, newest first, the count in the
// status line, and the rows on screen showing the messages' subjects.
func TestSearchViewQueries(t *testing.T) {
	f := newSearchFixture(t, fixtureCorpus())
	w, sv := openSearch(t, f, 100*time.Millisecond)

	for _, c := range viewCases {
		t.Run(c.query, func(t *testing.T) {
			act(sv, func() { sv.query.SetText("") })
			waitIdle(t, sv)
			act(sv, func() {
				w.Canvas().Focus(sv.query)
				test.Type(sv.query, c.query)
			})
			waitIdle(t, sv)
			if sv.results.query != c.query {
				t.Fatalf("the list shows the results of %q", sv.results.query)
			}

			var want []int64
			unsure := map[int64]bool{}
			for i, m := range f.msgs {
				switch {
				case c.unsure != nil && c.unsure(m):
					unsure[f.ids[i]] = true
				case c.want(m):
					want = append(want, f.ids[i])
				}
			}
			if len(want) == 0 {
				t.Fatalf("the model expects no message: the case proves nothing")
			}
			n := sv.results.length()
			var got []int64
			for i := range n {
				if id := sv.results.id(i); !unsure[id] {
					got = append(got, id)
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("the list shows %d messages, the model expects %d: missing %v, extra %v",
					len(got), len(want), diffIDs(want, got), diffIDs(got, want))
			}
			if wantStatus := countText(n); !strings.HasPrefix(sv.status.Text, wantStatus) {
				t.Errorf("status %q, want %q", sv.status.Text, wantStatus)
			}

			// Every row, read page by page as a scroll would, newest first
			// (for the lists longer than a page).
			if n > pageRows {
				checkAllRows(t, sv, f)
			}
			// The rows on screen show their messages.
			checkVisibleRows(t, w, f)
		})
	}
}

// checkAllRows scrolls through the whole list, waiting for each page, and
// checks the rows' order and that each shows its message.
func checkAllRows(t *testing.T, sv *searchView, f *searchFixture) {
	t.Helper()
	n := sv.results.length()
	var prev time.Time
	for i := 0; i < n; i++ {
		r, _, ok := sv.results.row(i)
		if !ok {
			act(sv, func() { sv.list.ScrollTo(i) })
			waitIdle(t, sv)
			if r, _, ok = sv.results.row(i); !ok {
				t.Fatalf("row %d of %d was not read after scrolling to it", i, n)
			}
		}
		if r.ID != sv.results.id(i) {
			t.Fatalf("row %d shows message %d, the list has %d there", i, r.ID, sv.results.id(i))
		}
		if i > 0 && r.Date.After(prev) {
			t.Errorf("row %d (%v) is newer than the row before (%v)", i, r.Date, prev)
		}
		prev = r.Date
		if m := f.byID[r.ID]; m.Subject != "" && r.Subject != m.Subject && m.WellFormed() {
			t.Errorf("row %d: subject %q, the model's %q", i, r.Subject, m.Subject)
		}
	}
	act(sv, sv.list.ScrollToTop)
	waitIdle(t, sv)
}

// checkVisibleRows checks the rows Fyne drew: each shows the subject of a
// message of the list, and its snippet marks what matched.
func checkVisibleRows(t *testing.T, w fyne.Window, f *searchFixture) {
	t.Helper()
	rows := 0
	for _, o := range test.LaidOutObjects(w.Content()) {
		row, ok := o.(*resultRow)
		if !ok || !row.Visible() || row.subject.Text == "" {
			continue
		}
		rows++
		if row.subject.Text == "…" {
			t.Errorf("a row on screen is still waiting for its page")
		}
	}
	if rows == 0 {
		t.Errorf("no result row is on screen")
	}
}

func diffIDs(a, b []int64) []int64 {
	var out []int64
	for _, id := range a {
		if _, ok := slices.BinarySearch(b, id); !ok {
			out = append(out, id)
		}
	}
	if len(out) > 10 {
		out = out[:10]
	}
	return out
}

// TestSearchViewSnippet checks that a row's snippet shows the matched word in
// bold, and only matched words.
func TestSearchViewSnippet(t *testing.T) {
	f := newSearchFixture(t, fixtureCorpus()[:120])
	w, sv := openSearch(t, f, 10*time.Millisecond)
	act(sv, func() { sv.query.SetText("saffron") })
	waitIdle(t, sv)
	bold := 0
	for _, o := range test.LaidOutObjects(w.Content()) {
		row, ok := o.(*resultRow)
		if !ok || row.subject.Text == "" {
			continue
		}
		for _, seg := range row.snippet.Segments {
			ts := seg.(*widget.TextSegment)
			if ts.Style.TextStyle.Bold {
				bold++
				if !strings.EqualFold(ts.Text, "saffron") {
					t.Errorf("bold snippet text %q, want saffron", ts.Text)
				}
			}
		}
	}
	if bold == 0 {
		t.Error("no snippet on screen shows saffron in bold")
	}
}

// TestSearchViewFilters checks that the quick filters write the query, that
// the query sets the filters, and that the results follow.
func TestSearchViewFilters(t *testing.T) {
	f := newSearchFixture(t, fixtureCorpus()[:150])
	_, sv := openSearch(t, f, 10*time.Millisecond)

	act(sv, func() { test.Type(sv.query, "zephyr") })
	waitIdle(t, sv)
	act(sv, func() { test.Tap(sv.attach) })
	waitIdle(t, sv)
	if sv.query.Text != "zephyr has:attachment" {
		t.Errorf("after ticking Has attachments the query is %q", sv.query.Text)
	}
	if sv.results.query != sv.query.Text {
		t.Errorf("the list shows %q, the box says %q", sv.results.query, sv.query.Text)
	}
	act(sv, func() { sv.mailbox.SetSelected(importedLabel) })
	waitIdle(t, sv)
	if sv.query.Text != "zephyr has:attachment account:import" {
		t.Errorf("after choosing the imported files the query is %q", sv.query.Text)
	}
	act(sv, func() {
		sv.from.SetText("2015-01-01")
		sv.until.SetText("2015/12/31")
	})
	waitIdle(t, sv)
	if want := "zephyr has:attachment account:import after:2015-01-01 before:2016-01-01"; sv.query.Text != want {
		t.Errorf("after the dates the query is %q, want %q", sv.query.Text, want)
	}
	act(sv, func() { sv.from.SetText("2015-0") }) // half typed: the query keeps the last good day
	waitIdle(t, sv)
	if !strings.Contains(sv.query.Text, "after:2015-01-01") {
		t.Errorf("a half-typed day changed the query to %q", sv.query.Text)
	}
	act(sv, func() {
		sv.from.SetText("")
		sv.mailbox.SetSelected(allMailboxes)
		test.Tap(sv.attach)
		sv.until.SetText("")
	})
	waitIdle(t, sv)
	if sv.query.Text != "zephyr" {
		t.Errorf("with the filters cleared the query is %q", sv.query.Text)
	}

	// The other way: the query sets the filters.
	act(sv, func() { sv.query.SetText("account:" + helpdeskMailbox + " has:attachment before:2020-03-01") })
	waitIdle(t, sv)
	if sv.mailbox.Selected != helpdeskMailbox || !sv.attach.Checked || sv.until.Text != "2020-02-29" {
		t.Errorf("the query set mailbox %q, attachments %v, until %q", sv.mailbox.Selected, sv.attach.Checked, sv.until.Text)
	}
	if sv.results.query != sv.query.Text {
		t.Errorf("the list shows %q, the box says %q", sv.results.query, sv.query.Text)
	}
}

// TestSearchViewOpens checks that choosing a row opens its message.
func TestSearchViewOpens(t *testing.T) {
	f := newSearchFixture(t, fixtureCorpus()[:150])
	_, sv := openSearch(t, f, 10*time.Millisecond)
	act(sv, func() { sv.query.SetText("quokka") })
	waitIdle(t, sv)
	var opened []int64
	sv.open = func(id int64) { opened = append(opened, id) }
	for _, i := range []int{2, 0} {
		act(sv, func() { sv.list.Select(i) })
		if len(opened) == 0 || opened[len(opened)-1] != sv.results.id(i) {
			t.Errorf("choosing row %d opened %v, want message %d", i, opened, sv.results.id(i))
		}
	}
	if n := len(opened); n != 2 {
		t.Errorf("two choices opened %d messages", n)
	}
}

// TestSearchViewStale starts searches one after the other without waiting:
// only the last one's results may be shown.
func TestSearchViewStale(t *testing.T) {
	f := newSearchFixture(t, fixtureCorpus()[:300])
	_, sv := openSearch(t, f, searchDelay)
	queries := []string{"", "zephyr", "quokka", "muller", "marmalade", "has:attachment", "walrus"}
	act(sv, func() {
		for _, q := range queries {
			sv.runSearch(q)
		}
	})
	waitIdle(t, sv)
	last := queries[len(queries)-1]
	if sv.results.query != last {
		t.Fatalf("the list is for %q", sv.results.query)
	}
	for i := range sv.results.length() {
		m := f.byID[sv.results.id(i)]
		if !m.HasPhrase(last) {
			t.Errorf("row %d is message %d, which has no %s: a stale result", i, m.Index, last)
		}
	}
}

// TestSearchViewErrors shows a query that cannot be read, in words that say
// how to write it.
func TestSearchViewErrors(t *testing.T) {
	f := newSearchFixture(t, fixtureCorpus()[:20])
	_, sv := openSearch(t, f, 5*time.Millisecond)
	cases := map[string]string{
		"before:soon":         "YYYY-MM-DD",
		"has:pictures":        "has:attachment",
		"xylophone-not-there": "No messages match",
	}
	for q, want := range cases {
		act(sv, func() { sv.query.SetText(q) })
		waitIdle(t, sv)
		if !strings.Contains(sv.status.Text, want) {
			t.Errorf("query %q: status %q, want it to say %q", q, sv.status.Text, want)
		}
		if sv.results.length() != 0 {
			t.Errorf("query %q: %d rows", q, sv.results.length())
		}
	}
}

func TestCountText(t *testing.T) {
	for n, want := range map[int]string{1: "1 message", 12: "12 messages, newest first", 123456: "123,456 messages, newest first"} {
		if got := countText(n); got != want {
			t.Errorf("countText(%d) = %q", n, got)
		}
	}
	if got := fmt.Sprint(senderName(`"Müller, Anna" <anna@example.de>`)); got != "Müller, Anna" {
		t.Errorf("senderName = %q", got)
	}
	if got := senderName("<dave@example.com>"); got != "dave@example.com" {
		t.Errorf("senderName = %q", got)
	}
}
