package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/store"
	"github.com/mailkeep/mailkeep/store/storetest"
)

// The acceptance tests share one generated corpus of corpusSize varied messages.
const (
	corpusSeed = 20240917
	corpusSize = 2000
)

var (
	corpusOnce sync.Once
	corpusMsgs []storetest.Message
)

func testCorpus() []storetest.Message {
	corpusOnce.Do(func() { corpusMsgs = storetest.Generate(corpusSeed, corpusSize) })
	return corpusMsgs
}

func openArchive(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "archive.mailkeep"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func modelHashes(msgs []storetest.Message) map[[32]byte]storetest.Message {
	out := make(map[[32]byte]storetest.Message, len(msgs))
	for _, m := range msgs {
		out[m.SHA256()] = m
	}
	return out
}

// archiveHashes lists every message of the archive by its hash, and fails the
// test when a hash appears twice.
func archiveHashes(t testing.TB, s *store.Store) map[[32]byte]store.Message {
	t.Helper()
	res, err := s.Search(context.Background(), "", store.SearchOptions{NoSnippets: true})
	if err != nil {
		t.Fatalf("Search(\"\"): %v", err)
	}
	out := make(map[[32]byte]store.Message, len(res))
	for _, r := range res {
		if _, dup := out[r.SHA256]; dup {
			t.Errorf("message %x is stored twice (ids %d and %d)", r.SHA256[:6], out[r.SHA256].ID, r.ID)
		}
		out[r.SHA256] = r.Message
	}
	return out
}

// sameHashes fails the test unless the archive holds exactly the model's
// messages, naming the ones missing and the ones too many.
func sameHashes[V any](t testing.TB, what string, got map[[32]byte]V, want map[[32]byte]storetest.Message) {
	t.Helper()
	var missing []string
	for h, m := range want {
		if _, ok := got[h]; !ok {
			missing = append(missing, describe(m))
		}
	}
	extra := 0
	for h := range got {
		if _, ok := want[h]; !ok {
			extra++
		}
	}
	if len(missing) > 0 || extra > 0 {
		slices.Sort(missing)
		t.Errorf("%s: %d messages, want %d; %d missing, %d not in the corpus; missing: %s",
			what, len(got), len(want), len(missing), extra, firstFew(missing))
	}
}

// describe names a generated message by its index and what is peculiar about it,
// so that a failure says which kind of message the archive got wrong.
func describe(m storetest.Message) string {
	var parts []string
	parts = append(parts, m.Structure, m.Charset)
	if m.Malformed != "" {
		parts = append(parts, "malformed: "+m.Malformed)
	}
	for q, name := range quirkNames {
		if m.Quirks&q != 0 {
			parts = append(parts, name)
		}
	}
	slices.Sort(parts[2:])
	return fmt.Sprintf("#%d (%s)", m.Index, strings.Join(parts, ", "))
}

var quirkNames = map[storetest.Quirk]string{
	storetest.QuirkCRLF:               "CRLF",
	storetest.QuirkNoFinalNewline:     "no final newline",
	storetest.QuirkDotLines:           "dot lines",
	storetest.QuirkFromLines:          "From_ lines",
	storetest.QuirkLongLine:           "long line",
	storetest.Quirk8bitUTF8Header:     "raw UTF-8 header",
	storetest.Quirk8bitLatin1Header:   "raw Latin-1 header",
	storetest.QuirkNoDate:             "no Date",
	storetest.QuirkBadDate:            "bad Date",
	storetest.QuirkNoMessageID:        "no Message-ID",
	storetest.QuirkDuplicateMessageID: "duplicate Message-ID",
	storetest.QuirkNoSubject:          "no Subject",
}

func firstFew(s []string) string {
	const n = 8
	if len(s) > n {
		return strings.Join(s[:n], "; ") + fmt.Sprintf("; and %d more", len(s)-n)
	}
	return strings.Join(s, "; ")
}

// archiveDate is the date the archive should give m when it was stored with
// its envelope time as the date hint.
func archiveDate(m storetest.Message) time.Time {
	if d := m.EffectiveDate(); !d.IsZero() {
		return d
	}
	return m.Envelope
}
