package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/store"
	"github.com/mailkeep/mailkeep/store/storetest"
)

// corpusFiles writes the corpus three times: as a Maildir++ tree "Mail" (even
// messages in its root, odd ones in its subfolder "Work"), as the mboxrd file
// "Lists", and as the folder of .eml files "Saved".
type corpusFiles struct {
	maildir, mbox, eml string
}

func writeCorpusFiles(t *testing.T, msgs []storetest.Message) corpusFiles {
	t.Helper()
	dir := t.TempDir()
	f := corpusFiles{
		maildir: filepath.Join(dir, "Mail"),
		mbox:    filepath.Join(dir, "Lists"),
		eml:     filepath.Join(dir, "Saved"),
	}
	var even, odd []storetest.Message
	for _, m := range msgs {
		if m.Index%2 == 0 {
			even = append(even, m)
		} else {
			odd = append(odd, m)
		}
	}
	if err := storetest.WriteMaildir(f.maildir, "", even); err != nil {
		t.Fatal(err)
	}
	if err := storetest.WriteMaildir(f.maildir, "Work", odd); err != nil {
		t.Fatal(err)
	}
	if err := storetest.WriteMbox(f.mbox, msgs); err != nil {
		t.Fatal(err)
	}
	if err := storetest.WriteEML(f.eml, msgs); err != nil {
		t.Fatal(err)
	}
	return f
}

// importAll imports paths and checks what Import says it did.
func importAll(t *testing.T, s *store.Store, paths []string, wantRead, wantNew int) store.ImportStats {
	t.Helper()
	start := time.Now()
	calls := 0
	st, err := s.Import(context.Background(), paths, func(store.ImportProgress) { calls++ })
	if err != nil {
		t.Fatalf("Import(%v): %v", paths, err)
	}
	t.Logf("imported %v: %+v in %v", baseNames(paths), st, time.Since(start).Round(time.Millisecond))
	if st.Read != wantRead || st.New != wantNew {
		t.Errorf("Import(%v) read %d messages, %d new; want %d read, %d new", baseNames(paths), st.Read, st.New, wantRead, wantNew)
	}
	if calls == 0 && wantRead > 0 {
		t.Errorf("Import(%v) never reported progress", baseNames(paths))
	}
	return st
}

func baseNames(paths []string) []string {
	var out []string
	for _, p := range paths {
		out = append(out, filepath.Base(p))
	}
	return out
}

