package store

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSearchIngested searches messages stored by Ingest, so that the language
// meets the index as extraction really fills it: encoded headers, HTML bodies,
// encoded attachment names.
func TestSearchIngested(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	raws := []string{
		"From: =?UTF-8?Q?Anna_M=C3=BCller?= <anna@example.com>\r\n" +
			"To: Bob <bob@example.org>\r\nCc: carl@example.net\r\n" +
			"Subject: =?UTF-8?B?5p2x5Lqs44Gu5Lya6K2w?=\r\n" +
			"Date: Wed, 01 Mar 2023 12:00:00 +0000\r\nMessage-Id: <1@example.com>\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDie Rechnung für März liegt bei.\r\n" +
			"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf\r\n" +
			"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n",
		"From: Bob <bob@example.org>\r\nTo: =?UTF-8?Q?Anna_M=C3=BCller?= <anna@example.com>\r\n" +
			"Subject: Re: lunch\r\nDate: Fri, 31 Mar 2023 12:00:00 +0000\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
			"<html><body><p>Hello <b>world</b>, lunch at noon?</p></body></html>\r\n",
	}
	var batch Batch
	for i, raw := range raws {
		batch.Messages = append(batch.Messages, Incoming{Raw: []byte(raw),
			Location: Location{Account: "shared@contoso.com", Folder: []string{"INBOX", "Sent Items"}[i], UIDValidity: 1, UID: string(rune('1' + i))}})
	}
	stored, err := s.Ingest(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	first, second := stored[0].ID, stored[1].ID
	tests := []struct {
		query string
		want  []int64
	}{
		{`from:muller`, []int64{first}},
		{`from:"Anna Müller"`, []int64{first}},
		{`from:anna@example.com`, []int64{first}},
		{`to:anna`, []int64{second}},
		{`to:carl`, []int64{first}},
		{`cc:carl@example.net`, []int64{first}},
		{`subject:東京`, []int64{first}},
		{`会議`, []int64{first}},
		{`marz`, []int64{first}},
		{`filename:rechnung`, []int64{first}},
		{`filename:*.pdf`, []int64{first}},
		{`has:attachment`, []int64{first}},
		{`hello world`, []int64{second}},
		{`"hello world"`, []int64{second}},
		{`html`, nil}, // markup is not text
		{`folder:"sent items"`, []int64{second}},
		{`after:2023-03-02`, []int64{second}},
		{`lunch OR rechnung`, []int64{second, first}},
	}
	for _, tt := range tests {
		got, err := s.MatchIDs(ctx, tt.query)
		if err != nil {
			t.Fatalf("MatchIDs(%q): %v", tt.query, err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("MatchIDs(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
	res, err := s.Search(ctx, `rechnung`, SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || snippetString(res[0].Snippet) != "Die [Rechnung] für März liegt bei." {
		t.Errorf("Search(rechnung) = %+v, want message %d with its body's words marked", res, first)
	}
}

func snippetString(parts []SnippetPart) string {
	var b strings.Builder
	for _, p := range parts {
		if p.Match {
			b.WriteString("[" + p.Text + "]")
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// TestSearchRealWorldCorpus stores the real-world test messages (odd
// encodings, broken MIME, spam) and runs queries of every kind over them: no
// query may fail, counts agree with the lists, and every result has a snippet
// made of whole UTF-8 text.
func TestSearchRealWorldCorpus(t *testing.T) {
	t.Parallel() // long: it runs beside the package's other tests
	root := filepath.Join("..", "..", "shared", "corpus", "real-world")
	if _, err := os.Stat(root); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the real-world corpus is missing (%v); it belongs at ../shared/corpus/real-world beside the module", err)
		}
		t.Skipf("no real-world corpus at %s: %v", root, err)
	}
	ctx := context.Background()
	s := openTemp(t)
	var batch Batch
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".md") || strings.Contains(path, "LICENSE") {
			return err
		}
		if info, err := d.Info(); err != nil || info.Size() > 256<<10 {
			return err // the few big files cost time here and add no new case to search
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		batch.Messages = append(batch.Messages, Incoming{Raw: raw, Location: Location{Account: "import", Folder: filepath.Dir(rel), UID: rel}})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ingest(ctx, batch); err != nil {
		t.Fatal(err)
	}
	queries := []string{``, `the`, `the -a`, `test*`, `from:example.com`, `to:example`, `subject:test`, `has:attachment`,
		`filename:*.pdf`, `filename:txt`, `folder:*mailparser*`, `"hello world"`, `-the`, `before:2010 OR after:2020`,
		`Müller`, `Привет`, `日本`, `spam OR viagra`, `(from:a OR to:b) -subject:re`}
	for _, q := range queries {
		ids, err := s.MatchIDs(ctx, q)
		if err != nil {
			t.Fatalf("MatchIDs(%q): %v", q, err)
		}
		n, err := s.Count(ctx, q)
		if err != nil {
			t.Fatalf("Count(%q): %v", q, err)
		}
		if n != len(ids) {
			t.Errorf("Count(%q) = %d, MatchIDs has %d", q, n, len(ids))
		}
		res, err := s.Search(ctx, q, SearchOptions{Limit: 20})
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		if len(res) != min(20, len(ids)) {
			t.Errorf("Search(%q) gave %d results, want %d", q, len(res), min(20, len(ids)))
		}
		for i, r := range res {
			if r.ID != ids[i] {
				t.Errorf("Search(%q) result %d is message %d, MatchIDs says %d", q, i, r.ID, ids[i])
				break
			}
			for _, p := range r.Snippet {
				if !utf8Valid(p.Text) || strings.ContainsAny(p.Text, matchStart+matchEnd) {
					t.Errorf("Search(%q): message %d has a broken snippet part %q", q, r.ID, p.Text)
				}
			}
		}
		t.Logf("%-40q %5d messages", q, len(ids))
	}
	// All results at once: read in chunks, in order.
	for _, q := range []string{``} {
		ids, err := s.MatchIDs(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Search(ctx, q, SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) <= resultChunk {
			t.Errorf("%q matches %d messages: too few to read in chunks of %d", q, len(ids), resultChunk)
		}
		var got []int64
		for _, r := range res {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, ids) {
			t.Errorf("Search(%q) without a limit gives %d results not in MatchIDs' order (%d)", q, len(got), len(ids))
		}
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
