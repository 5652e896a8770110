package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// writeFiles creates files (path → content) below dir.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// importedLocation is one message's bytes and where it was recorded.
type importedLocation struct {
	Folder, UID string
	Raw         string
}

// importedLocations lists every location of account "import" with its
// message's bytes, sorted.
func importedLocations(t testing.TB, s *Store) []importedLocation {
	t.Helper()
	ctx := context.Background()
	rows, err := s.db.QueryContext(ctx, `SELECT message, folder, uid FROM locations WHERE account = ? ORDER BY folder, uid`, ImportAccount)
	if err != nil {
		t.Fatal(err)
	}
	type loc struct {
		id          int64
		folder, uid string
	}
	var locs []loc
	for rows.Next() {
		var l loc
		if err := rows.Scan(&l.id, &l.folder, &l.uid); err != nil {
			t.Fatal(err)
		}
		locs = append(locs, l)
	}
	rows.Close()
	var out []importedLocation
	for _, l := range locs {
		raw, err := s.Raw(ctx, l.id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, importedLocation{Folder: l.folder, UID: l.uid, Raw: string(raw)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Folder != out[j].Folder {
			return out[i].Folder < out[j].Folder
		}
		return out[i].UID < out[j].UID
	})
	return out
}

func TestImportDetectsKinds(t *testing.T) {
	const (
		eml       = "From: a@example.com\nSubject: eml\n\nbody\n"
		emlFrom   = "From a@example.com Sat Apr  1 15:30:00 2023\nFrom: a@example.com\nSubject: eml with envelope\n\nbody\n"
		noExt     = "Subject: no extension\r\n\r\nbody\r\n"
		msgBinary = "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00binary outlook"
	)
	mbox := string(mboxWriteAll(t, [][]byte{[]byte("Subject: m1\n\nFrom here\n"), []byte("Subject: m2\n\n>From there")}))
	tests := []struct {
		name      string
		files     map[string]string
		path      string // below the temp dir; "" for the dir itself
		want      []importedLocation
		wantStats ImportStats
	}{
		{
			name:      "eml file",
			files:     map[string]string{"box/a.eml": eml},
			path:      "box/a.eml",
			want:      []importedLocation{{"box", "a.eml", eml}},
			wantStats: ImportStats{Read: 1, New: 1, EMLFiles: 1},
		},
		{
			name:  "eml with envelope line stays whole",
			files: map[string]string{"box/b.EML": emlFrom},
			path:  "box/b.EML",
			want:  []importedLocation{{"box", "b.EML", emlFrom}},
			// The envelope line is not a header: the message is flagged.
			wantStats: ImportStats{Read: 1, New: 1, Problems: 1, EMLFiles: 1},
		},
		{
			name:  "mbox file",
			files: map[string]string{"in/Sent.mbox": mbox},
			path:  "in/Sent.mbox",
			want: []importedLocation{
				{"Sent", "1", "Subject: m1\n\nFrom here\n"},
				{"Sent", "2", "Subject: m2\n\n>From there"},
			},
			wantStats: ImportStats{Read: 2, New: 2, MboxFiles: 1, MboxMessages: 2},
		},
		{
			name:  "file without extension, .txt, binary .msg",
			files: map[string]string{"x/1": noExt, "x/note.txt": eml, "x/o.msg": msgBinary},
			path:  "x",
			want:  []importedLocation{{"x", "1", noExt}, {"x", "note.txt", eml}, {"x", "o.msg", msgBinary}},
			// The binary .msg is kept, flagged.
			wantStats: ImportStats{Read: 3, New: 3, Problems: 1, OtherFiles: 3},
		},
		{
			name: "folder of everything, hidden and empty files left out",
			files: map[string]string{
				"all/a.eml":           eml,
				"all/sub/mail.mbox":   mbox,
				"all/.git/config":     "[core]\n",
				"all/.hidden.eml":     eml + "hidden",
				"all/empty.eml":       "",
				"all/md/cur/1.x:2,S":  eml + "md",
				"all/md/new/2.y":      eml + "md2",
				"all/md/tmp/3.z":      eml + "delivering",
				"all/md/dovecot-list": "not mail",
			},
			want: []importedLocation{
				{"all", "a.eml", eml},
				{"mail", "1", "Subject: m1\n\nFrom here\n"},
				{"mail", "2", "Subject: m2\n\n>From there"},
				{"md", "1.x", eml + "md"},
				{"md", "2.y", eml + "md2"},
			},
			wantStats: ImportStats{Read: 5, New: 5, Skipped: 3, EMLFiles: 1, MboxFiles: 1, MboxMessages: 2, MaildirMessages: 2},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			s := openTemp(t)
			stats, err := s.Import(context.Background(), []string{filepath.Join(dir, tc.path)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := importedLocations(t, s)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d locations, want %d:\n%q", len(got), len(tc.want), got)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("location %d:\ngot  %q\nwant %q", i, got[i], tc.want[i])
				}
			}
			if stats != tc.wantStats {
				t.Errorf("stats %+v\nwant  %+v", stats, tc.wantStats)
			}
		})
	}
}

