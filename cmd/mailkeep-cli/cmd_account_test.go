package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestAccountAddListShowRemove(t *testing.T) {
	db := filepath.Join(t.TempDir(), "archive.mailkeep")
	cli := cliWithDB(db)
	entra := []string{"account", "add", "sales", "--protocol", "imap", "--host", "outlook.office365.com",
		"--user", "sales@contoso.com", "--auth", "entra", "--tenant", "contoso.onmicrosoft.com",
		"--client-id", "0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00", "--secret-env", "SALES_SECRET", "--every", "1h",
		"--exclude", "Files,Junk*"}
	if r := cli.run(t, entra...); r.code != exitOK || !strings.Contains(r.stdout.String(), "Added account sales: imap for sales@contoso.com at outlook.office365.com:993") ||
		!strings.Contains(r.stdout.String(), "environment variable SALES_SECRET") {
		t.Fatalf("add: %s", r)
	}
	if r := cli.run(t, entra...); r.code != exitFailed || !strings.Contains(r.stderr.String(), "already exists") {
		t.Errorf("adding the same name again: %s", r)
	}
	pop := []string{"account", "add", "home", "--protocol", "pop3", "--host", "pop.example.com", "--security", "starttls",
		"--user", "me@example.com", "--auth", "password", "--secret-env", "HOME_PW", "--delete-after-archive"}
	if r := cli.run(t, pop...); r.code != exitOK || !strings.Contains(r.stdout.String(), "pop.example.com:110") {
		t.Fatalf("add pop3: %s", r)
	}

	r := cli.run(t, "account", "list")
	if r.code != exitOK || !strings.Contains(r.stdout.String(), "home") || !strings.Contains(r.stdout.String(), "sales@contoso.com") ||
		strings.Count(r.stdout.String(), "never") != 2 {
		t.Errorf("list: %s", r)
	}
	r = cli.run(t, "account", "show", "sales")
	for _, want := range []string{"Tenant:", "contoso.onmicrosoft.com", "every 1h0m0s", "Files, Junk*", "environment variable SALES_SECRET", "No runs yet."} {
		if !strings.Contains(r.stdout.String(), want) {
			t.Errorf("show lacks %q: %s", want, r)
		}
	}
	if r := cli.run(t, "account", "show", "nobody"); r.code != exitFailed || !strings.Contains(r.stderr.String(), "no account named") {
		t.Errorf("show of a missing account: %s", r)
	}
	if r := cli.run(t, "account", "remove", "home"); r.code != exitOK || !strings.Contains(r.stdout.String(), "stays in the archive") {
		t.Errorf("remove: %s", r)
	}
	if r := cli.run(t, "account", "list"); strings.Contains(r.stdout.String(), "home") {
		t.Errorf("list after remove: %s", r)
	}
	// A run whose secret is not in the environment fails, and says which variable.
	if r := cli.run(t, "run", "sales"); r.code != exitFailed || !strings.Contains(r.stdout.String(), "sales: FAILED") ||
		!strings.Contains(r.stdout.String(), "SALES_SECRET") {
		t.Errorf("run without the secret: %s", r)
	}
	if r := cli.run(t, "account", "show", "sales"); !strings.Contains(r.stdout.String(), "failed") {
		t.Errorf("show after a failed run lists no failed run: %s", r)
	}
}

func TestAccountAddUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "archive.mailkeep")
	cli := cliWithDB(db)
	base := []string{"account", "add", "x", "--protocol", "imap", "--host", "mail.example.com", "--user", "x@example.com"}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no auth", append(base, "--secret-env", "X"), "--auth"},
		{"no secret", append(base, "--auth", "password"), "--secret-stdin"},
		{"two secrets", append(base, "--auth", "password", "--secret-env", "X", "--secret-stdin"), "not both"},
		{"plaintext password", append(base, "--auth", "password", "--secret-env", "X", "--security", "none"), "unencrypted"},
		{"entra without tenant", append(base, "--auth", "entra", "--secret-env", "X"), "--tenant"},
		{"unknown protocol", []string{"account", "add", "x", "--protocol", "smtp", "--host", "h", "--user", "u", "--auth", "password", "--secret-env", "X"}, "imap or pop3"},
		{"delete with imap", append(base, "--auth", "password", "--secret-env", "X", "--delete-after-archive"), "POP3 accounts only"},
		{"schedule too short", append(base, "--auth", "password", "--secret-env", "X", "--every", "5s"), "shorter than"},
		{"bad variable", append(base, "--auth", "password", "--secret-env", "1-X"), "not an environment variable"},
		{"no name", []string{"account", "add"}, "one NAME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli.run(t, tt.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr.String(), tt.want) {
				t.Errorf("got %s\nwant exit 2 mentioning %q", r, tt.want)
			}
		})
	}
	// Allowed explicitly, security none with a password is accepted.
	r := cli.run(t, append(base, "--auth", "password", "--secret-env", "X", "--security", "none", "--allow-plaintext-password")...)
	if r.code != exitOK {
		t.Errorf("security none, allowed explicitly: %s", r)
	}
	// An empty standard input is no secret (checked before any keyring is asked).
	r = cli.run(t, "account", "add", "y", "--protocol", "imap", "--host", "mail.example.com", "--user", "y@example.com", "--auth", "password", "--secret-stdin")
	if r.code != exitFailed || !strings.Contains(r.stderr.String(), "no secret") {
		t.Errorf("empty stdin: %s", r)
	}
}
