package main

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// parseJSONLines reads --json output: one object a line, nothing else.
func parseJSONLines(t *testing.T, out string) []jsonMessage {
	t.Helper()
	var msgs []jsonMessage
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" && out == "" {
			break
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &raw); err != nil {
			t.Fatalf("line %d is not one JSON object: %v\n%s", i+1, err, line)
		}
		for _, k := range []string{"id", "sha256", "date", "from", "to", "cc", "subject", "folders", "size", "has_attachment", "snippet"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("line %d lacks %q: %s", i+1, k, line)
			}
		}
		var m jsonMessage
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	return msgs
}

func TestSearchJSON(t *testing.T) {
	db, fixtures, ids := seedArchive(t)
	r := cliWithDB(db).run(t, "search", "", "--json")
	if r.code != exitOK {
		t.Fatalf("%s", r)
	}
	if r.stderr.String() != "" {
		t.Errorf("stderr: %q", r.stderr.String())
	}
	got := parseJSONLines(t, r.stdout.String())
	if len(got) != len(fixtures) {
		t.Fatalf("%d results for '', want all %d\n%s", len(got), len(fixtures), r)
	}
	byID := map[int64]jsonMessage{}
	for i, m := range got {
		byID[m.ID] = m
		if i > 0 && *got[i-1].Date < *m.Date {
			t.Errorf("results not newest first: %s before %s", *got[i-1].Date, *m.Date)
		}
	}
	for i, f := range fixtures {
		m, ok := byID[ids[i]]
		if !ok {
			t.Errorf("%s (id %d) not found", f.name, ids[i])
			continue
		}
		if m.SHA256 != f.sha256() {
			t.Errorf("%s: sha256 %s, want %s", f.name, m.SHA256, f.sha256())
		}
		if m.Size != int64(len(f.raw)) {
			t.Errorf("%s: size %d, want %d", f.name, m.Size, len(f.raw))
		}
		if m.Subject != f.subject {
			t.Errorf("%s: subject %q, want %q", f.name, m.Subject, f.subject)
		}
		if !strings.Contains(m.From, f.from) {
			t.Errorf("%s: from %q, want it to contain %q", f.name, m.From, f.from)
		}
		if m.Date == nil {
			t.Errorf("%s: no date", f.name)
		} else if d, err := time.Parse(time.RFC3339, *m.Date); err != nil || !d.Equal(f.date) {
			t.Errorf("%s: date %q (%v), want %s", f.name, *m.Date, err, f.date.Format(time.RFC3339))
		}
		if m.HasAttachment != f.hasAttachment {
			t.Errorf("%s: has_attachment %v, want %v", f.name, m.HasAttachment, f.hasAttachment)
		}
		wantFolders := []string{"shared@contoso.com/INBOX"}
		if i == 0 {
			wantFolders = append(wantFolders, "shared@contoso.com/Archive/2024")
		}
		slices.Sort(wantFolders)
		if !slices.Equal(slices.Sorted(slices.Values(m.Folders)), wantFolders) {
			t.Errorf("%s: folders %q, want %q", f.name, m.Folders, wantFolders)
		}
	}
	if cc := byID[ids[1]].Cc; !strings.Contains(cc, "carol@example.com") {
		t.Errorf("cc = %q, want carol@example.com", cc)
	}
}

