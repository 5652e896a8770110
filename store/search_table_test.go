package store_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/store"
	"github.com/mailkeep/mailkeep/store/storetest"
)

// Where the search test's archive has seen each message: every message under
// account "import" in one of four folders by its index, and some also in the
// accounts "helpdesk" (INBOX) and "archive" (Archive/2019).
var importFolders = []string{"Mail", "Work", "Lists", "Saved"}

func inHelpdesk(m storetest.Message) bool { return m.Index%5 == 0 }
func inArchive(m storetest.Message) bool  { return m.Index%7 == 0 }

// ingestCorpus stores the corpus with Ingest (so the search test does not depend
// on Import), giving each message its envelope time as date hint, and returns
// each message's id by index.
func ingestCorpus(t *testing.T, s *store.Store, msgs []storetest.Message) []int64 {
	t.Helper()
	ctx := context.Background()
	ids := make([]int64, len(msgs))
	// Three passes: the same bytes seen again must only add a location.
	passes := []struct {
		take func(storetest.Message) bool
		loc  func(storetest.Message) store.Location
	}{
		{func(storetest.Message) bool { return true }, func(m storetest.Message) store.Location {
			return store.Location{Account: "import", Folder: importFolders[m.Index%4], UID: fmt.Sprint(m.Index)}
		}},
		{inHelpdesk, func(m storetest.Message) store.Location {
			return store.Location{Account: "helpdesk", Folder: "INBOX", UIDValidity: 7, UID: fmt.Sprint(m.Index + 1)}
		}},
		{inArchive, func(m storetest.Message) store.Location {
			return store.Location{Account: "archive", Folder: "Archive/2019", UIDValidity: 3, UID: fmt.Sprint(m.Index + 1)}
		}},
	}
	for pass, p := range passes {
		var batch []store.Incoming
		var idx []int
		flush := func() {
			if len(batch) == 0 {
				return
			}
			res, err := s.Ingest(ctx, store.Batch{Messages: batch})
			if err != nil {
				t.Fatalf("Ingest: %v", err)
			}
			if len(res) != len(batch) {
				t.Fatalf("Ingest returned %d results for %d messages", len(res), len(batch))
			}
			for k, r := range res {
				m := msgs[idx[k]]
				if r.SHA256 != m.SHA256() {
					t.Fatalf("Ingest gave message %s the hash %x, want %x", describe(m), r.SHA256[:6], m.SHA256()) // the raw bytes changed
				}
				if wantNew := pass == 0; r.New != wantNew {
					t.Errorf("pass %d: Ingest says New=%v for %s", pass, r.New, describe(m))
				}
				if pass == 0 {
					ids[idx[k]] = r.ID
				} else if r.ID != ids[idx[k]] {
					t.Errorf("message %s got id %d when seen again, first %d", describe(m), r.ID, ids[idx[k]])
				}
			}
			batch, idx = batch[:0], idx[:0]
		}
		for i, m := range msgs {
			if !p.take(m) {
				continue
			}
			batch = append(batch, store.Incoming{Raw: m.Raw, Location: p.loc(m), DateHint: m.Envelope})
			idx = append(idx, i)
			if len(batch) == 250 {
				flush()
			}
		}
		flush()
	}
	return ids
}

// searchCase is one query and, as a predicate over the generator's model, the
// messages it must find.
type searchCase struct {
	query string
	want  func(m storetest.Message) bool
	// unsure, when set, marks messages whose answer the model cannot predict
	// (broken parts that may hold attachments); they are left out of the
	// comparison.
	unsure func(m storetest.Message) bool
}

func has(w string, fields ...storetest.Field) func(storetest.Message) bool {
	return func(m storetest.Message) bool { return m.HasPhrase(w, fields...) }
}

func and(ps ...func(storetest.Message) bool) func(storetest.Message) bool {
	return func(m storetest.Message) bool {
		for _, p := range ps {
			if !p(m) {
				return false
			}
		}
		return true
	}
}

