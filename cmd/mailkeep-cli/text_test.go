package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/store"
)

func TestOneLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Quarterly report", "Quarterly report"},
		{"  folded\r\n\tsubject  ", "folded subject"},
		{"evil\x1b[2Jclear", "evil [2Jclear"},
		{"bell\a and \u0085 next line", "bell and next line"},
		{"Grüße aus Köln", "Grüße aus Köln"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := oneLine(tt.in); got != tt.want {
			t.Errorf("oneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTruncateCells(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"a bit too long", 10, "a bit too…"},
		{"日本語のメール", 6, "日本…"}, // two columns each
		{"Grüße", 4, "Grü…"},
		{"x", 0, ""},
	}
	for _, tt := range tests {
		got := truncateCells(tt.in, tt.width)
		if got != tt.want {
			t.Errorf("truncateCells(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
		if cellWidth(got) > tt.width {
			t.Errorf("truncateCells(%q, %d) is %d columns wide", tt.in, tt.width, cellWidth(got))
		}
	}
}

func TestLocalDate(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	d := time.Date(2024, 3, 5, 13, 22, 0, 0, time.UTC)
	if got, want := localDate(d, berlin), "2024-03-05 14:22"; got != want {
		t.Errorf("localDate = %q, want %q", got, want)
	}
	if got := localDate(time.Time{}, berlin); len(got) != len("2024-03-05 14:22") || !strings.Contains(got, "no date") {
		t.Errorf("localDate(zero) = %q", got)
	}
}

func testResult() store.Result {
	return store.Result{
		Message: store.Message{
			ID:      1234,
			Date:    time.Date(2024, 3, 5, 13, 22, 0, 0, time.UTC),
			From:    "Jürgen Müller <juergen@example.de>",
			Subject: "Grüße aus Köln\r\n\x1b[31m and a very long subject that goes on and on until it no longer fits on one line",
		},
		Snippet: []store.SnippetPart{
			{Text: "…here is the "},
			{Text: "Angebot", Match: true},
			{Text: " you asked for,\nwith the "},
			{Text: "prices", Match: true},
			{Text: " for 2024 and a lot of text after it that will not fit into eighty columns at all…"},
		},
	}
}

func TestHitPrinter(t *testing.T) {
	tests := []struct {
		name     string
		terminal bool
		want     []string // lines, exactly
	}{
		{
			name: "pipe: whole lines, matches in brackets",
			want: []string{
				"1234  2024-03-05 13:22  Jürgen Müller <juergen@example.de>  Grüße aus Köln [31m and a very long subject that goes on and on until it no longer fits on one line",
				"      …here is the [Angebot] you asked for, with the [prices] for 2024 and a lot of text after it that will not fit into eighty columns at all…",
			},
		},
		{
			name:     "terminal: cut to 80 columns, matches in bold",
			terminal: true,
			want: []string{
				"1234  2024-03-05 13:22  Jürgen Müller <juergen@exam…  Grüße aus Köln [31m and a…",
				"      …here is the \x1b[1mAngebot\x1b[0m you asked for, with the \x1b[1mprices\x1b[0m for 2024 and a lot of…",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			a := &app{env: env{
				isTerminal: func(io.Writer) bool { return tt.terminal },
				termWidth:  func(io.Writer) int { return 80 },
				location:   time.UTC,
			}}
			r := testResult()
			p := a.newHitPrinter(&out, []store.Result{r})
			if err := p.print(r); err != nil {
				t.Fatal(err)
			}
			got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if len(got) != len(tt.want) {
				t.Fatalf("printed %d lines, want %d:\n%s", len(got), len(tt.want), out.String())
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("line %d:\n got %q\nwant %q", i+1, got[i], tt.want[i])
				}
				if plain := strings.NewReplacer("\x1b[1m", "", "\x1b[0m", "").Replace(got[i]); tt.terminal && cellWidth(plain) > 80 {
					t.Errorf("line %d is %d columns wide on an 80-column terminal", i+1, cellWidth(plain))
				}
			}
		})
	}
}

func TestHitPrinterNoSubjectNoSnippet(t *testing.T) {
	var out bytes.Buffer
	a := &app{env: env{isTerminal: func(io.Writer) bool { return false }, location: time.UTC}}
	rs := []store.Result{{Message: store.Message{ID: 7, From: "a@example.com"}}, {Message: store.Message{ID: 10007}}}
	p := a.newHitPrinter(&out, rs)
	for _, r := range rs {
		p.print(r)
	}
	want := "    7  (no date)         a@example.com                 (no subject)\n" +
		"10007  (no date)                                       (no subject)\n"
	if out.String() != want {
		t.Errorf("got\n%q\nwant\n%q", out.String(), want)
	}
}
