package app

import (
	"slices"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/archive"
)

func TestMailboxList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"sales@contoso.com", []string{"sales@contoso.com"}},
		{"a@x.com\nb@x.com\r\n\n  c@x.com  ", []string{"a@x.com", "b@x.com", "c@x.com"}},
		{"a@x.com, b@x.com; <c@x.com>", []string{"a@x.com", "b@x.com", "c@x.com"}},
		{"a@x.com\nA@X.com\na@x.com", []string{"a@x.com"}},
	}
	for _, tt := range tests {
		if got := mailboxList(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("mailboxList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckMailboxAddress(t *testing.T) {
	for _, ok := range []string{"sales@contoso.com", "a.b+c@sub.example.org"} {
		if p := checkMailboxAddress(ok); p != "" {
			t.Errorf("%s: %s", ok, p)
		}
	}
	for _, bad := range []string{"sales", "@contoso.com", "sales@", "sales@localhost"} {
		if p := checkMailboxAddress(bad); p == "" {
			t.Errorf("%s passes as a mailbox address", bad)
		}
	}
}

func TestNameAccounts(t *testing.T) {
	existing := []archive.Account{
		{Name: "sales@contoso.com", User: "sales@contoso.com", Host: "outlook.office365.com", Protocol: archive.IMAP},
		{Name: "info@contoso.com", User: "info@contoso.com", Host: "imap.other.example", Protocol: archive.IMAP},
	}
	tests := []struct {
		name  string
		draft []archive.Account
		want  []string
	}{
		{"address", []archive.Account{{User: "Support@Contoso.com", Host: "outlook.office365.com", Protocol: archive.IMAP}},
			[]string{"support@contoso.com"}},
		{"same mailbox and server: the existing account is updated",
			[]archive.Account{{User: "SALES@contoso.com", Host: "outlook.office365.com", Protocol: archive.IMAP}},
			[]string{"sales@contoso.com"}},
		{"same address on another server: a new name",
			[]archive.Account{{User: "info@contoso.com", Host: "outlook.office365.com", Protocol: archive.IMAP}},
			[]string{"info@contoso.com-2"}},
		{"same address twice in one draft",
			[]archive.Account{{User: "x@contoso.com", Host: "a"}, {User: "x@contoso.com", Host: "b"}},
			[]string{"x@contoso.com", "x@contoso.com-2"}},
		{"a user name that is not an address gets the server",
			[]archive.Account{{User: "alice", Host: "Mail.Example.com"}},
			[]string{"alice@mail.example.com"}},
		{"an edited account keeps its name",
			[]archive.Account{{Name: "kept", User: "sales@contoso.com", Host: "outlook.office365.com", Protocol: archive.IMAP}},
			[]string{"kept"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nameAccounts(tt.draft, existing)
			var got []string
			for _, a := range tt.draft {
				got = append(got, a.Name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("names %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDefaultEvery(t *testing.T) {
	tests := map[string]time.Duration{
		"": time.Hour, "30m": 30 * time.Minute, "0": 0, "2h0m0s": 2 * time.Hour,
		"10s": time.Hour, "soon": time.Hour, "-1h": time.Hour,
	}
	for pref, want := range tests {
		if got := defaultEvery(pref); got != want {
			t.Errorf("defaultEvery(%q) = %s, want %s", pref, got, want)
		}
	}
}