func or(ps ...func(storetest.Message) bool) func(storetest.Message) bool {
	return func(m storetest.Message) bool {
		for _, p := range ps {
			if p(m) {
				return true
			}
		}
		return false
	}
}

func not(p func(storetest.Message) bool) func(storetest.Message) bool {
	return func(m storetest.Message) bool { return !p(m) }
}

func all(storetest.Message) bool { return true }

func attachmentsUnsure(m storetest.Message) bool { return m.AttachmentsUnsure }

func hasAttachment(m storetest.Message) bool { return len(m.Attachments) > 0 }

// dated is true for messages the archive dates before day (midnight in the
// computer's zone). No generated date lies within two days of the days used
// below, so the zone does not change the answer.
func datedBefore(y int, mo time.Month, d int) func(storetest.Message) bool {
	day := time.Date(y, mo, d, 0, 0, 0, 0, time.Local)
	return func(m storetest.Message) bool { return archiveDate(m).Before(day) }
}

func folder(name string) func(storetest.Message) bool {
	return func(m storetest.Message) bool { return importFolders[m.Index%4] == name }
}

const (
	subj  = storetest.FieldSubject
	from  = storetest.FieldFrom
	to    = storetest.FieldTo
	cc    = storetest.FieldCc
	body  = storetest.FieldBody
	files = storetest.FieldFilenames
)

var searchCases = []searchCase{
	{query: "", want: all},
	{query: "zephyr", want: has("zephyr")},
	{query: "ZEPHYR", want: has("zephyr")},
	{query: "zephyr quokka", want: and(has("zephyr"), has("quokka"))},
	{query: "zephyr OR quokka", want: or(has("zephyr"), has("quokka"))},
	{query: "zephyr -quokka", want: and(has("zephyr"), not(has("quokka")))},
	{query: "-zephyr", want: not(has("zephyr"))},
	{query: "walrus saffron OR tundra", want: and(has("walrus"), or(has("saffron"), has("tundra")))},
	{query: "subject:zephyr", want: has("zephyr", subj)},
	{query: "subject:zephyr OR subject:quokka", want: or(has("zephyr", subj), has("quokka", subj))},
	{query: "subject:lantern -subject:walrus", want: and(has("lantern", subj), not(has("walrus", subj)))},
	{query: `"quarterly budget review"`, want: has(storetest.Phrase)},
	{query: `"review budget quarterly"`, want: has(storetest.PhraseScrambled)},
	{query: "quarterly budget review", want: and(has("quarterly"), has("budget"), has("review"))},
	{query: `-"quarterly budget review"`, want: not(has(storetest.Phrase))},
	{query: `obsidian "quarterly budget review"`, want: and(has("obsidian"), has(storetest.Phrase))},
	{query: "from:alice", want: has("alice", from)},
	{query: "from:alice@example.org", want: has("alice@example.org", from)},
	{query: `from:"jürgen müller"`, want: has("jürgen müller", from)},
	{query: "from:muller", want: has("muller", from)},
	{query: "to:bob", want: has("bob", to, cc)}, // to: means To or Cc
	{query: "to:zoe", want: has("zoe", to, cc)},
	{query: "cc:carol", want: has("carol", cc)},
	{query: "cc:yamada@example.jp", want: has("yamada@example.jp", cc)},
	{query: "muller", want: has("muller")},
	{query: "Müller", want: has("muller")},
	{query: "muller -from:muller", want: and(has("muller"), not(has("muller", from)))},
	{query: "straße", want: has("straße")},
	{query: "привет", want: has("привет")},
	{query: "Отчёт", want: has("отчёт")},
	{query: "請求書", want: has("請求書")},
	{query: "東京", want: has("東京")},
	{query: "subject:東京", want: has("東京", subj)},
	{query: "καλημέρα", want: has("καλημέρα")},
	{query: "Ελλάδα zephyr", want: and(has("Ελλάδα"), has("zephyr"))},
	{query: "ivan", want: has("ivan")},
	{query: `from:"иван петров"`, want: has("иван петров", from)},
	{query: "山田太郎", want: has("山田太郎")},
	{query: "has:attachment", want: hasAttachment, unsure: attachmentsUnsure},
	{query: "has:attachment from:alice", want: and(hasAttachment, has("alice", from)), unsure: attachmentsUnsure},
	{query: "-has:attachment", want: not(hasAttachment), unsure: attachmentsUnsure},
	{query: "filename:report", want: has("report", files), unsure: attachmentsUnsure},
	{query: "filename:pdf", want: has("pdf", files), unsure: attachmentsUnsure},
	{query: "filename:ubersicht", want: has("ubersicht", files), unsure: attachmentsUnsure},
	{query: "filename:façade", want: has("façade", files), unsure: attachmentsUnsure},
	{query: "filename:отчёт", want: has("отчёт", files), unsure: attachmentsUnsure},
	{query: "filename:請求書", want: has("請求書", files), unsure: attachmentsUnsure},
	{query: "filename:έγγραφα", want: has("έγγραφα", files), unsure: attachmentsUnsure},
	{query: "filename:forwarded.eml", want: has("forwarded.eml", files), unsure: attachmentsUnsure},
	{query: "fwd walrus", want: and(has("fwd"), has("walrus"))}, // also in forwarded messages' subjects
	{query: "before:2010-01-01", want: datedBefore(2010, 1, 1)},
	{query: "after:2020-07-01", want: not(datedBefore(2020, 7, 1))},
	{query: "after:2005-01-01 before:2008-07-01", want: and(not(datedBefore(2005, 1, 1)), datedBefore(2008, 7, 1))},
	{query: "marmalade before:2013-01-01", want: and(has("marmalade"), datedBefore(2013, 1, 1))},
	{query: "folder:Lists", want: folder("Lists")},
	{query: "folder:saved", want: folder("Saved")},
	{query: "folder:Archive/*", want: inArchive},
	{query: "folder:INBOX", want: inHelpdesk},
	{query: "account:import", want: all},
	{query: "account:helpdesk", want: inHelpdesk},
	{query: "-account:helpdesk", want: not(inHelpdesk)},
	{query: "zephyr folder:Work", want: and(has("zephyr"), folder("Work"))},
	{query: "account:archive OR account:helpdesk", want: or(inArchive, inHelpdesk)},
	{query: "saffron account:helpdesk -folder:Archive/*", want: and(has("saffron"), inHelpdesk, not(inArchive))},
	{query: "tundra after:2015-01-01 has:attachment", want: and(has("tundra"), not(datedBefore(2015, 1, 1)), hasAttachment), unsure: attachmentsUnsure},
	{query: "grüezi", want: has(storetest.Latin1Word)}, // raw ISO-8859-1 bytes in Subject
}

