package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailkeep/mailkeep/store"
)

// TestDaemonRefusesToIdle: a daemon with no account, or with no account on a
// schedule, would do nothing; it says so and what to do instead.
func TestDaemonRefusesToIdle(t *testing.T) {
	db := filepath.Join(t.TempDir(), "archive.mailkeep")
	cli := cliWithDB(db)
	if r := cli.run(t, "daemon"); r.code != exitFailed || !strings.Contains(r.stderr.String(), "no archive file") {
		t.Errorf("daemon without an archive: %s", r)
	}
	if r := cli.run(t, "account", "add", "manual", "--protocol", "imap", "--host", "mail.example.com", "--user", "m@example.com",
		"--auth", "password", "--secret-env", "M_PW"); r.code != exitOK {
		t.Fatalf("account add: %s", r)
	}
	if r := cli.run(t, "daemon"); r.code != exitFailed || !strings.Contains(r.stderr.String(), "--every DURATION or --daily HH:MM") {
		t.Errorf("daemon without a schedule: %s", r)
	}
	if r := cli.run(t, "daemon", "extra"); r.code != exitUsage {
		t.Errorf("daemon with an argument: %s", r)
	}
}

// TestAccountDailySchedule: --daily HH:MM is checked, stored and shown with
// the next run; --daily with --every is refused.
func TestAccountDailySchedule(t *testing.T) {
	db := filepath.Join(t.TempDir(), "archive.mailkeep")
	cli := cliWithDB(db)
	add := func(name string, extra ...string) cliRun {
		return cli.run(t, append([]string{"account", "add", name, "--protocol", "imap", "--host", "mail.example.com",
			"--user", name + "@example.com", "--auth", "password", "--secret-env", "PW"}, extra...)...)
	}
	tests := []struct {
		name  string
		extra []string
		code  int
		want  string // in stderr when code != 0, in account show otherwise
	}{
		{"nightly", []string{"--daily", "02:30"}, exitOK, "daily at 02:30"},
		{"hourly", []string{"--every", "1h"}, exitOK, "every 1h0m0s"},
		{"bad time", []string{"--daily", "25:00"}, exitUsage, "24-hour clock"},
		{"both", []string{"--daily", "02:30", "--every", "1h"}, exitUsage, "choose one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := add(tt.name, tt.extra...)
			if r.code != tt.code {
				t.Fatalf("account add %q: %s", tt.extra, r)
			}
			if tt.code != exitOK {
				if !strings.Contains(r.stderr.String(), tt.want) {
					t.Errorf("account add %q says: %s", tt.extra, r)
				}
				return
			}
			r = cli.run(t, "account", "show", tt.name)
			if !strings.Contains(r.stdout.String(), "Schedule:") || !strings.Contains(r.stdout.String(), tt.want) ||
				!strings.Contains(r.stdout.String(), "Next run:") {
				t.Errorf("account show %s: %s", tt.name, r)
			}
		})
	}
	// The nightly run is at 02:30 (the test's time zone is UTC).
	if r := cli.run(t, "account", "show", "nightly"); !strings.Contains(r.stdout.String(), " 02:30 (while mailkeep-cli daemon runs)") {
		t.Errorf("account show nightly: %s", r)
	}
}

// TestWritersTakeTheLock: while another holder has the archive's lock, the
// commands that write fail naming it, and the readers work.
func TestWritersTakeTheLock(t *testing.T) {
	dir := t.TempDir()
	db, _, _ := seedArchive(t)
	emlDir := filepath.Join(dir, "eml")
	if err := os.MkdirAll(emlDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(emlDir, "a.eml"), []byte("Subject: a\r\n\r\nbody\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cli := cliWithDB(db)
	if r := cli.run(t, "account", "add", "sched", "--protocol", "imap", "--host", "mail.example.com", "--user", "s@example.com",
		"--auth", "password", "--secret-env", "S_PW", "--every", "1h"); r.code != exitOK {
		t.Fatalf("account add: %s", r)
	}
	lock, err := store.LockArchive(db)
	if err != nil {
		t.Fatal(err)
	}
	held := fmt.Sprintf("another Mailkeep (pid %d) is using %s; wait for it to finish or stop it", os.Getpid(), db)
	writers := [][]string{
		{"run"},
		{"daemon"},
		{"import", emlDir},
		{"account", "remove", "sched"},
		{"account", "add", "other", "--protocol", "imap", "--host", "mail.example.com", "--user", "o@example.com",
			"--auth", "password", "--secret-env", "O_PW"},
	}
	for _, args := range writers {
		if r := cli.run(t, args...); r.code != exitFailed || !strings.Contains(r.stderr.String(), held) {
			t.Errorf("%q while the archive is locked: %s", args, r)
		}
	}
	readers := [][]string{{"search", ""}, {"show", "1"}, {"stats"}, {"verify"}, {"account", "list"}, {"account", "show", "sched"},
		{"export", "", "--out", filepath.Join(dir, "out.mbox")}}
	for _, args := range readers {
		if r := cli.run(t, args...); r.code != exitOK {
			t.Errorf("%q while the archive is locked: %s", args, r)
		}
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}
	if r := cli.run(t, "import", emlDir); r.code != exitOK {
		t.Errorf("import after the lock was released: %s", r)
	}
}
