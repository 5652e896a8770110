package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		query string
		want  string // the tree's String(); "" for nil (matches everything)
	}{
		{``, ``},
		{`   `, ``},
		{`invoice`, `any:"invoice"`},
		{`Invoice  March`, `(and any:"Invoice" any:"March")`},
		{`"quarterly report"`, `any:"quarterly report"`},
		{`inv*`, `any:"inv"*`},
		{`"two words*"`, `any:"two words"*`},
		{`e-mail`, `any:"e-mail"`},
		{`from:anna@example.com`, `from:"anna@example.com"`},
		{`From:anna`, `from:"anna"`},
		{`to:bob cc:carl`, `(and to:"bob" cc:"carl")`},
		{`subject:"two words"`, `subject:"two words"`},
		{`subject:(two words)`, `(and subject:"two" subject:"words")`},
		{`subject:(a OR b) c`, `(and (or subject:"a" subject:"b") any:"c")`},
		{`filename:pdf`, `filename:"pdf"`},
		{`filename:inv*`, `filename:"inv"*`},
		{`filename:*.pdf`, `(and filename:".pdf" filename-glob:"*.pdf")`},
		{`folder:INBOX`, `folder:"INBOX"`},
		{`folder:Archive/*`, `folder:"Archive/*"`},
		{`folder:"Sent Items"`, `folder:"Sent Items"`},
		{`account:shared@contoso.com`, `account:"shared@contoso.com"`},
		{`has:attachment`, `has:attachment`},
		{`has:Attachments`, `has:attachment`},
		{`after:2023-03-01 before:2023-04-01`, `(and after:2023-03-01T00:00:00Z before:2023-04-01T00:00:00Z)`},
		{`before:2023/4/1`, `before:2023-04-01T00:00:00Z`},
		{`after:2023-03`, `after:2023-03-01T00:00:00Z`},
		{`before:2024`, `before:2024-01-01T00:00:00Z`},
		{`-spam`, `(not any:"spam")`},
		{`--spam`, `any:"spam"`},
		{`NOT spam`, `(not any:"spam")`},
		{`-from:anna`, `(not from:"anna")`},
		{`-"a phrase"`, `(not any:"a phrase")`},
		{`-(a OR b)`, `(not (or any:"a" any:"b"))`},
		{`a OR b`, `(or any:"a" any:"b")`},
		{`a b OR c`, `(and any:"a" (or any:"b" any:"c"))`},
		{`a OR b c`, `(and (or any:"a" any:"b") any:"c")`},
		{`a OR b OR c`, `(or any:"a" any:"b" any:"c")`},
		{`(a b) OR c`, `(or (and any:"a" any:"b") any:"c")`},
		{`a AND b OR c`, `(and any:"a" (or any:"b" any:"c"))`},
		{`from:anna OR from:bob invoice`, `(and (or from:"anna" from:"bob") any:"invoice")`},
		{`a or b`, `(and any:"a" any:"or" any:"b")`},
		{`OR`, `any:"OR"`},
		{`a OR`, `(and any:"a" any:"OR")`},
		{`OR a`, `(and any:"OR" any:"a")`},
		{`AND`, `any:"AND"`},
		{`NOT`, `any:"NOT"`},
		{`a - b`, `(and any:"a" any:"b")`},
		{`-`, ``},
		{`- - -`, ``},
		{`...`, ``},
		{`"`, ``},
		{`""`, ``},
		{`"unclosed phrase`, `any:"unclosed phrase"`},
		{`say"what`, `any:"say\"what"`},
		{`(a b`, `(and any:"a" any:"b")`},
		{`a) b`, `(and any:"a" any:"b")`},
		{`()`, ``},
		{`NEAR(a b)`, `(and any:"NEAR" any:"a" any:"b")`},
		{`a* * *b`, `(and any:"a"* any:"b")`},
		{`x:y`, `any:"x:y"`},
		{`10:30`, `any:"10:30"`},
		{`https://example.com/a`, `any:"https://example.com/a"`},
		{"tab\tand\x00nul", `(and any:"tab" any:"and" any:"nul")`},
		{`Müller Straße Привет 東京`, `(and any:"Müller" any:"Straße" any:"Привет" any:"東京")`},
		{`-a OR b`, `(or (not any:"a") any:"b")`},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			n, err := parseQuery(tt.query, time.UTC)
			if err != nil {
				t.Fatalf("parseQuery(%q): %v", tt.query, err)
			}
			got := ""
			if n != nil {
				got = n.String()
			}
			if got != tt.want {
				t.Errorf("parseQuery(%q)\n got %s\nwant %s", tt.query, got, tt.want)
			}
		})
	}
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct {
		query string
		want  []string // parts of the message
	}{
		{`before:2023-13-45`, []string{`before:2023-13-45 is not a date`, `YYYY-MM-DD`}},
		{`after:yesterday`, []string{`after:yesterday is not a date`, `after:2023-03-01`}},
		{`foo:bar`, []string{`no search field "foo:"`, `from: to: cc:`, `"foo:bar"`}},
		{`invoice form:anna`, []string{`no search field "form:"`}},
		{`has:pdf`, []string{`has:attachment`}},
		{`from:`, []string{`from: needs a value`}},
		{`from: anna`, []string{`from: needs a value`}},
		{`before:(2023)`, []string{`one value`}},
		{strings.Repeat("a OR (", 11) + "b", []string{`nest more than 10 deep`}},
		{strings.Repeat("-(", 11) + "b", []string{`nest more than 10 deep`}},
		{strings.Repeat("from:(", 11) + "b", []string{`nest more than 10 deep`}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			n, err := parseQuery(tt.query, time.UTC)
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("parseQuery(%q) = %v, %v; want a *QueryError", tt.query, n, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("parseQuery(%q) error %q does not say %q", tt.query, err, w)
				}
			}
		})
	}
}