// TestCorpusSearch stores the generated corpus and checks every query of
// searchCases against the model, result order, Count, and what Get, Raw,
// Verify and Stats say about each message.
func TestCorpusSearch(t *testing.T) {
	t.Parallel() // long: it runs beside the package's other tests
	ctx := context.Background()
	msgs := testCorpus()
	s := openArchive(t)
	start := time.Now()
	ids := ingestCorpus(t, s, msgs)
	t.Logf("ingested %d messages in %v", len(msgs), time.Since(start).Round(time.Millisecond))
	byID := make(map[int64]storetest.Message, len(msgs))
	for i, id := range ids {
		byID[id] = msgs[i]
	}

	t.Run("queries", func(t *testing.T) {
		for _, c := range searchCases {
			t.Run(c.query, func(t *testing.T) {
				checkQuery(t, s, c, msgs, ids, byID)
			})
		}
	})

	t.Run("newest first", func(t *testing.T) {
		for _, q := range []string{"", "zephyr", "has:attachment", "muller OR 東京", "folder:Lists"} {
			res, err := s.Search(ctx, q, store.SearchOptions{NoSnippets: true})
			if err != nil {
				t.Fatalf("Search(%q): %v", q, err)
			}
			for i := 1; i < len(res); i++ {
				if res[i].Date.After(res[i-1].Date) {
					t.Errorf("Search(%q): result %d (%v, %s) is newer than result %d (%v, %s)", q,
						i, res[i].Date, describe(byID[res[i].ID]), i-1, res[i-1].Date, describe(byID[res[i-1].ID]))
					break
				}
			}
		}
		// With snippets, a page at a time.
		page, err := s.Search(ctx, "zephyr", store.SearchOptions{Limit: 50, Offset: 25})
		if err != nil {
			t.Fatalf("Search(zephyr) with snippets: %v", err)
		}
		ids, _ := s.MatchIDs(ctx, "zephyr")
		for i, r := range page {
			if r.ID != ids[25+i] {
				t.Errorf("Search(zephyr, offset 25) result %d is id %d, MatchIDs has %d there", i, r.ID, ids[25+i])
				break
			}
		}
	})

	t.Run("summaries", func(t *testing.T) { checkSummaries(t, s, msgs, ids) })

	t.Run("verify and stats", func(t *testing.T) {
		rep, err := s.Verify(ctx, nil)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if rep.Checked != len(msgs) || len(rep.Bad) > 0 {
			t.Errorf("Verify checked %d of %d messages, %d bad: %+v", rep.Checked, len(msgs), len(rep.Bad), rep.Bad)
		}
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatalf("Stats: %v", err)
		}
		var raw int64
		locations := 0
		for _, m := range msgs {
			raw += int64(len(m.Raw))
			locations++
			if inHelpdesk(m) {
				locations++
			}
			if inArchive(m) {
				locations++
			}
		}
		if st.Messages != len(msgs) || st.RawBytes != raw || st.Locations != locations || st.Accounts != 3 {
			t.Errorf("Stats: %d messages, %d raw bytes, %d locations, %d accounts; want %d, %d, %d, 3",
				st.Messages, st.RawBytes, st.Locations, st.Accounts, len(msgs), raw, locations)
		}
	})
}

