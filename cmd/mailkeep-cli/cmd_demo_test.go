package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/archive/demo"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

func TestDemo(t *testing.T) {
	home := t.TempDir()
	real := filepath.Join(t.TempDir(), "real.mailkeep")
	// MAILKEEP_DB names the real archive: the demo must not use it.
	cli := testCLI{vars: map[string]string{"HOME": home, "MAILKEEP_DB": real}}
	demoPath, err := demo.DefaultPath(func(k string) string { return cli.vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	defaultPath, err := store.DefaultPath(func(k string) string { return cli.vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	messages := len(demo.Mailbox())

	r := cli.run(t, "demo")
	if r.code != exitOK {
		t.Fatalf("demo: %s", r)
	}
	out := r.stdout.String()
	first, _, _ := strings.Cut(out, "\n")
	for _, want := range []string{fmt.Sprintf("%d messages (%d new", messages, messages), "from 5 folders", "archived into " + demoPath, "not touched"} {
		if !strings.Contains(first, want) {
			t.Errorf("the summary lacks %q: %s", want, r)
		}
	}
	if r.stderr.String() != "" {
		t.Errorf("demo without a terminal wrote to stderr: %s", r)
	}
	for _, p := range []string{real, defaultPath} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("the demo touched %s (%v)", p, err)
		}
	}

	// The commands it suggests work, and find something.
	for _, s := range demo.SuggestedSearches()[1:3] {
		line := "  mailkeep-cli --db " + shellQuote(demoPath) + " search " + shellQuote(s.Query) + "\n"
		if !strings.Contains(out, line) {
			t.Errorf("demo does not suggest %q: %s", line, r)
		}
		r := cli.run(t, "--db", demoPath, "search", s.Query)
		if r.code != exitOK || strings.TrimSpace(r.stdout.String()) == "" {
			t.Errorf("search %s in the demo archive: %s", s.Query, r)
		}
	}
	if r := cli.run(t, "--db", demoPath, "search", "--json", ""); r.code != exitOK || strings.Count(r.stdout.String(), "\n") != messages {
		t.Errorf("the demo archive does not hold %d messages: %s", messages, r)
	}

	r = cli.run(t, "demo")
	if r.code != exitOK || !strings.Contains(r.stdout.String(), "nothing new") {
		t.Errorf("second demo: %s", r)
	}
}

// TestDemoDB archives into the file --db names, and refuses one with other mail.
func TestDemoDB(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cli := testCLI{vars: map[string]string{"HOME": t.TempDir()}}

	try := filepath.Join(dir, "try.mailkeep")
	if r := cli.run(t, "--db", try, "demo"); r.code != exitOK || !strings.Contains(r.stdout.String(), "archived into "+try) {
		t.Fatalf("demo --db %s: %s", try, r)
	}

	real := filepath.Join(dir, "real.mailkeep")
	s, err := store.Open(ctx, real)
	if err != nil {
		t.Fatal(err)
	}
	acct := archive.Account{Name: "sales", Protocol: archive.IMAP, Host: "imap.example.com", Security: archive.SecurityTLS,
		User: "sales@example.com", Auth: archive.AuthPassword, Secret: auth.SecretRef{Env: "SALES_PASSWORD"}}
	if err := archive.SaveAccount(ctx, s, acct); err != nil {
		t.Fatal(err)
	}
	s.Close()
	r := cli.run(t, "--db", real, "demo")
	if r.code != exitUsage || !strings.Contains(r.stderr.String(), "demo only writes to an archive of its own") {
		t.Errorf("demo into an archive with another account: %s", r)
	}
	if r := cli.run(t, "--db", real, "stats", "--json"); !strings.Contains(r.stdout.String(), `"messages":0`) {
		t.Errorf("the refused demo changed the archive: %s", r)
	}

	if r := (testCLI{vars: map[string]string{}}).run(t, "demo"); r.code != exitUsage || !strings.Contains(r.stderr.String(), "--db PATH") {
		t.Errorf("demo without HOME or --db: %s", r)
	}
	if r := cli.run(t, "demo", "extra"); r.code != exitUsage {
		t.Errorf("demo with an argument: %s", r)
	}
}