func TestParseQueryLocalDay(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	n, err := parseQuery(`after:2023-03-01`, berlin)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := n.(*dateNode)
	if !ok {
		t.Fatalf("got %s, want a date", n)
	}
	if want := time.Date(2023, 2, 28, 23, 0, 0, 0, time.UTC); !d.t.Equal(want) {
		t.Errorf("after:2023-03-01 in UTC+1 starts at %s, want %s", d.t.UTC(), want)
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"inbox", "INBOX", true},
		{"INBOX", "inbox", true},
		{"inbox", "INBOX/Sub", false},
		{"Archive/*", "Archive/2023", true},
		{"Archive/*", "Archive/2023/Q1", true},
		{"Archive/*", "Archive", false},
		{"Archive*", "Archive", true},
		{"*sent*", "Gesendete Elemente", false},
		{"*sent*", "Sent Items", true},
		{"entwürfe", "ENTWÜRFE", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*", "", true},
		{"", "", true},
		{"*.pdf*", "x.pdf.zip", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		// '\' makes the next character stand for itself.
		{`Old\*`, "Old*", true},
		{`Old\*`, "Old stuff", false},
		{`Old\*`, "OLD*", true},
		{`what\?`, "what?", true},
		{`what\?`, "whats", false},
		{`a\\b`, `a\b`, true},
		{`a\\*`, `a\bc`, true},
		{`end\`, `end\`, true},
		{`\x`, "x", true},
	}
	for _, tt := range tests {
		if got := MatchName(tt.pattern, tt.name); got != tt.want {
			t.Errorf("MatchName(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

// A quoted name matches that name and no other, whatever it holds.
func TestQuoteName(t *testing.T) {
	names := []string{"INBOX", "Old*", "Q&A *?", `back\slash`, `*`, `?`, `\`, "Archiv/2023*", "Entwürfe?"}
	for _, name := range names {
		q := QuoteName(name)
		if !MatchName(q, name) {
			t.Errorf("QuoteName(%q) = %q does not match the name", name, q)
		}
		for _, other := range []string{name + "x", "x" + name, name[:len(name)-1], "Old stuff", "Q&A xy"} {
			if other != name && !strings.EqualFold(other, name) && MatchName(q, other) {
				t.Errorf("QuoteName(%q) = %q matches %q too", name, q, other)
			}
		}
	}
}

// folder: takes the same patterns as the settings: a quoted '*' finds the
// folder called so, and only it.
func TestFolderQueryQuoted(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "a.mailkeep"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	raw := func(n string) []byte {
		return []byte("Subject: " + n + "\r\nMessage-ID: <" + n + "@example.com>\r\n\r\nbody " + n + "\r\n")
	}
	if _, err := s.Ingest(ctx, Batch{Messages: []Incoming{
		{Raw: raw("one"), Location: Location{Account: "a", Folder: "Old*", UIDValidity: 1, UID: "1"}},
		{Raw: raw("two"), Location: Location{Account: "a", Folder: "Old stuff", UIDValidity: 1, UID: "2"}},
	}}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{`folder:Old\*`: 1, `folder:"Old\*"`: 1, `folder:` + QuoteName("Old*"): 1, `folder:Old*`: 2} {
		if n, err := s.Count(ctx, q); err != nil || n != want {
			t.Errorf("Count(%q) = %d, %v; want %d", q, n, err, want)
		}
	}
}