func checkQuery(t *testing.T, s *store.Store, c searchCase, msgs []storetest.Message, ids []int64, byID map[int64]storetest.Message) {
	ctx := context.Background()
	got, err := s.MatchIDs(ctx, c.query)
	if err != nil {
		t.Fatalf("MatchIDs(%q): %v", c.query, err)
	}
	found := make(map[int64]bool, len(got))
	for _, id := range got {
		if found[id] {
			t.Errorf("MatchIDs(%q) gives id %d twice", c.query, id)
		}
		found[id] = true
	}
	var missing, extra []string
	want := 0
	for i, m := range msgs {
		if c.unsure != nil && c.unsure(m) {
			continue
		}
		w := c.want(m)
		if w {
			want++
		}
		switch {
		case w && !found[ids[i]]:
			missing = append(missing, describe(m))
		case !w && found[ids[i]]:
			extra = append(extra, describe(m))
		}
	}
	if want == 0 {
		t.Errorf("query %q: the corpus has no message it should find; the test is not testing anything", c.query)
	}
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("query %q: %d found, %d expected; %d missing: %s; %d not expected: %s",
			c.query, len(got), want, len(missing), firstFew(missing), len(extra), firstFew(extra))
	}
	n, err := s.Count(ctx, c.query)
	if err != nil || n != len(got) {
		t.Errorf("Count(%q) = %d, %v; MatchIDs found %d", c.query, n, err, len(got))
	}
	// MatchIDs is newest first too.
	for k := 1; k < len(got); k++ {
		a, b := byID[got[k-1]], byID[got[k]]
		if archiveDate(b).After(archiveDate(a)) {
			t.Errorf("MatchIDs(%q): %s (%v) comes after %s (%v)", c.query, describe(b), archiveDate(b), describe(a), archiveDate(a))
			break
		}
	}
}

