package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mailkeep/mailkeep/internal/buildtest"
)

// binRun is one run of the built binary.
type binRun struct {
	code           int
	stdout, stderr []byte
}

func runBinary(t *testing.T, bin, home string, args ...string) binRun {
	t.Helper()
	return runBinaryWith(t, bin, []string{"HOME=" + home, "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "TZ=UTC"}, "", args...)
}

// runBinaryWith runs the built program with exactly env and stdin.
func runBinaryWith(t *testing.T, bin string, env []string, stdin string, args ...string) binRun {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := binRun{stdout: stdout.Bytes(), stderr: stderr.Bytes()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", bin, err)
	}
	if bytes.Contains(r.stderr, []byte("goroutine ")) {
		t.Errorf("%q printed a Go stack:\n%s", args, r.stderr)
	}
	return r
}

func (r binRun) String() string {
	return "exit " + strconv.Itoa(r.code) + "\nstdout:\n" + string(r.stdout) + "\nstderr:\n" + string(r.stderr)
}

// TestBinaryImportSearchShowExportVerify runs the built program the way a
// scheduled task would: import, search --json, show --raw, export, verify.
func TestBinaryImportSearchShowExportVerify(t *testing.T) {
	bin := buildtest.CLI(t, runtime.GOOS)
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	db := filepath.Join(dir, "archive.mailkeep")
	emlDir, mbox, maildir := writeImportSources(t, dir)

	// Usage errors exit 2 from the real binary too.
	if r := runBinary(t, bin, home, "--db", db, "frobnicate"); r.code != exitUsage {
		t.Errorf("unknown command: %s", r)
	}

	r := runBinary(t, bin, home, "--db", db, "import", emlDir, mbox, maildir)
	if r.code != exitOK || !strings.HasPrefix(string(r.stdout), "Imported 8 messages (8 new, 0 flagged) from 3 paths in ") {
		t.Fatalf("import: %s", r)
	}
	if len(r.stderr) != 0 {
		t.Errorf("import printed to stderr although it is not a terminal: %q", r.stderr)
	}

	r = runBinary(t, bin, home, "--db", db, "search", "", "--json")
	if r.code != exitOK {
		t.Fatalf("search: %s", r)
	}
	results := parseJSONLines(t, string(r.stdout))
	if len(results) != importedCount {
		t.Fatalf("search '' found %d, want %d", len(results), importedCount)
	}
	bySHA := map[string]jsonMessage{}
	for _, m := range results {
		bySHA[m.SHA256] = m
	}

	files := append(testMessages(), maildirMessage)
	for _, f := range files {
		m, ok := bySHA[f.sha256()]
		if !ok {
			t.Errorf("%s: not found by its sha256", f.name)
			continue
		}
		if m.Subject != f.subject || m.Size != int64(len(f.raw)) || !strings.Contains(m.From, f.from) {
			t.Errorf("%s: got subject %q size %d from %q; want %q %d %q", f.name, m.Subject, m.Size, m.From, f.subject, len(f.raw), f.from)
		}
		if m.HasAttachment != f.hasAttachment {
			t.Errorf("%s: has_attachment %v", f.name, m.HasAttachment)
		}
		r := runBinary(t, bin, home, "--db", db, "show", strconv.FormatInt(m.ID, 10), "--raw")
		if r.code != exitOK || !bytes.Equal(r.stdout, f.raw) {
			t.Errorf("%s: show --raw gave %q, want exactly %q\n%s", f.name, r.stdout, f.raw, r.stderr)
		}
	}
	if _, ok := bySHA[testMessages()[1].sha256()]; !ok || bySHA[testMessages()[1].sha256()].Subject != "Grüße aus Köln" {
		t.Errorf("the non-ASCII subject did not come back decoded")
	}

	r = runBinary(t, bin, home, "--db", db, "search", "Zauberwort")
	if r.code != exitOK || !strings.Contains(string(r.stdout), "Grüße aus Köln") || !strings.Contains(string(r.stdout), "[Zauberwort]") {
		t.Errorf("search Zauberwort: %s", r)
	}

	out := filepath.Join(dir, "export")
	r = runBinary(t, bin, home, "--db", db, "export", "", "--out", out, "--format", "eml")
	if r.code != exitOK || !strings.HasPrefix(string(r.stdout), "Exported 8 messages as .eml files into the folder "+out) {
		t.Fatalf("export: %s", r)
	}
	var exported []string
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		exported = append(exported, hex.EncodeToString(sum[:]))
	}
	var stored []string
	for sha := range bySHA {
		stored = append(stored, sha)
	}
	slices.Sort(exported)
	slices.Sort(stored)
	if !slices.Equal(exported, stored) {
		t.Errorf("exported files' sha256 %q\ndiffer from the archive's %q", exported, stored)
	}

	mboxOut := filepath.Join(dir, "all.mbox")
	r = runBinary(t, bin, home, "--db", db, "export", "", "--out", mboxOut)
	if r.code != exitOK || string(r.stdout) != "Exported 8 messages to the mbox file "+mboxOut+"\n" {
		t.Errorf("export mbox: %s", r)
	}

	r = runBinary(t, bin, home, "--db", db, "verify")
	if r.code != exitOK || string(r.stdout) != "All 8 messages verified\n" {
		t.Errorf("verify: %s", r)
	}
}
