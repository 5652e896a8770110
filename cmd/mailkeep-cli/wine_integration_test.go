//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/internal/buildtest"
	"github.com/mailkeep/mailkeep/internal/winetest"
	"github.com/mailkeep/mailkeep/store/storetest"
)

// TestWindowsBinaryUnderWine builds mailkeep-cli.exe the way `make windows`
// does and runs it under Wine on a small generated corpus: --help, import of an
// mbox file and a folder of .eml files, searches (non-ASCII words, field
// queries), show --raw, verify and export. Each answer must be the one the Linux
// build gives for the same archive, byte for byte, and the searches must find
// what the corpus generator planted. Windows admins get a program that ran.
//
// It needs wine and x86_64-w64-mingw32-gcc (scripts/deps.sh windows, which
// make test runs); without them it fails in CI and is skipped elsewhere.
func TestWindowsBinaryUnderWine(t *testing.T) {
	start := time.Now()
	wine := newWinePrefix(t)
	t.Logf("Wine prefix made and the ProcessPrng shim installed in %v", time.Since(start).Round(10*time.Millisecond))

	exe := buildtest.CLI(t, "windows")
	linux := buildtest.CLI(t, runtime.GOOS)

	dir := t.TempDir()
	msgs := storetest.Generate(6, 50)
	mbox := filepath.Join(dir, "Lists.mbox")
	if err := storetest.WriteMbox(mbox, msgs[:30]); err != nil {
		t.Fatal(err)
	}
	emlDir := filepath.Join(dir, "Saved")
	if err := storetest.WriteEML(emlDir, msgs[30:]); err != nil {
		t.Fatal(err)
	}
	winDB := filepath.Join(dir, "windows.mailkeep")
	linDB := filepath.Join(dir, "linux.mailkeep")
	home := filepath.Join(dir, "home")
	runLinux := func(args ...string) binRun {
		t.Helper()
		return runBinaryWith(t, linux, []string{"HOME=" + home, "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "TZ=UTC"}, "", args...)
	}
	wineStart := time.Now()

	// Both builds list the same commands and flags; the Windows one names a
	// Windows default archive. Usage errors exit 2 on Windows too.
	w, l := wine.run(t, exe, "--help"), runLinux("--help")
	if w.code != exitOK {
		t.Fatalf("mailkeep-cli.exe --help does not run under Wine (a Go program dies at start-up without the ProcessPrng shim in the prefix's system32):\n%s", w)
	}
	_, wCommands, _ := bytes.Cut(w.stdout, []byte("Available Commands:"))
	_, lCommands, _ := bytes.Cut(l.stdout, []byte("Available Commands:"))
	if len(wCommands) == 0 || !bytes.Equal(wCommands, lCommands) {
		t.Errorf("--help under Wine lists other commands than Linux's:\nWine: %s\nLinux: %s", w, l)
	}
	if want := `\AppData\Local\Mailkeep\archive.mailkeep`; !bytes.Contains(w.stdout, []byte(want)) {
		t.Errorf("--help under Wine does not name a default archive ending in %s:\n%s", want, w.stdout)
	}
	if w := wine.run(t, exe, "--db", winetest.Path(winDB), "frobnicate"); w.code != exitUsage {
		t.Errorf("an unknown command under Wine: want exit %d, got %s", exitUsage, w)
	}

	// The same sources into two archives; Windows gets Windows paths.
	w = wine.run(t, exe, "--db", winetest.Path(winDB), "import", winetest.Path(mbox), winetest.Path(emlDir))
	l = runLinux("--db", linDB, "import", mbox, emlDir)
	if w.code != exitOK || l.code != exitOK {
		t.Fatalf("import:\nWine: %s\nLinux: %s", w, l)
	}
	wantImport := "Imported 50 messages (50 new, "
	if !strings.HasPrefix(string(w.stdout), wantImport) || beforeTime(w.stdout) != beforeTime(l.stdout) {
		t.Errorf("import under Wine said %q, Linux %q; want both to start %q and agree", w.stdout, l.stdout, wantImport)
	}

	has := func(phrase string, fields ...storetest.Field) func(storetest.Message) bool {
		return func(m storetest.Message) bool { return m.HasPhrase(phrase, fields...) }
	}
	searches := []struct {
		query string
		want  func(storetest.Message) bool
	}{
		{"Müller", has("muller")},
		{"subject:東京", has("東京", storetest.FieldSubject)},
		{"Привет", has("привет")},
		{"subject:zephyr", has("zephyr", storetest.FieldSubject)},
		{`from:"jürgen müller"`, has("jürgen müller", storetest.FieldFrom)},
	}
	for _, s := range searches {
		w := wine.run(t, exe, "--db", winetest.Path(winDB), "search", "--json", s.query)
		l := runLinux("--db", linDB, "search", "--json", s.query)
		if w.code != exitOK || l.code != exitOK {
			t.Errorf("search %q:\nWine: %s\nLinux: %s", s.query, w, l)
			continue
		}
		if !bytes.Equal(w.stdout, l.stdout) {
			t.Errorf("search %q under Wine printed\n%s\nLinux printed\n%s", s.query, w.stdout, l.stdout)
		}
		var want []string
		for _, m := range msgs {
			if s.want(m) {
				want = append(want, fmt.Sprintf("%x", m.SHA256()))
			}
		}
		if len(want) == 0 {
			t.Fatalf("the corpus has no message for %q: the test would prove nothing (change the seed)", s.query)
		}
		var got []string
		for _, m := range parseJSONLines(t, string(w.stdout)) {
			got = append(got, m.SHA256)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("search %q under Wine found %d messages, want %d:\ngot  %q\nwant %q", s.query, len(got), len(want), got, want)
		}
	}

	// show --raw gives back the exact bytes, through a Windows pipe too.
	found := parseJSONLines(t, string(wine.run(t, exe, "--db", winetest.Path(winDB), "search", "--json", "").stdout))
	if len(found) != len(msgs) {
		t.Fatalf("search '' under Wine found %d messages, want %d", len(found), len(msgs))
	}
	bySHA := map[string]storetest.Message{}
	for _, m := range msgs {
		bySHA[fmt.Sprintf("%x", m.SHA256())] = m
	}
	for _, f := range found[:5] {
		w := wine.run(t, exe, "--db", winetest.Path(winDB), "show", fmt.Sprint(f.ID), "--raw")
		if w.code != exitOK || !bytes.Equal(w.stdout, bySHA[f.SHA256].Raw) {
			t.Errorf("show %d --raw under Wine gave %d bytes, want the message's %d exactly\n%s", f.ID, len(w.stdout), len(bySHA[f.SHA256].Raw), w.stderr)
		}
	}

	w, l = wine.run(t, exe, "--db", winetest.Path(winDB), "verify"), runLinux("--db", linDB, "verify")
	if w.code != exitOK || string(w.stdout) != "All 50 messages verified\n" || !bytes.Equal(w.stdout, l.stdout) {
		t.Errorf("verify:\nWine: %s\nLinux: %s", w, l)
	}

	// Exports of the same query hold the same bytes, as an mbox file and as a
	// folder of .eml files (whose names must also be the same).
	for _, format := range []string{"mbox", "eml"} {
		winOut, linOut := filepath.Join(dir, "windows-export."+format), filepath.Join(dir, "linux-export."+format)
		w := wine.run(t, exe, "--db", winetest.Path(winDB), "export", "Müller OR subject:zephyr", "--format", format, "--out", winetest.Path(winOut))
		l := runLinux("--db", linDB, "export", "Müller OR subject:zephyr", "--format", format, "--out", linOut)
		if w.code != exitOK || l.code != exitOK || !bytes.HasPrefix(w.stdout, []byte("Exported ")) {
			t.Errorf("export --format %s:\nWine: %s\nLinux: %s", format, w, l)
			continue
		}
		if diff := compareTrees(t, winOut, linOut); diff != "" {
			t.Errorf("export --format %s under Wine differs from Linux's: %s", format, diff)
		}
	}
	t.Logf("the Windows build's %d runs under Wine (and the Linux build's beside them) took %v",
		wine.runs, time.Since(wineStart).Round(10*time.Millisecond))
}

// winePrefix runs the Windows build in a private Wine prefix, counting the
// runs.
type winePrefix struct {
	*winetest.Prefix
	runs int
}

func newWinePrefix(t *testing.T) *winePrefix {
	return &winePrefix{Prefix: winetest.New(t, winetest.Options{})}
}

// run runs a Windows program under Wine, with no input, and gives its exit
// code and output. A program that hangs is stopped after two minutes.
func (p *winePrefix) run(t *testing.T, exe string, args ...string) binRun {
	t.Helper()
	p.runs++
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := p.Command(ctx, "wine", append([]string{exe}, args...)...)
	// Output goes to files, not pipes: the Windows services Wine starts
	// beside the program inherit its output and outlive it, so a pipe
	// would stay open until the wineserver ends.
	out := filepath.Join(t.TempDir(), "out")
	var err error
	if cmd.Stdout, err = os.Create(out + ".1"); err != nil {
		t.Fatal(err)
	}
	if cmd.Stderr, err = os.Create(out + ".2"); err != nil {
		t.Fatal(err)
	}
	err = cmd.Run()
	cmd.Stdout.(*os.File).Close()
	cmd.Stderr.(*os.File).Close()
	var r binRun
	r.stdout, _ = os.ReadFile(out + ".1")
	r.stderr, _ = os.ReadFile(out + ".2")
	if ee, ok := err.(*exec.ExitError); ok && ctx.Err() == nil {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("wine %s %q: %v (stderr: %s)", filepath.Base(exe), args, err, r.stderr)
	}
	if bytes.Contains(r.stderr, []byte("goroutine ")) || bytes.Contains(r.stderr, []byte("fatal error:")) {
		t.Errorf("%q under Wine crashed:\n%s", args, r.stderr)
	}
	return r
}

// beforeTime is an import summary without the time it took ("... in 12ms").
func beforeTime(out []byte) string {
	s, _, _ := strings.Cut(string(out), " in ")
	return s
}

// compareTrees says how two files, or two folders of files, differ: "" when
// they hold the same names and the same bytes.
func compareTrees(t *testing.T, a, b string) string {
	t.Helper()
	read := func(root string) map[string][]byte {
		files := map[string][]byte{}
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			rel, _ := filepath.Rel(root, path)
			files[rel] = data
			return err
		})
		if err != nil {
			t.Fatalf("reading %s: %v", root, err)
		}
		return files
	}
	fa, fb := read(a), read(b)
	if len(fa) == 0 {
		return a + " holds nothing"
	}
	var diffs []string
	for name, data := range fa {
		other, ok := fb[name]
		switch {
		case !ok:
			diffs = append(diffs, name+" only in "+a)
		case !bytes.Equal(data, other):
			diffs = append(diffs, fmt.Sprintf("%s: %d bytes against %d, or different bytes", name, len(data), len(other)))
		}
	}
	for name := range fb {
		if _, ok := fa[name]; !ok {
			diffs = append(diffs, name+" only in "+b)
		}
	}
	slices.Sort(diffs)
	return strings.Join(diffs, "; ")
}
