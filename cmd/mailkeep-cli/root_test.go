package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailkeep/mailkeep/store"
)

// These cases need no working archive: they check what is decided before the
// store is asked anything, or what the store's Open already does.
func TestExitStatusAndErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.mailkeep")
	notArchive := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notArchive, []byte("shopping list\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string // contained in stdout
		stderr     string // contained in stderr
		noDBCreate bool   // the archive file must not appear
	}{
		{name: "no command", args: nil, code: exitUsage, stderr: "mailkeep-cli: no command given"},
		{name: "only a global flag", args: []string{"--db", missing}, code: exitUsage, stderr: "no command given"},
		{name: "help", args: []string{"--help"}, code: exitOK, stdout: "Exit status: 0 done, 1 failed, 2"},
		{name: "help command", args: []string{"help", "search"}, code: exitOK, stdout: "has:attachment"},
		{name: "unknown command", args: []string{"serch", "x"}, code: exitUsage, stderr: `unknown command "serch"`},
		{name: "unknown flag", args: []string{"search", "--colour", "x"}, code: exitUsage, stderr: "unknown flag: --colour"},
		{name: "unknown global flag", args: []string{"--dbase", "x", "stats"}, code: exitUsage, stderr: "unknown flag: --dbase"},
		{name: "search without query", args: []string{"search"}, code: exitUsage, stderr: "search needs a query; use '' to match every message"},
		{name: "search limit not a number", args: []string{"search", "--limit", "many", "x"}, code: exitUsage, stderr: `invalid argument "many"`},
		{name: "search negative limit", args: []string{"search", "--limit", "-1", "x"}, code: exitUsage, stderr: "--limit must be 0 (all) or more", noDBCreate: true},
		{name: "export without --out", args: []string{"export", "x"}, code: exitUsage, stderr: `required flag(s) "out" not set`},
		{name: "export without query", args: []string{"export", "--out", "x.mbox"}, code: exitUsage, stderr: "export needs a query"},
		{name: "export bad format", args: []string{"export", "x", "--out", "x.pdf", "--format", "pdf"}, code: exitUsage, stderr: `--format must be mbox or eml, not "pdf"`, noDBCreate: true},
		{name: "show without id", args: []string{"show"}, code: exitUsage, stderr: "show needs exactly one message id"},
		{name: "show two ids", args: []string{"show", "1", "2"}, code: exitUsage, stderr: "show needs exactly one message id"},
		{name: "show word", args: []string{"show", "invoice"}, code: exitUsage, stderr: `"invoice" is not a message id`, noDBCreate: true},
		{name: "show zero", args: []string{"show", "0"}, code: exitUsage, stderr: `"0" is not a message id`},
		{name: "import nothing", args: []string{"import"}, code: exitUsage, stderr: "import needs at least one file or folder"},
		{name: "verify with argument", args: []string{"verify", "now"}, code: exitUsage, stderr: `unknown command "now"`},
		{name: "stats with argument", args: []string{"stats", "all"}, code: exitUsage, stderr: `unknown command "all"`},
		{name: "usage error says where help is", args: []string{"search", "--limit", "-1", "x"}, code: exitUsage, stderr: "Run 'mailkeep-cli search --help'"},

		{name: "search on missing archive", args: []string{"search", "x"}, code: exitFailed, stderr: "mailkeep-cli: there is no archive file at " + missing, noDBCreate: true},
		{name: "show on missing archive", args: []string{"show", "1"}, code: exitFailed, stderr: "there is no archive file at", noDBCreate: true},
		{name: "export on missing archive", args: []string{"export", "", "--out", filepath.Join(dir, "o.mbox")}, code: exitFailed, stderr: "there is no archive file at", noDBCreate: true},
		{name: "verify on missing archive", args: []string{"verify"}, code: exitFailed, stderr: "Import messages first", noDBCreate: true},
		{name: "stats on missing archive", args: []string{"stats"}, code: exitFailed, stderr: "there is no archive file at", noDBCreate: true},
		{name: "import missing file", args: []string{"import", filepath.Join(dir, "nope.mbox")}, code: exitFailed, stderr: "nope.mbox does not exist; check the path (nothing was imported)", noDBCreate: true},
		{name: "not an archive", args: []string{"--db", notArchive, "stats"}, code: exitFailed, stderr: "notes.txt is not a Mailkeep archive: it is not an SQLite database. Nothing was changed"},
		{name: "--db wins over MAILKEEP_DB", args: []string{"--db", filepath.Join(dir, "other.mailkeep"), "stats"}, code: exitFailed, stderr: "there is no archive file at " + filepath.Join(dir, "other.mailkeep")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cliWithDB(missing).run(t, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit status %d, want %d\n%s", r.code, tt.code, r)
			}
			if !strings.Contains(r.stdout.String(), tt.stdout) {
				t.Errorf("stdout does not contain %q\n%s", tt.stdout, r)
			}
			if !strings.Contains(r.stderr.String(), tt.stderr) {
				t.Errorf("stderr does not contain %q\n%s", tt.stderr, r)
			}
			if tt.code != exitOK && !strings.HasPrefix(r.stderr.String(), "mailkeep-cli: ") && !strings.Contains(r.stderr.String(), "\nmailkeep-cli: ") {
				t.Errorf("the error is not printed as 'mailkeep-cli: <message>'\n%s", r)
			}
			if tt.noDBCreate {
				if _, err := os.Stat(missing); err == nil {
					t.Errorf("%s was created", missing)
				}
			}
			os.Remove(missing)
		})
	}
}