// checkSummaries compares what the archive says about each message with the
// model: bytes, size, date, sender, subject, Message-ID, attachments, flags.
func checkSummaries(t *testing.T, s *store.Store, msgs []storetest.Message, ids []int64) {
	ctx := context.Background()
	var problems = map[string][]string{}
	flaggedByKind := map[string]*[2]int{} // flagged, of how many
	note := func(what string, m storetest.Message, detail string) {
		problems[what] = append(problems[what], describe(m)+": "+detail)
	}
	for i, m := range msgs {
		raw, err := s.Raw(ctx, ids[i])
		if err != nil || !bytes.Equal(raw, m.Raw) {
			note("Raw differs from the bytes stored", m, fmt.Sprintf("%d bytes, %v", len(raw), err))
		}
		if i%10 == 0 {
			var w bytes.Buffer
			if err := s.WriteRaw(ctx, ids[i], &w); err != nil || !bytes.Equal(w.Bytes(), m.Raw) {
				note("WriteRaw differs from the bytes stored", m, fmt.Sprintf("%d bytes, %v", w.Len(), err))
			}
		}
		g, err := s.Get(ctx, ids[i])
		if err != nil {
			note("Get fails", m, err.Error())
			continue
		}
		if g.Size != int64(len(m.Raw)) {
			note("wrong size", m, fmt.Sprintf("%d, want %d", g.Size, len(m.Raw)))
		}
		if !g.Date.Equal(archiveDate(m)) {
			note("wrong date", m, fmt.Sprintf("%v, want %v", g.Date, archiveDate(m)))
		}
		if m.Quirks&storetest.Quirk8bitLatin1Header != 0 {
			if g.Subject != m.Subject {
				note("raw ISO-8859-1 Subject not decoded", m, fmt.Sprintf("%q, want %q", g.Subject, m.Subject))
			}
		} else if g.Subject != m.Subject {
			note("wrong subject", m, fmt.Sprintf("%q, want %q", g.Subject, m.Subject))
		}
		if !strings.Contains(g.From, m.From.Addr) || !strings.Contains(g.From, m.From.Name) {
			note("wrong sender", m, fmt.Sprintf("%q, want %q <%s>", g.From, m.From.Name, m.From.Addr))
		}
		for _, p := range m.To {
			if !strings.Contains(g.To, p.Addr) || !strings.Contains(g.To, p.Name) {
				note("wrong recipients", m, fmt.Sprintf("%q lacks %q <%s>", g.To, p.Name, p.Addr))
			}
		}
		if g.MessageID != m.MessageID {
			note("wrong Message-ID", m, fmt.Sprintf("%q, want %q", g.MessageID, m.MessageID))
		}
		if m.WellFormed() && g.Flags&store.FlagParseError != 0 {
			note("well-formed message flagged", m, g.Problem)
		}
		if !m.WellFormed() {
			kind := m.Malformed
			switch {
			case m.Quirks&storetest.QuirkBadDate != 0:
				kind = "bad Date"
			case m.Charset == storetest.UnknownCharset:
				kind = "unknown charset"
			case kind == "":
				kind = "raw Latin-1 header"
			}
			if flaggedByKind[kind] == nil {
				flaggedByKind[kind] = new([2]int)
			}
			flaggedByKind[kind][1]++
			if g.Flags&store.FlagParseError != 0 {
				flaggedByKind[kind][0]++
			}
		}
		if !m.AttachmentsUnsure {
			var gotA, wantA []string
			for _, a := range g.Attachments {
				gotA = append(gotA, fmt.Sprintf("%q (%d bytes)", a.Filename, a.Size))
			}
			for _, a := range m.Attachments {
				wantA = append(wantA, fmt.Sprintf("%q (%d bytes)", a.Filename, len(a.Data)))
			}
			if !slices.Equal(gotA, wantA) {
				var enc []string
				for _, a := range m.Attachments {
					enc = append(enc, a.NameEncoding)
				}
				note("wrong attachments", m, fmt.Sprintf("%v, want %v (names written as %v)", gotA, wantA, enc))
			}
		}
	}
	for what, list := range problems {
		t.Errorf("%s: %d messages: %s", what, len(list), firstFew(list))
	}
	var kinds []string
	for k, v := range flaggedByKind {
		kinds = append(kinds, fmt.Sprintf("%s %d of %d", k, v[0], v[1]))
	}
	slices.Sort(kinds)
	t.Logf("messages that are not well-formed, flagged: %s", strings.Join(kinds, "; "))
}
