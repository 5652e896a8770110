package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// ingestTricky stores the tricky messages (with a Date header where they can
// take one, so that their order is known) and returns their hashes.
func ingestTricky(t testing.TB, s *Store) map[[32]byte]bool {
	t.Helper()
	var batch Batch
	sums := map[[32]byte]bool{}
	for i, tc := range formatTrickyMessages {
		batch.Messages = append(batch.Messages, Incoming{
			Raw:      []byte(tc.raw),
			Location: Location{Account: "test", Folder: "INBOX", UID: tc.name},
			DateHint: time.Date(2020, 1, 1+i, 12, 0, 0, 0, time.UTC),
		})
		sums[sha256.Sum256([]byte(tc.raw))] = true
	}
	if _, err := s.Ingest(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	return sums
}

func TestExportMboxRoundTrip(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	want := ingestTricky(t, s)
	out := filepath.Join(t.TempDir(), "sub", "all.mbox")
	var last ImportProgress
	n, err := s.Export(ctx, "", out, FormatMbox, func(p ImportProgress) { last = p })
	if err != nil {
		t.Fatal(err)
	}
	if n != len(want) || last.Messages != n || last.Bytes != last.Total {
		t.Fatalf("exported %d (last progress %+v), want %d", n, last, len(want))
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := mboxReadAll(t, f)
	if len(got) != len(want) {
		t.Fatalf("read %d messages back, want %d", len(got), len(want))
	}
	for i, raw := range got {
		if !want[sha256.Sum256(raw)] {
			t.Errorf("message %d read back from the mbox has bytes that were never stored: %.80q", i+1, raw)
		}
	}
	if fi, err := f.Stat(); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mbox file mode %v (%v), want 0600", fi.Mode(), err)
	}
	exportNoPartFiles(t, filepath.Dir(out))

	// Full circle: importing the export into a new archive gives the same messages.
	s2 := openTemp(t)
	stats, err := s2.Import(ctx, []string{out}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Read != len(want) || stats.New != len(want) {
		t.Fatalf("import of the export: %+v, want %d new", stats, len(want))
	}
	rows, err := s2.db.Query(`SELECT sha256 FROM messages`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var sum []byte
		if err := rows.Scan(&sum); err != nil {
			t.Fatal(err)
		}
		if !want[[32]byte(sum)] {
			t.Errorf("the import of the export holds a message that was not exported")
		}
	}
}

func TestExportEMLRoundTrip(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	want := ingestTricky(t, s)
	out := filepath.Join(t.TempDir(), "eml")
	n, err := s.Export(ctx, "", out, FormatEML, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(want) {
		t.Fatalf("exported %d, want %d", n, len(want))
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Fatalf("%d files in %s, want %d", len(entries), out, len(want))
	}
	name := regexp.MustCompile(`^\d{4}-\d\d-\d\d_\d{4}(_[A-Za-z0-9._-]+)?_([0-9a-f]{12})\.eml$`)
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(raw)
		if !want[sum] {
			t.Errorf("%s holds bytes that were never stored", e.Name())
		}
		m := name.FindStringSubmatch(e.Name())
		if m == nil {
			t.Errorf("file name %q is not date_time_subject_hash.eml", e.Name())
		} else if m[2] != hex.EncodeToString(sum[:6]) {
			t.Errorf("file name %q does not end in its hash %x", e.Name(), sum[:6])
		}
	}

	// Exporting again into the same folder leaves the files as they are.
	n, err = s.Export(ctx, "", out, FormatEML, nil)
	if err != nil || n != len(want) {
		t.Fatalf("second export: %d, %v", n, err)
	}
	if again, _ := os.ReadDir(out); len(again) != len(entries) {
		t.Errorf("second export: %d files, want %d", len(again), len(entries))
	}
	// A different file under a message's name is never overwritten.
	victim := filepath.Join(out, entries[0].Name())
	if err := os.WriteFile(victim, []byte("edited by hand"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Export(ctx, "", out, FormatEML, nil); err == nil || !strings.Contains(err.Error(), "does not overwrite") {
		t.Errorf("export over a different file: %v, want a refusal", err)
	}
	if raw, _ := os.ReadFile(victim); string(raw) != "edited by hand" {
		t.Errorf("the file edited by hand was overwritten")
	}
	exportNoPartFiles(t, out)
}

// exportNoPartFiles fails when temporary files were left in dir.
func exportNoPartFiles(t testing.TB, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".part") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestExportQueryOrder(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	var batch Batch
	for i, subj := range []string{"alpha report", "beta report", "gamma other"} {
		batch.Messages = append(batch.Messages, Incoming{
			Raw:      []byte("Date: " + time.Date(2023, 4, 1+i, 15, 30, 0, 0, time.UTC).Format(time.RFC1123Z) + "\nSubject: " + subj + "\n\nbody\n"),
			Location: Location{Account: "test", Folder: "INBOX", UID: subj},
		})
	}
	if _, err := s.Ingest(ctx, batch); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "reports.mbox")
	n, err := s.Export(ctx, "subject:report", out, FormatMbox, nil)
	if err != nil || n != 2 {
		t.Fatalf("export: %d, %v; want 2 messages", n, err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// Newest first, each with its date in the separator line.
	want := "From MAILER-DAEMON Sun Apr  2 15:30:00 2023\n" + string(batch.Messages[1].Raw) + "\n" +
		"From MAILER-DAEMON Sat Apr  1 15:30:00 2023\n" + string(batch.Messages[0].Raw) + "\n"
	if string(data) != want {
		t.Errorf("got\n%s\nwant\n%s", data, want)
	}
}

func TestExportTargets(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	ingestTricky(t, s)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"full.mbox": "something", "empty.mbox": "", "afile": "x", "adir/x": "x"})
	tests := []struct {
		name   string
		out    string
		format ExportFormat
		want   string // in the error; "" for success
	}{
		{"mbox over a non-empty file", filepath.Join(dir, "full.mbox"), FormatMbox, "does not overwrite"},
		{"mbox over an empty file", filepath.Join(dir, "empty.mbox"), FormatMbox, ""},
		{"mbox into a folder", filepath.Join(dir, "adir"), FormatMbox, "it is a folder"},
		{"eml into a file", filepath.Join(dir, "afile"), FormatEML, "it is a file"},
		{"eml into an existing folder", filepath.Join(dir, "adir"), FormatEML, ""},
		{"unknown format", filepath.Join(dir, "x.pst"), "pst", "unknown export format"},
		{"no target", "", FormatMbox, "--out"},
		{"below a file", filepath.Join(dir, "afile", "x.mbox"), FormatMbox, "afile"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Export(ctx, "", tc.out, tc.format, nil)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "full.mbox")); string(data) != "something" {
		t.Errorf("the non-empty file was changed")
	}
}

func TestExportInterrupted(t *testing.T) {
	s := openTemp(t)
	var batch Batch
	for i := range 250 {
		batch.Messages = append(batch.Messages, Incoming{
			Raw:      []byte("Subject: message " + strings.Repeat("x", i) + "\n\nbody\n"),
			Location: Location{Account: "test", Folder: "INBOX", UID: strings.Repeat("u", i+1)},
		})
	}
	if _, err := s.Ingest(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	for _, format := range []ExportFormat{FormatMbox, FormatEML} {
		t.Run(string(format), func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			n, err := s.Export(ctx, "", out, format, func(p ImportProgress) {
				if p.Messages >= 100 {
					cancel()
				}
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want context.Canceled", err)
			}
			if n != 100 {
				t.Errorf("%d messages written before the stop, want 100", n)
			}
			exportNoPartFiles(t, dir)
			if format == FormatMbox {
				if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("an interrupted mbox export left %s behind (%v)", out, err)
				}
				return
			}
			exportNoPartFiles(t, out)
			entries, _ := os.ReadDir(out)
			if len(entries) != 100 {
				t.Errorf("%d whole .eml files, want the 100 written before the stop", len(entries))
			}
		})
	}
}

func TestExportFileName(t *testing.T) {
	date := time.Date(2023, 4, 1, 15, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	var sum [32]byte
	for i := range sum {
		sum[i] = byte(i * 17)
	}
	const hash = "_001122334455.eml"
	tests := []struct {
		subject string
		want    string
	}{
		{"Quarterly report", "2023-04-01_1330_Quarterly-report" + hash},
		{"", "2023-04-01_1330" + hash},
		{"../../etc/passwd", "2023-04-01_1330_etc-passwd" + hash},
		{`..\..\Windows\System32`, "2023-04-01_1330_Windows-System32" + hash},
		{"CON", "2023-04-01_1330_CON" + hash},
		{"Re: Fwd: 🎉 party 🎉!!", "2023-04-01_1330_Re-Fwd-party" + hash},
		{"🎉🎉🎉", "2023-04-01_1330" + hash},
		{"Grüße aus Köln", "2023-04-01_1330_Grüße-aus-Köln" + hash},
		{"日本語の件名", "2023-04-01_1330_日本語の件名" + hash},
		{"tab\there\x00nul\u202eevil", "2023-04-01_1330_tab-here-nul-evil" + hash},
		{"...hidden", "2023-04-01_1330_hidden" + hash},
		{"a -- b", "2023-04-01_1330_a-b" + hash},
		{"\xff\xfe broken utf-8", "2023-04-01_1330_broken-utf-8" + hash},
		{"name.with.dots.", "2023-04-01_1330_name.with.dots" + hash},
		{strings.Repeat("word ", 100), "2023-04-01_1330_" + strings.TrimSuffix(strings.Repeat("word-", 12), "-") + hash},
		{strings.Repeat("x", 500), "2023-04-01_1330_" + strings.Repeat("x", 60) + hash},
		{strings.Repeat("ü", 500), "2023-04-01_1330_" + strings.Repeat("ü", 60) + hash},
		{strings.Repeat("日", 500), "2023-04-01_1330_" + strings.Repeat("日", 40) + hash},
	}
	for _, tc := range tests {
		got := exportFileName(date, tc.subject, sum)
		if got != tc.want {
			t.Errorf("exportFileName(%.40q)\n got %q\nwant %q", tc.subject, got, tc.want)
		}
		if len(got) > 200 || !utf8.ValidString(got) || strings.ContainsAny(got, `/\:*?"<>|`) || strings.HasPrefix(got, ".") {
			t.Errorf("exportFileName(%.40q) = %q is not a safe name", tc.subject, got)
		}
	}

	for name, want := range map[string]string{
		"CON":        "_CON",
		"con.txt":    "_con.txt",
		"LPT1":       "_LPT1",
		"COM9.tar":   "_COM9.tar",
		"CONSOLE":    "CONSOLE",
		"..hidden":   "hidden",
		"NUL ":       "_NUL ",
		"":           "_",
		"2023_CON_x": "2023_CON_x",
	} {
		if got := exportSafeName(name); got != want {
			t.Errorf("exportSafeName(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestExportHashesMatch exports the real-world corpus as .eml files and checks
// every file against the hash the archive holds.
func TestExportHashesMatch(t *testing.T) {
	corpus := realWorldCorpus(t)
	s := openTemp(t)
	ctx := context.Background()
	if _, err := s.Import(ctx, []string{filepath.Join(corpus, "notmuch__notmuch")}, nil); err != nil {
		t.Fatal(err)
	}
	var want []string
	rows, err := s.db.Query(`SELECT hex(sha256) FROM messages`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var h string
		rows.Scan(&h)
		want = append(want, strings.ToLower(h))
	}
	rows.Close()
	out := t.TempDir()
	if _, err := s.Export(ctx, "", out, FormatEML, nil); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(out)
	var got []string
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(raw)
		got = append(got, hex.EncodeToString(sum[:]))
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("exported files' hashes differ from the archive's: %d files, %d messages", len(got), len(want))
	}
}