// TestCorpusRoundTrip imports the generated corpus from Maildir, mbox and .eml
// files, each into a fresh archive and all three into one, exports it as .eml
// files and as mbox, and checks that every message comes back byte for byte.
func TestCorpusRoundTrip(t *testing.T) {
	t.Parallel() // long: it runs beside the package's other tests
	ctx := context.Background()
	msgs := testCorpus()
	want := modelHashes(msgs)
	files := writeCorpusFiles(t, msgs)
	notWellFormed := 0
	for _, m := range msgs {
		if !m.WellFormed() {
			notWellFormed++
		}
	}

	// Each source into a fresh archive, the three side by side.
	t.Run("fresh", func(t *testing.T) {
		for _, src := range []struct{ name, path string }{
			{"maildir", files.maildir},
			{"mbox", files.mbox},
			{"eml", files.eml},
		} {
			t.Run(src.name, func(t *testing.T) {
				t.Parallel()
				s := openArchive(t)
				st := importAll(t, s, []string{src.path}, len(msgs), len(msgs))
				if st.Problems > notWellFormed {
					t.Errorf("%d messages flagged, but only %d of the corpus are not well-formed", st.Problems, notWellFormed)
				}
				sameHashes(t, "archive after importing "+src.name, archiveHashes(t, s), want)
				importAll(t, s, []string{src.path}, len(msgs), 0) // the same source again adds nothing
				sameHashes(t, "archive after importing "+src.name+" twice", archiveHashes(t, s), want)
			})
		}
	})

	s := openArchive(t)
	importAll(t, s, []string{files.maildir, files.mbox, files.eml}, 3*len(msgs), len(msgs))
	got := archiveHashes(t, s)
	sameHashes(t, "archive after importing all three", got, want)

	t.Run("locations", func(t *testing.T) {
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Messages != len(msgs) || st.Locations != 3*len(msgs) {
			t.Errorf("Stats: %d messages, %d locations; want %d and %d (each message seen in three places)", st.Messages, st.Locations, len(msgs), 3*len(msgs))
		}
		var wrong []string
		for h, m := range want {
			g, ok := got[h] // Search's results carry their locations
			if !ok {
				continue
			}
			var folders []string
			for _, l := range g.Locations {
				if l.Account != "import" {
					wrong = append(wrong, describe(m)+": account "+l.Account)
				}
				folders = append(folders, l.Folder)
			}
			maildirFolder := func(f string) bool { return f == "Mail" }
			if m.Index%2 == 1 {
				maildirFolder = func(f string) bool { return strings.HasSuffix(f, "Work") }
			}
			if len(folders) != 3 || !containsFunc(folders, maildirFolder) || !containsFunc(folders, is("Lists")) || !containsFunc(folders, is("Saved")) {
				wrong = append(wrong, describe(m)+": folders "+strings.Join(folders, ", "))
			}
		}
		if len(wrong) > 0 {
			t.Errorf("%d messages not recorded in import/Mail (or .../Work for the subfolder), import/Lists and import/Saved: %s", len(wrong), firstFew(wrong))
		}
		for _, q := range []string{"account:import", "folder:Lists", "folder:Saved", "folder:Mail OR folder:*Work"} {
			if n, err := s.Count(ctx, q); err != nil || n != len(msgs) {
				t.Errorf("Count(%q) = %d, %v; want %d", q, n, err, len(msgs))
			}
		}
	})

	// The search cases that do not depend on where messages were seen, over the
	// imported archive: its dates come from the files' times where a message has
	// no Date or Received header.
	t.Run("search", func(t *testing.T) {
		ids := make([]int64, len(msgs))
		byID := map[int64]storetest.Message{}
		for i, m := range msgs {
			ids[i] = got[m.SHA256()].ID
			byID[ids[i]] = m
		}
		for _, c := range searchCases {
			if strings.Contains(c.query, "folder:") || strings.Contains(c.query, "account:") {
				continue
			}
			t.Run(c.query, func(t *testing.T) { checkQuery(t, s, c, msgs, ids, byID) })
		}
	})

	t.Run("verify", func(t *testing.T) {
		rep, err := s.Verify(ctx, nil)
		if err != nil || rep.Checked != len(msgs) || len(rep.Bad) > 0 {
			t.Errorf("Verify: checked %d of %d, bad %+v, %v", rep.Checked, len(msgs), rep.Bad, err)
		}
	})

	t.Run("export eml", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "export")
		n, err := s.Export(ctx, "", out, store.FormatEML, nil)
		if err != nil {
			t.Fatalf("Export eml: %v", err)
		}
		if n != len(msgs) {
			t.Errorf("Export eml wrote %d messages, want %d", n, len(msgs))
		}
		exported := map[[32]byte]bool{}
		var differ []string
		err = filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			h := sha256.Sum256(b)
			if exported[h] {
				differ = append(differ, filepath.Base(path)+": written twice")
			}
			exported[h] = true
			if m, ok := want[h]; !ok || !bytes.Equal(b, m.Raw) {
				differ = append(differ, filepath.Base(path)+": not one of the corpus's messages")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(differ) > 0 {
			t.Errorf("%d exported files differ: %s", len(differ), firstFew(differ))
		}
		sameHashes(t, "exported .eml files", exported, want)
	})

	t.Run("export mbox", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "export.mbox")
		n, err := s.Export(ctx, "", out, store.FormatMbox, nil)
		if err != nil {
			t.Fatalf("Export mbox: %v", err)
		}
		if n != len(msgs) {
			t.Errorf("Export mbox wrote %d messages, want %d", n, len(msgs))
		}
		// Read with this package's own mboxrd reader, not the archive's.
		raws, err := storetest.ReadMbox(out)
		if err != nil {
			t.Fatal(err)
		}
		exported := map[[32]byte]bool{}
		for _, b := range raws {
			exported[sha256.Sum256(b)] = true
		}
		if len(raws) != len(msgs) {
			t.Errorf("the exported mbox holds %d messages, want %d", len(raws), len(msgs))
		}
		sameHashes(t, "messages of the exported mbox (read by storetest.ReadMbox)", exported, want)

		again := openArchive(t)
		importAll(t, again, []string{out}, len(msgs), len(msgs))
		sameHashes(t, "archive after importing the exported mbox", archiveHashes(t, again), want)
	})

	t.Run("export a query", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "zephyr")
		n, err := s.Export(ctx, "zephyr", out, store.FormatEML, nil)
		if err != nil {
			t.Fatalf("Export zephyr: %v", err)
		}
		wantN := 0
		for _, m := range msgs {
			if m.HasPhrase("zephyr") {
				wantN++
			}
		}
		entries, _ := os.ReadDir(out)
		if n != wantN || len(entries) != wantN {
			t.Errorf("Export of \"zephyr\" wrote %d messages (%d files), want %d", n, len(entries), wantN)
		}
	})
}

func containsFunc(xs []string, f func(string) bool) bool {
	for _, x := range xs {
		if f(x) {
			return true
		}
	}
	return false
}

func is(s string) func(string) bool { return func(x string) bool { return x == s } }
