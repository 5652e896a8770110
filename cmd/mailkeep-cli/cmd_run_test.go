package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailkeep/mailkeep/archive"
)

func TestConnectionsFlag(t *testing.T) {
	cli := cliWithDB(filepath.Join(t.TempDir(), "archive.mailkeep"))
	for _, args := range [][]string{
		{"run", "--connections", "0"},
		{"run", "--connections", "11"},
		{"daemon", "--connections", "-1"},
	} {
		r := cli.run(t, args...)
		if r.code != exitUsage || !strings.Contains(r.stderr.String(), "--connections must be from 1 to 10") {
			t.Errorf("%q: %s; want a usage error that says the range", args, r)
		}
	}
	// A good value passes the check and reaches the command's own work.
	if r := cli.run(t, "run", "--connections", "3"); r.code != exitFailed || strings.Contains(r.stderr.String(), "--connections") {
		t.Errorf("run --connections 3 without an archive: %s; want the missing archive reported", r)
	}
}

// TestRunProgressOverParallelFolders: the bar adds up the folders begun so
// far and names those being archived, several at once.
func TestRunProgressOverParallelFolders(t *testing.T) {
	p := newRunProgress(nil)
	ev := func(kind archive.EventKind, folder string, done, total int) archive.Event {
		return archive.Event{Kind: kind, Account: "sales", Folder: folder, Done: done, Total: total}
	}
	for _, c := range []struct {
		ev   archive.Event
		want string
	}{
		{ev(archive.EventFolder, "INBOX", 0, 100), "sales: INBOX 0/100"},
		{ev(archive.EventFolder, "Sent Items", 0, 20), "sales: INBOX, Sent Items 0/120"},
		{ev(archive.EventProgress, "Sent Items", 20, 20), "sales: INBOX 20/120"},
		{ev(archive.EventProgress, "INBOX", 50, 100), "sales: INBOX 70/120"},
		{ev(archive.EventFolder, "Archive", 0, 0), "sales: INBOX 70/120"},
		{ev(archive.EventProgress, "INBOX", 100, 100), "sales 120/120"},
	} {
		label, done, total := p.update(c.ev)
		if got := fmt.Sprintf("%s %d/%d", label, done, total); got != c.want {
			t.Errorf("after %+v: %q, want %q", c.ev, got, c.want)
		}
	}
	p.event(ev(archive.EventProgress, "INBOX", 100, 100)) // no bar (not a terminal): nothing to draw, no panic
}

func TestFolderLine(t *testing.T) {
	for _, c := range []struct {
		f    archive.FolderReport
		want string
	}{
		{archive.FolderReport{Folder: "Sent Items", SpecialUse: []string{`\Sent`}, Messages: 3, New: 2, Bytes: 3000},
			`Sent Items (\Sent): 3 messages (2 new, 3.0 kB)`},
		{archive.FolderReport{Folder: "INBOX", Messages: 1, New: 1, Bytes: 10, SetAside: 1},
			`INBOX: 1 message (1 new, 10 B), 1 set aside to try again next run`},
		{archive.FolderReport{Folder: "Gone", Error: "the server would not open it: NO no such folder"},
			`Gone: NOT READ: the server would not open it: NO no such folder`},
	} {
		if got := folderLine(c.f); got != c.want {
			t.Errorf("folderLine(%+v) = %q, want %q", c.f, got, c.want)
		}
	}
}