func TestSearchHuman(t *testing.T) {
	db, fixtures, ids := seedArchive(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // each contained
		stderr string   // contained
		lines  int      // hit lines (not snippets) in stdout; -1: don't count
	}{
		{
			name:   "non-ASCII hit with highlight",
			args:   []string{"search", "Zauberwort"},
			stdout: []string{strconv.FormatInt(ids[1], 10) + "  2024-04-10 07:05  ", "Grüße aus Köln", "[Zauberwort]"},
			lines:  1,
		},
		{
			name:   "several words without quotes",
			args:   []string{"search", "from:alice", "budget"},
			stdout: []string{"Quarterly report", "[budget]"},
			lines:  1,
		},
		{name: "all", args: []string{"search", ""}, lines: len(fixtures)},
		{
			name:   "limit says there is more",
			args:   []string{"search", "", "--limit", "2"},
			lines:  2,
			stderr: "Showing the newest 2 of 5 matches; use --limit 0 to see all.",
		},
		{name: "no match", args: []string{"search", "nonexistentword"}, lines: 0, stderr: "No messages match."},
		{name: "bad query is a usage error", args: []string{"search", "before:yesterday"}, code: exitUsage, lines: 0, stderr: "is not a date"},
		{name: "unknown field is a usage error", args: []string{"search", "sender:bob"}, code: exitUsage, lines: 0, stderr: `there is no search field "sender:"`},
		{name: "bad query with --json", args: []string{"search", "has:pictures", "--json"}, code: exitUsage, lines: 0, stderr: "has:pictures is not known"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cliWithDB(db).run(t, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tt.code, r)
			}
			out := r.stdout.String()
			for _, want := range tt.stdout {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q\n%s", want, r)
				}
			}
			if !strings.Contains(r.stderr.String(), tt.stderr) {
				t.Errorf("stderr lacks %q\n%s", tt.stderr, r)
			}
			hits := 0
			for _, line := range strings.Split(out, "\n") {
				if line != "" && !strings.HasPrefix(line, " ") {
					hits++
				}
			}
			if hits != tt.lines {
				t.Errorf("%d hit lines, want %d\n%s", hits, tt.lines, r)
			}
			if strings.Contains(out, "\x1b") {
				t.Errorf("escape codes in output that is not a terminal: %q", out)
			}
		})
	}
}

func TestSearchTerminal(t *testing.T) {
	db, _, _ := seedArchive(t)
	c := cliWithDB(db)
	c.terminal = true
	r := c.run(t, "search", "Zauberwort")
	if r.code != exitOK {
		t.Fatalf("%s", r)
	}
	if !strings.Contains(r.stdout.String(), "\x1b[1mZauberwort\x1b[0m") {
		t.Errorf("the match is not bold on a terminal:\n%q", r.stdout.String())
	}
	for _, line := range strings.Split(strings.TrimSuffix(r.stdout.String(), "\n"), "\n") {
		plain := strings.NewReplacer("\x1b[1m", "", "\x1b[0m", "").Replace(line)
		if w := cellWidth(plain); w > 80 {
			t.Errorf("line is %d columns on an 80-column terminal: %q", w, line)
		}
	}
}

func TestSearchJSONLimit(t *testing.T) {
	db, _, _ := seedArchive(t)
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"search", "", "--json"}, 5},
		{[]string{"search", "", "--json", "--limit", "3"}, 3},
		{[]string{"search", "", "--json", "-n", "0"}, 5},
		{[]string{"search", "nonexistentword", "--json"}, 0},
	} {
		r := cliWithDB(db).run(t, tt.args...)
		if r.code != exitOK {
			t.Fatalf("%q: %s", tt.args, r)
		}
		if got := len(parseJSONLines(t, r.stdout.String())); got != tt.want {
			t.Errorf("%q: %d lines, want %d\n%s", tt.args, got, tt.want, r)
		}
	}
}

func TestSearchExcludeNeedsDoubleDash(t *testing.T) {
	db, fixtures, _ := seedArchive(t)
	r := cliWithDB(db).run(t, "search", "--json", "--", "-pizza")
	if r.code != exitOK || len(parseJSONLines(t, r.stdout.String())) != len(fixtures)-1 {
		t.Errorf("search -- -pizza: %s", r)
	}
	r = cliWithDB(db).run(t, "search", "-pizza")
	if r.code != exitUsage {
		t.Errorf("search -pizza without --: %s", r)
	}
}

func TestSearchInterrupted(t *testing.T) {
	db, _, _ := seedArchive(t)
	c := cliWithDB(db)
	c.interrupted = true
	r := c.run(t, "search", "")
	if r.code != exitFailed || !strings.HasPrefix(r.stderr.String(), "mailkeep-cli: interrupted.") {
		t.Errorf("%s", r)
	}
}