// The notArchive file must come out of a refused open unchanged.
func TestNotArchiveLeftAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	want := []byte("shopping list\n")
	if err := os.WriteFile(path, want, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--db", path, "import", path}, {"--db", path, "search", ""}} {
		r := testCLI{}.run(t, args...)
		if r.code != exitFailed {
			t.Errorf("%q: exit %d, want %d\n%s", args, r.code, exitFailed, r)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != string(want) {
		t.Errorf("the file changed to %q (%v)", got, err)
	}
}

// Every command's help must be readable by an office admin: what it does and an example.
func TestHelpHasExamples(t *testing.T) {
	for _, name := range []string{"import", "search", "show", "export", "verify", "stats"} {
		t.Run(name, func(t *testing.T) {
			r := testCLI{}.run(t, name, "--help")
			if r.code != exitOK {
				t.Fatalf("exit %d\n%s", r.code, r)
			}
			out := r.stdout.String()
			for _, want := range []string{"Usage:", "Examples:", "  mailkeep-cli " + name, "--db"} {
				if !strings.Contains(out, want) {
					t.Errorf("help lacks %q:\n%s", want, out)
				}
			}
			if r.stderr.String() != "" {
				t.Errorf("help wrote to stderr: %q", r.stderr.String())
			}
		})
	}
}

// The default archive file follows the platform's per-user data folder, and
// the help says where it is.
func TestDefaultArchiveInHelpAndErrors(t *testing.T) {
	data := t.TempDir()
	vars := map[string]string{"XDG_DATA_HOME": data, "HOME": data, "LOCALAPPDATA": data}
	want, err := store.DefaultPath(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(want, data) {
		t.Fatalf("default archive %s is not under the data folder %s", want, data)
	}
	r := testCLI{vars: vars}.run(t, "--help")
	if !strings.Contains(r.stdout.String(), want) {
		t.Errorf("--help does not name the default archive %s:\n%s", want, r.stdout)
	}
	r = testCLI{vars: vars}.run(t, "stats")
	if r.code != exitFailed || !strings.Contains(r.stderr.String(), "there is no archive file at "+want) {
		t.Errorf("stats without --db did not look at %s\n%s", want, r)
	}
}

func TestVerboseLogsToStderr(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.mailkeep")
	r := testCLI{}.run(t, "-v", "--db", db, "import", t.TempDir())
	if !strings.Contains(r.stderr.String(), "level=DEBUG") || !strings.Contains(r.stderr.String(), db) {
		t.Errorf("--verbose did not log the archive opened\n%s", r)
	}
	if strings.Contains(r.stdout.String(), "level=") {
		t.Errorf("the debug log went to stdout\n%s", r)
	}
}
