package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/store"
	"github.com/mailkeep/mailkeep/store/storetest"
)

// realWorldSources sorts the real-world corpus's files into what Import is
// given: Maildir trees (the top-most folders holding cur/new, for files in a
// cur or new folder), mbox files (files that start with a From_ line), and
// single messages (everything else).
func realWorldSources(paths []string) (maildirs []string, maildirFiles, mboxes, singles []string) {
	roots := map[string]bool{}
	for _, p := range paths {
		parent := filepath.Base(filepath.Dir(p))
		if parent == "cur" || parent == "new" || parent == "tmp" {
			roots[filepath.Dir(filepath.Dir(p))] = true
			maildirFiles = append(maildirFiles, p)
			continue
		}
		head := make([]byte, 5)
		if f, err := os.Open(p); err == nil {
			n, _ := f.Read(head)
			head = head[:n]
			f.Close()
		}
		if string(head) == "From " {
			mboxes = append(mboxes, p)
		} else {
			singles = append(singles, p)
		}
	}
	for r := range roots {
		nested := false
		for other := range roots {
			if other != r && strings.HasPrefix(r, other+string(filepath.Separator)) {
				nested = true
			}
		}
		if !nested {
			maildirs = append(maildirs, r)
		}
	}
	slices.Sort(maildirs)
	return maildirs, maildirFiles, mboxes, singles
}

// TestRealWorldImport imports every file of the real-world corpus (single
// messages, mbox files, Maildir trees) and checks that nothing is lost: every
// single message's exact bytes are in the archive, every mbox gives a plausible
// number of messages, Verify passes, and a search for everything finds every
// distinct message.
func TestRealWorldImport(t *testing.T) {
	t.Parallel() // long: it runs beside the package's other tests
	ctx := context.Background()
	paths := storetest.RealWorld(t)
	maildirs, maildirFiles, mboxes, singles := realWorldSources(paths)
	s := openArchive(t)
	start := time.Now()

	// Every file whose bytes are one message must be found by its hash. Empty
	// files are no messages; Import may leave them out.
	exact := map[[32]byte]string{}
	empty := 0
	for _, p := range append(slices.Clone(singles), maildirFiles...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 {
			empty++
			continue
		}
		exact[sha256.Sum256(b)] = p
	}

	read := 0
	st, err := s.Import(ctx, singles, nil)
	if err != nil {
		t.Fatalf("Import of %d single-message files: %v", len(singles), err)
	}
	if st.Read < len(singles)-empty || st.Read > len(singles) {
		t.Errorf("Import of %d single-message files (%d of them empty) read %d messages", len(singles), empty, st.Read)
	}
	read += st.Read

	st, err = s.Import(ctx, maildirs, nil)
	if err != nil {
		t.Fatalf("Import of the Maildirs %v: %v", maildirs, err)
	}
	if st.Read < len(maildirFiles) {
		t.Errorf("Import of the Maildirs %v read %d messages; their cur and new folders hold %d", maildirs, st.Read, len(maildirFiles))
	}
	read += st.Read

	// Each mbox on its own, to see how many messages it gave. A file starting
	// with a From_ line may also be taken as one message, From_ line and all.
	mboxMessages := 0
	for _, p := range mboxes {
		before, _ := s.Count(ctx, "")
		st, err := s.Import(ctx, []string{p}, nil)
		if err != nil {
			t.Errorf("Import of %s: %v", p, err)
			continue
		}
		read += st.Read
		mboxMessages += st.Read
		raw, _ := os.ReadFile(p)
		fromLines := bytes.Count(raw, []byte("\nFrom ")) + 1
		if st.Read < 1 || st.Read > fromLines {
			t.Errorf("Import of the mbox %s read %d messages; it has %d From_ lines", p, st.Read, fromLines)
		}
		if after, _ := s.Count(ctx, ""); after-before != st.New {
			t.Errorf("Import of %s says %d new messages, the archive grew by %d", p, st.New, after-before)
		}
	}
	took := time.Since(start)

	got := archiveHashes(t, s)
	var missing []string
	for h, p := range exact {
		if _, ok := got[h]; !ok {
			missing = append(missing, p)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("%d files' exact bytes are not in the archive: %s", len(missing), firstFew(missing))
	}

	var noReason []string
	reasons := map[string]int{}
	for _, m := range got {
		if m.Flags&store.FlagParseError == 0 {
			continue
		}
		if strings.TrimSpace(m.Problem) == "" {
			noReason = append(noReason, m.MessageID)
		}
		r := m.Problem
		if i := strings.IndexAny(r, "\"("); i > 0 {
			r = r[:i]
		}
		r = strings.TrimSpace(r[:min(len(r), 50)])
		reasons[r]++
	}
	var common []string
	for r, n := range reasons {
		common = append(common, fmt.Sprintf("%d× %s", n, r))
	}
	slices.SortFunc(common, func(a, b string) int {
		return reasons[strings.SplitN(b, "× ", 2)[1]] - reasons[strings.SplitN(a, "× ", 2)[1]]
	})
	t.Logf("why messages were flagged: %s", firstFew(common))
	if len(noReason) > 0 {
		t.Errorf("%d flagged messages do not say what is wrong with them (Message-IDs %s)", len(noReason), firstFew(noReason))
	}

	// Importing the single messages again adds nothing.
	if st, err := s.Import(ctx, singles, nil); err != nil || st.New != 0 {
		t.Errorf("importing the single-message files again: %d new, %v; want 0 new", st.New, err)
	}

	stats, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Count(ctx, "")
	if err != nil || n != stats.Messages || n != len(got) {
		t.Errorf("Count(\"\") = %d (%v), Stats says %d messages, Search(\"\") lists %d", n, err, stats.Messages, len(got))
	}
	if stats.Messages < len(exact) || stats.Messages > len(exact)+mboxMessages {
		t.Errorf("the archive holds %d messages; %d distinct files and %d messages from mboxes went in", stats.Messages, len(exact), mboxMessages)
	}
	rep, err := s.Verify(ctx, nil)
	if err != nil || rep.Checked != stats.Messages || len(rep.Bad) > 0 {
		t.Errorf("Verify: checked %d of %d, bad %+v, %v", rep.Checked, stats.Messages, rep.Bad, err)
	}
	// Every stored message can be read back and summarised, snippets and all.
	if _, err := s.Search(ctx, "", store.SearchOptions{}); err != nil {
		t.Errorf("Search(\"\") with snippets: %v", err)
	}
	t.Logf("real-world corpus: %d files (%d single messages of which %d empty, %d in %d Maildir trees, %d mbox files); %d messages read, %d distinct stored, %d flagged; %v",
		len(paths), len(singles), empty, len(maildirFiles), len(maildirs), len(mboxes), read, stats.Messages, stats.Flagged, took.Round(time.Millisecond))
}
