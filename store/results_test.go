package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/mailkeep/mailkeep/store"
)

// TestResultsPages reads every query's results a page at a time through
// MatchIDs and Results, and checks them against Search's whole answer: the
// same messages in the same order, with the same snippets.
func TestResultsPages(t *testing.T) {
	ctx := context.Background()
	msgs := testCorpus()[:600]
	s := openArchive(t)
	ingestCorpus(t, s, msgs)
	for _, query := range []string{"", "zephyr", "Müller", "請求書", "has:attachment", "folder:Lists OR подарок", "-quokka after:2010-01-01", "from:alice marmalade"} {
		t.Run(query, func(t *testing.T) {
			want, err := s.Search(ctx, query, store.SearchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			ids, err := s.MatchIDs(ctx, query)
			if err != nil {
				t.Fatal(err)
			}
			var got []store.Result
			for page := range slices.Chunk(ids, 37) {
				res, err := s.Results(ctx, query, page)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, res...)
			}
			if len(got) != len(want) {
				t.Fatalf("pages hold %d results, Search %d", len(got), len(want))
			}
			for i := range got {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Errorf("result %d: pages %+v\nSearch %+v", i, got[i], want[i])
				}
			}
		})
	}
	t.Run("a bad query", func(t *testing.T) {
		if _, err := s.Results(ctx, "before:soon", []int64{1}); err == nil {
			t.Error("Results took before:soon")
		}
	})
	t.Run("gone", func(t *testing.T) {
		res, err := s.Results(ctx, "", []int64{1 << 40})
		if err != nil || len(res) != 0 {
			t.Errorf("Results of an id no message has: %v, %v; want none", res, err)
		}
	})
}

// TestExportIDs checks that exporting a query's ids writes what exporting the
// query writes, byte for byte, in both formats, and that a few chosen ids
// export just those messages.
func TestExportIDs(t *testing.T) {
	ctx := context.Background()
	msgs := testCorpus()[:300]
	s := openArchive(t)
	ids := ingestCorpus(t, s, msgs)
	for _, query := range []string{"", "zephyr", "Straße OR 東京", "has:attachment"} {
		for _, format := range []store.ExportFormat{store.FormatMbox, store.FormatEML} {
			t.Run(query+"/"+string(format), func(t *testing.T) {
				dir := t.TempDir()
				byQuery, byIDs := filepath.Join(dir, "query"), filepath.Join(dir, "ids")
				n1, err := s.Export(ctx, query, byQuery, format, nil)
				if err != nil {
					t.Fatal(err)
				}
				match, err := s.MatchIDs(ctx, query)
				if err != nil {
					t.Fatal(err)
				}
				var last store.ImportProgress
				n2, err := s.ExportIDs(ctx, match, byIDs, format, func(p store.ImportProgress) { last = p })
				if err != nil {
					t.Fatal(err)
				}
				if n1 != n2 || n1 != len(match) || n1 == 0 || last.Messages != n2 || last.Bytes != last.Total {
					t.Fatalf("Export wrote %d, ExportIDs %d (last progress %+v), the query matches %d", n1, n2, last, len(match))
				}
				sameTree(t, byQuery, byIDs)
			})
		}
	}
	t.Run("chosen", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "chosen")
		chosen := []int64{ids[5], ids[17], ids[2]}
		n, err := s.ExportIDs(ctx, chosen, out, store.FormatEML, nil)
		if err != nil || n != 3 {
			t.Fatalf("ExportIDs of 3: %d, %v", n, err)
		}
		files, _ := os.ReadDir(out)
		var got [][]byte
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(out, f.Name()))
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, b)
		}
		for _, i := range []int{5, 17, 2} {
			if !slices.ContainsFunc(got, func(b []byte) bool { return bytes.Equal(b, msgs[i].Raw) }) {
				t.Errorf("message %d is not among the exported files", i)
			}
		}
		if len(got) != 3 {
			t.Errorf("%d files, want 3", len(got))
		}
	})
	t.Run("refuses", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "full.mbox")
		os.WriteFile(file, []byte("x"), 0o600)
		if _, err := s.ExportIDs(ctx, ids[:1], file, store.FormatMbox, nil); err == nil {
			t.Error("ExportIDs wrote over a file that holds something")
		}
		if _, err := s.ExportIDs(ctx, ids[:1], "", store.FormatMbox, nil); err == nil {
			t.Error("ExportIDs took no path")
		}
	})
}

// sameTree fails unless a and b (files, or folders of files) hold the same
// names and bytes.
func sameTree(t *testing.T, a, b string) {
	t.Helper()
	fa, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	if !fa.IsDir() {
		da, _ := os.ReadFile(a)
		db, err := os.ReadFile(b)
		if err != nil || !bytes.Equal(da, db) {
			t.Errorf("%s and %s differ (%d and %d bytes, %v)", a, b, len(da), len(db), err)
		}
		return
	}
	ea, _ := os.ReadDir(a)
	eb, _ := os.ReadDir(b)
	if len(ea) != len(eb) {
		t.Errorf("%s holds %d files, %s %d", a, len(ea), b, len(eb))
		return
	}
	for i := range ea {
		if ea[i].Name() != eb[i].Name() {
			t.Errorf("file %d: %s and %s", i, ea[i].Name(), eb[i].Name())
			continue
		}
		sameTree(t, filepath.Join(a, ea[i].Name()), filepath.Join(b, eb[i].Name()))
	}
}
