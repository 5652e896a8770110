package app

import (
	"testing"
	"time"
)

func TestSetFilter(t *testing.T) {
	cases := []struct {
		q, field, value, want string
	}{
		{"", "account", "shared@contoso.com", "account:shared@contoso.com"},
		{"invoice", "has", "attachment", "invoice has:attachment"},
		{"invoice has:attachment müller", "has", "", "invoice müller"},
		{"invoice account:a  from:x", "account", "b", "invoice from:x account:b"},
		{`"account:x y" account:a`, "account", "", `"account:x y"`},
		{`(account:a OR b) c`, "account", "z", `(account:a OR b) c account:z`},
		{"Account:A x", "account", "", "x"},
		{"x", "account", "Shared Box", `x account:"Shared Box"`},
		{"after:2020-01-01 x", "after", "2021-02-03", "x after:2021-02-03"},
		{"-account:a x", "account", "b", "-account:a x account:b"},
	}
	for _, c := range cases {
		if got := setFilter(c.q, c.field, c.value); got != c.want {
			t.Errorf("setFilter(%q, %s, %q) = %q, want %q", c.q, c.field, c.value, got, c.want)
		}
		if c.value != "" {
			if v, ok := filterValue(setFilter(c.q, c.field, c.value), c.field); !ok || v != c.value {
				t.Errorf("filterValue after setFilter(%q, %s, %q) = %q, %v", c.q, c.field, c.value, v, ok)
			}
		}
	}
}

func TestQueryTerms(t *testing.T) {
	cases := map[string][]string{
		"":                          nil,
		"  a   b ":                  {"a", "b"},
		`from:"anna m" (x OR y) -z`: {`from:"anna m"`, "(x OR y)", "-z"},
		`"unclosed phrase`:          {`"unclosed phrase`},
		`a) b`:                      {"a)", "b"},
	}
	for q, want := range cases {
		var got []string
		for _, term := range queryTerms(q) {
			got = append(got, term.text)
			if q[term.start:term.end] != term.text {
				t.Errorf("queryTerms(%q): %q is not at %d:%d", q, term.text, term.start, term.end)
			}
		}
		if len(got) != len(want) {
			t.Errorf("queryTerms(%q) = %q, want %q", q, got, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("queryTerms(%q) = %q, want %q", q, got, want)
				break
			}
		}
	}
}

func TestFilterDays(t *testing.T) {
	until, ok := parseFilterDay("2023/3/31")
	if !ok || until != time.Date(2023, 3, 31, 0, 0, 0, 0, time.UTC) {
		t.Fatalf("parseFilterDay: %v %v", until, ok)
	}
	if got := untilToBefore(until); got != "2023-04-01" {
		t.Errorf("untilToBefore = %s", got)
	}
	if got := beforeToUntil("2023-03-01"); got != "2023-02-28" {
		t.Errorf("beforeToUntil = %s", got)
	}
	if _, ok := parseFilterDay("March"); ok {
		t.Error("parseFilterDay took March")
	}
	if !hasAttachmentFilter("x has:attachments") || hasAttachmentFilter("x -has:attachment") {
		t.Error("hasAttachmentFilter")
	}
}
