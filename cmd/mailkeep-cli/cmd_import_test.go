package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestImport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sub", "archive.mailkeep") // the folder does not exist yet
	emlDir, mbox, maildir := writeImportSources(t, dir)

	tests := []struct {
		name     string
		terminal bool
		want     *regexp.Regexp
	}{
		{name: "first import", want: regexp.MustCompile(`^Imported 8 messages \(8 new, 0 flagged\) from 3 paths in [0-9.]+(µs|ms|s|m[0-9.]+s)\n$`)},
		{name: "again: nothing new", terminal: true, want: regexp.MustCompile(`^Imported 8 messages \(0 new, 0 flagged\) from 3 paths in `)},
	}
	for _, tt := range tests {
		c := cliWithDB(db)
		c.terminal = tt.terminal
		r := c.run(t, "import", emlDir, mbox, maildir)
		if r.code != exitOK || !tt.want.MatchString(r.stdout.String()) {
			t.Fatalf("%s: stdout does not match %s\n%s", tt.name, tt.want, r)
		}
		if !tt.terminal && r.stderr.String() != "" {
			t.Errorf("%s: stderr is not a terminal, yet got %q", tt.name, r.stderr.String())
		}
	}

	r := cliWithDB(db).run(t, "search", "", "--json")
	if r.code != exitOK {
		t.Fatalf("%s", r)
	}
	got := parseJSONLines(t, r.stdout.String())
	if len(got) != importedCount {
		t.Fatalf("%d messages after import, want %d\n%s", len(got), importedCount, r)
	}
	bySHA := map[string]jsonMessage{}
	subjects := map[string]bool{}
	for _, m := range got {
		bySHA[m.SHA256] = m
		subjects[m.Subject] = true
		if len(m.Folders) == 0 {
			t.Errorf("%q: no folders", m.Subject)
		}
		for _, f := range m.Folders {
			if !strings.HasPrefix(f, "import/") {
				t.Errorf("%q: folder %q, want account import", m.Subject, f)
			}
		}
	}
	for _, f := range append(testMessages(), maildirMessage) {
		m, ok := bySHA[f.sha256()]
		if !ok {
			t.Errorf("%s: no message with its sha256 %s (not stored byte for byte?)", f.name, f.sha256())
			continue
		}
		if m.Subject != f.subject {
			t.Errorf("%s: subject %q, want %q", f.name, m.Subject, f.subject)
		}
	}
	for _, s := range []string{"Team meeting moved", "Re: Team meeting moved"} {
		if !subjects[s] {
			t.Errorf("the mbox message %q is missing", s)
		}
	}
}

func TestImportSingleFile(t *testing.T) {
	dir := t.TempDir()
	paths := writeMessageFiles(t, dir, testMessages()[:1])
	r := cliWithDB(filepath.Join(dir, "a.mailkeep")).run(t, "import", paths[0])
	if r.code != exitOK || !strings.HasPrefix(r.stdout.String(), "Imported 1 message (1 new, 0 flagged) from 1 path in ") {
		t.Errorf("%s", r)
	}
}

// Messages that do not parse completely are kept, counted as flagged, and show
// says so.
func TestImportFlagged(t *testing.T) {
	dir := t.TempDir()
	broken := []fixture{
		{name: "no-header.eml", raw: []byte("this is not a header line at all\r\nSubject: x\r\n\r\nbody")},
		{name: "bad-base64.eml", raw: []byte("From: a@example.com\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\nSubject: broken\r\n\r\n--zz\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64***\r\n")},
	}
	writeMessageFiles(t, filepath.Join(dir, "in"), broken)
	db := filepath.Join(dir, "a.mailkeep")
	r := cliWithDB(db).run(t, "import", filepath.Join(dir, "in"))
	if r.code != exitOK || !strings.HasPrefix(r.stdout.String(), "Imported 2 messages (2 new, 2 flagged) from 1 path in ") {
		t.Fatalf("%s", r)
	}
	for _, f := range broken {
		r := cliWithDB(db).run(t, "search", "", "--json")
		var id int64
		for _, m := range parseJSONLines(t, r.stdout.String()) {
			if m.SHA256 == f.sha256() {
				id = m.ID
			}
		}
		if id == 0 {
			t.Fatalf("%s not stored byte for byte", f.name)
		}
		r = cliWithDB(db).run(t, "show", strconv.FormatInt(id, 10))
		if r.code != exitOK || !strings.Contains(r.stdout.String(), "Note:") || !strings.Contains(r.stdout.String(), "did not parse completely; it is kept exactly as received") {
			t.Errorf("%s: show does not say it is flagged\n%s", f.name, r)
		}
	}
}