func TestImportMaildirFolders(t *testing.T) {
	// Each file and the folder and UID it must be found under ("" folder: left out).
	files := []struct{ path, folder, uid string }{
		{"Maildir/cur/100.a.host:2,S", "Maildir", "100.a.host"},
		{"Maildir/new/101.b.host", "Maildir", "101.b.host"},
		{"Maildir/800.j.host:2,S", "Maildir", "800.j.host"}, // loose, notmuch style
		{"Maildir/tmp/102.c.host", "", ""},
		{"Maildir/dovecot-uidlist", "", ""},
		{"Maildir/subscriptions", "", ""},
		{"Maildir/cur/.hidden", "", ""},
		{"Maildir/.Sent/cur/200.d.host:2,S", "Sent", "200.d.host"},
		{"Maildir/.Sent/new/202.q.host", "Sent", "202.q.host"},
		{"Maildir/.Sent/maildirfolder", "", ""},
		{"Maildir/.Archive.2023/cur/300.e.host:2,RS", "Archive/2023", "300.e.host"},
		{"Maildir/.Archive.2023/courierimapuiddb", "", ""},
		{"Maildir/.Entw&APw-rfe/new/400.f.host", "Entwürfe", "400.f.host"},
		{"Maildir/.Tom &- Jerry/cur/403.t.host:2,", "Tom & Jerry", "403.t.host"},
		{"Maildir/.Bad&Zm9v/cur/402.s.host:2,D", "Bad&Zm9v", "402.s.host"}, // not UTF-7: kept as is
		{"Maildir/.notmuch/xapian/postlist.glass", "", ""},
		{"Maildir/.NotAMaildir/file", "", ""},
		{"Maildir/work/INBOX/cur/500.g.host:2,", "work/INBOX", "500.g.host"},
		{"Maildir/work/INBOX/new/501.n.host", "work/INBOX", "501.n.host"},
		{"Maildir/work/INBOX/dovecot.index.log", "", ""},
		{"Maildir/work/INBOX/deeper/cur/600.h.host:2,", "work/INBOX/deeper", "600.h.host"},
		{"Maildir/work/INBOX/deeper/tmp/602.u.host", "", ""},
		{"Maildir/loose/700.i.host:2,S", "loose", "700.i.host:2,S"}, // a plain folder inside the tree
	}
	dir := t.TempDir()
	want := map[string]importedLocation{}
	for _, f := range files {
		content := "Subject: " + f.path + "\n\nbody\n"
		writeFiles(t, dir, map[string]string{f.path: content})
		if f.folder != "" {
			want[f.path] = importedLocation{Folder: f.folder, UID: f.uid, Raw: content}
		}
	}
	s := openTemp(t)
	ctx := context.Background()
	stats, err := s.Import(ctx, []string{filepath.Join(dir, "Maildir")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]importedLocation{}
	for _, l := range importedLocations(t, s) {
		path := strings.TrimSuffix(strings.TrimPrefix(l.Raw, "Subject: "), "\n\nbody\n")
		got[path] = l
	}
	for path, w := range want {
		if got[path] != w {
			t.Errorf("%s: found as %+v, want %+v", path, got[path], w)
		}
	}
	for path, g := range got {
		if _, ok := want[path]; !ok {
			t.Errorf("%s: imported as %+v, but should be left out", path, g)
		}
	}
	if stats.Read != len(want) || stats.New != len(want) || stats.MaildirMessages != len(want)-1 || stats.OtherFiles != 1 {
		t.Errorf("stats %+v; want %d read and new, one of them a plain file", stats, len(want))
	}

	// Flags change, new/ moves to cur/: importing again adds no location.
	for _, mv := range [][2]string{
		{"Maildir/new/101.b.host", "Maildir/cur/101.b.host:2,S"},
		{"Maildir/cur/100.a.host:2,S", "Maildir/cur/100.a.host:2,RS"},
	} {
		if err := os.Rename(filepath.Join(dir, mv[0]), filepath.Join(dir, mv[1])); err != nil {
			t.Fatal(err)
		}
	}
	stats, err = s.Import(ctx, []string{filepath.Join(dir, "Maildir")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if stats.New != 0 || stats.Read != len(want) {
		t.Errorf("second import: %+v; want %d read, none new", stats, len(want))
	}
	if n := len(importedLocations(t, s)); n != len(want) {
		t.Errorf("second import: %d locations, want still %d", n, len(want))
	}
}

func TestMaildirSubfolderNames(t *testing.T) {
	tests := []struct{ parent, name, want string }{
		{"", ".Sent", "Sent"},
		{"", ".Archive.2023", "Archive/2023"},
		{"", ".Entw&APw-rfe", "Entwürfe"},
		{"", ".&ZeVnLIqe-", "日本語"},
		{"", ".a&-b", "a&b"},
		{"", ".bad&utf7", "bad&utf7"},
		{"", ".bad&AAA-", "bad&AAA-"}, // a control character: kept as is
		{"", "work", "work"},
		{"work", "INBOX", "work/INBOX"},
		{"Archive", ".2023", "Archive/2023"},
		{"", ".", "."},
	}
	for _, tc := range tests {
		if got := maildirSubfolder(tc.parent, tc.name); got != tc.want {
			t.Errorf("maildirSubfolder(%q, %q) = %q, want %q", tc.parent, tc.name, got, tc.want)
		}
	}
	for name, want := range map[string]string{
		"1700000000.M1P2.host:2,S": "1700000000.M1P2.host",
		"1700000000.M1P2.host":     "1700000000.M1P2.host",
		"x:1,":                     "x",
		"msg-3-3:2,":               "msg-3-3",
	} {
		if got := maildirUID(name); got != want {
			t.Errorf("maildirUID(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestImportFailureMidway makes a file fail while it is read: what was read
// before it is kept, and importing again after the fix adds the rest once.
func TestImportFailureMidway(t *testing.T) {
	dir := t.TempDir()
	var files = map[string]string{}
	for i := range 1200 {
		files[fmt.Sprintf("box/%04d.eml", i)] = fmt.Sprintf("Subject: %d\n\nbody %d\n", i, i)
	}
	writeFiles(t, dir, files)
	// A file that becomes a folder between the scan and the read.
	bad := filepath.Join(dir, "box", "1100.eml")
	s := openTemp(t)
	var progress []ImportProgress
	stats, err := s.Import(context.Background(), []string{filepath.Join(dir, "box")}, func(p ImportProgress) {
		progress = append(progress, p)
		if len(progress) == 2 {
			if err := os.Remove(bad); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(bad, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Log(err)
	var pe *ImportPathError
	if !errors.As(err, &pe) || pe.Path != bad {
		t.Fatalf("error %v, want one about %s", err, bad)
	}
	if stats.Read != 1100 {
		t.Errorf("read %d before the bad file, want 1100 kept", stats.Read)
	}
	if n := len(importedLocations(t, s)); n != 1100 {
		t.Errorf("%d messages in the archive, want the 1100 read before the bad file", n)
	}
	if len(progress) != 3 || progress[0].Messages != 500 || progress[1].Messages != 1000 || progress[2].Messages != 1100 {
		t.Errorf("progress %+v, want after 500, 1000 and 1100", progress)
	}
	for _, p := range progress {
		if p.Total == 0 || p.Bytes > p.Total {
			t.Errorf("progress %+v: bytes beyond the total", p)
		}
	}

	if err := os.Remove(bad); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(files["box/1100.eml"]), 0o644); err != nil {
		t.Fatal(err)
	}
	stats, err = s.Import(context.Background(), []string{filepath.Join(dir, "box")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Read != 1200 || stats.New != 100 {
		t.Errorf("second run %+v, want 1200 read, 100 new", stats)
	}
	if n := len(importedLocations(t, s)); n != 1200 {
		t.Errorf("%d locations, want 1200", n)
	}
}

// realWorldCorpus is the folder of real-world test messages, beside the module.
func realWorldCorpus(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "corpus", "real-world"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the real-world corpus is missing: %v", err)
		}
		t.Skipf("the real-world corpus is missing (%v): it lives at <module root>/../shared/corpus/real-world", err)
	}
	return dir
}

func TestImportRealWorldCorpus(t *testing.T) {
	t.Parallel() // long: it runs beside the package's other tests
	corpus := realWorldCorpus(t)
	s := openTemp(t)
	ctx := context.Background()
	var last ImportProgress
	stats, err := s.Import(ctx, []string{corpus}, func(p ImportProgress) { last = p })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("real-world corpus: %+v", stats)
	if stats.Read == 0 || stats.Read != stats.EMLFiles+stats.MboxMessages+stats.MaildirMessages+stats.OtherFiles {
		t.Errorf("messages read %d do not add up to the kinds found: %+v", stats.Read, stats)
	}
	if stats.EMLFiles == 0 || stats.MboxFiles == 0 || stats.MaildirMessages == 0 || stats.OtherFiles == 0 {
		t.Errorf("the corpus has every kind, but some were not found: %+v", stats)
	}
	if last.Messages != stats.Read || last.Bytes != last.Total {
		t.Errorf("last progress %+v: want all %d messages and all bytes", last, stats.Read)
	}

	// Every .eml file is in the archive byte for byte.
	var emls int
	err = filepath.WalkDir(corpus, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".eml") || strings.Contains(path, "/.") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil || len(raw) == 0 {
			return err
		}
		emls++
		sum := sha256.Sum256(raw)
		var n int
		if err := s.db.QueryRow(`SELECT count(*) FROM messages WHERE sha256 = ?`, sum[:]).Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("%s is not in the archive byte for byte", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if emls != stats.EMLFiles {
		t.Errorf("%d .eml files in the corpus, %d imported", emls, stats.EMLFiles)
	}

	again, err := s.Import(ctx, []string{corpus}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.New != 0 || again.Read != stats.Read {
		t.Errorf("importing again: %+v; want %d read, none new", again, stats.Read)
	}
}

// BenchmarkImport measures importing 3000 messages of about 8 KiB from a
// Maildir, an mbox file and a folder of .eml files, and the real-world corpus:
// walking, reading, and everything Ingest does.
func BenchmarkImport(b *testing.B) {
	msgs := benchMessages(3000, 8<<10)
	dir := b.TempDir()
	files := map[string]string{}
	for i, m := range msgs {
		files[fmt.Sprintf("Maildir/cur/%d.M%dP1.bench:2,S", 1700000000+i, i)] = string(m)
		files[fmt.Sprintf("eml/%05d.eml", i)] = string(m)
	}
	writeFiles(b, dir, files)
	if err := os.WriteFile(filepath.Join(dir, "all.mbox"), mboxWriteAll(b, msgs), 0o644); err != nil {
		b.Fatal(err)
	}
	sources := []struct{ name, path string }{
		{"maildir", filepath.Join(dir, "Maildir")},
		{"mbox", filepath.Join(dir, "all.mbox")},
		{"eml", filepath.Join(dir, "eml")},
	}
	if corpus, err := filepath.Abs(filepath.Join("..", "..", "shared", "corpus", "real-world")); err == nil {
		if _, err := os.Stat(corpus); err == nil {
			sources = append(sources, struct{ name, path string }{"real-world", corpus})
		}
	}
	for _, src := range sources {
		b.Run(src.name, func(b *testing.B) {
			var stats ImportStats
			var last ImportProgress
			for range b.N {
				b.StopTimer()
				s := openTemp(b)
				b.StartTimer()
				var err error
				stats, err = s.Import(context.Background(), []string{src.path}, func(p ImportProgress) { last = p })
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(stats.Read)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			b.ReportMetric(float64(last.Total)*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
		})
	}
}

func TestImportBatchesBySize(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for i := range 10 {
		files[fmt.Sprintf("box/%02d.eml", i)] = fmt.Sprintf("Subject: %02d\n\n%s\n", i, strings.Repeat("x", 286)) // 300 bytes
	}
	writeFiles(t, dir, files)
	var sc importScanner
	if err := sc.scanPath(filepath.Join(dir, "box")); err != nil {
		t.Fatal(err)
	}
	var progress []int
	im := &importer{s: openTemp(t), ctx: context.Background(), maxMessages: 500, maxBytes: 1000,
		progress: func(p ImportProgress) { progress = append(progress, p.Messages) }}
	stats, err := im.run(sc)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Read != 10 || fmt.Sprint(progress) != "[4 8 10]" {
		t.Errorf("read %d, committed after %v; want batches of 4 (1200 bytes >= 1000)", stats.Read, progress)
	}
}

func TestImportCancelled(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for i := range 1100 {
		files[fmt.Sprintf("box/%04d.eml", i)] = fmt.Sprintf("Subject: %d\n\nbody %d\n", i, i)
	}
	writeFiles(t, dir, files)
	s := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stats, err := s.Import(ctx, []string{filepath.Join(dir, "box")}, func(p ImportProgress) { cancel() })
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "run the same import again") {
		t.Fatalf("error %v, want context.Canceled with advice", err)
	}
	if stats.Read != 500 || len(importedLocations(t, s)) != 500 {
		t.Errorf("read %d before the stop, want the first batch of 500 kept", stats.Read)
	}
	stats, err = s.Import(context.Background(), []string{filepath.Join(dir, "box")}, nil)
	if err != nil || stats.New != 600 || stats.Read != 1100 {
		t.Errorf("second run: %+v, %v; want 1100 read, 600 new", stats, err)
	}
}
