package archive

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

func validIMAP() Account {
	return Account{Name: "sales", Protocol: IMAP, Host: "outlook.office365.com", Security: SecurityTLS,
		User: "sales@contoso.com", Auth: AuthEntra, Tenant: "contoso.onmicrosoft.com",
		ClientID: "0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00", Secret: auth.SecretRef{Keyring: "entra:x/y"}}
}

func TestAccountValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Account)
		field  string // "" : valid
	}{
		{"valid entra", func(a *Account) {}, ""},
		{"valid password pop3", func(a *Account) {
			a.Protocol, a.Auth, a.Tenant, a.ClientID, a.DeleteAfterArchive = POP3, AuthPassword, "", "", true
		}, ""},
		{"no name", func(a *Account) { a.Name = " " }, "name"},
		{"control character in name", func(a *Account) { a.Name = "a\nb" }, "name"},
		{"unknown protocol", func(a *Account) { a.Protocol = "smtp" }, "protocol"},
		{"no host", func(a *Account) { a.Host = "" }, "host"},
		{"url as host", func(a *Account) { a.Host = "https://outlook.office365.com/" }, "host"},
		{"bad port", func(a *Account) { a.Port = 70000 }, "port"},
		{"no security", func(a *Account) { a.Security = "" }, "security"},
		{"no user", func(a *Account) { a.User = "" }, "user"},
		{"unknown auth", func(a *Account) { a.Auth = "oauth" }, "auth"},
		{"entra without client id", func(a *Account) { a.ClientID = "" }, "tenant"},
		{"unknown cloud", func(a *Account) { a.Cloud = "mars" }, "cloud"},
		{"http authority", func(a *Account) { a.AuthorityHost = "http://login.example.com" }, "authority-host"},
		{"password with tenant", func(a *Account) { a.Auth = AuthPassword }, "auth"},
		{"no secret", func(a *Account) { a.Secret = auth.SecretRef{} }, "secret"},
		{"none with a token", func(a *Account) { a.Security = SecurityNone }, "security"},
		{"none allowed", func(a *Account) { a.Security, a.AllowPlaintextPassword = SecurityNone, true }, ""},
		{"delete with imap", func(a *Account) { a.DeleteAfterArchive = true }, "delete-after-archive"},
		{"folders with pop3", func(a *Account) { a.Protocol, a.Folders = POP3, []string{"INBOX"} }, "folders"},
		{"empty glob", func(a *Account) { a.Exclude = []string{""} }, "folders"},
		{"too frequent", func(a *Account) { a.Every = Interval(30 * time.Second) }, "every"},
		{"daily", func(a *Account) { a.Daily = "02:30" }, ""},
		{"daily one-digit hour", func(a *Account) { a.Daily = "7:05" }, ""},
		{"daily 24:00", func(a *Account) { a.Daily = "24:00" }, "daily"},
		{"daily seconds", func(a *Account) { a.Daily = "02:30:00" }, "daily"},
		{"daily am", func(a *Account) { a.Daily = "2am" }, "daily"},
		{"daily and every", func(a *Account) { a.Daily, a.Every = "02:30", Interval(time.Hour) }, "daily"},
		{"secret expires", func(a *Account) { a.SecretExpires = "2027-05-31" }, ""},
		{"secret expires not a date", func(a *Account) { a.SecretExpires = "31.05.2027" }, "secret-expires"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validIMAP()
			tt.change(&a)
			err := a.Validate()
			var ae *AccountError
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.field != "" && (!errors.As(err, &ae) || ae.Field != tt.field):
				t.Errorf("got %v, want an *AccountError on %s", err, tt.field)
			case tt.field != "" && tt.field != "name" && !strings.Contains(err.Error(), `"sales"`):
				t.Errorf("the error does not name the account: %v", err)
			}
		})
	}
}

func TestAccountIncludes(t *testing.T) {
	tests := []struct {
		folders, exclude []string
		folder           string
		want             bool
	}{
		{nil, nil, "INBOX", true},
		{nil, nil, "Files", false}, // excluded by default
		{nil, nil, "files", false},
		{nil, nil, "Files/Sub", true},
		{nil, []string{}, "Files", true}, // an empty list excludes nothing
		{[]string{"Archive/*"}, nil, "Archive/2023", true},
		{[]string{"Archive/*"}, nil, "Archive/2023/Q1", true},
		{[]string{"Archive/*"}, nil, "INBOX", false},
		{[]string{"inbox", "Sent*"}, nil, "Sent Items", true},
		{nil, []string{"Junk*", "Deleted ?tems"}, "Deleted Items", false},
		{nil, []string{"Junk*"}, "Entwürfe", true},
		{[]string{"Entw?rfe"}, nil, "Entwürfe", true},
	}
	for _, tt := range tests {
		a := Account{Folders: tt.folders, Exclude: tt.exclude}
		if got := a.includes(tt.folder); got != tt.want {
			t.Errorf("folders %q exclude %q: includes(%q) = %v, want %v", tt.folders, tt.exclude, tt.folder, got, tt.want)
		}
	}
}

func TestAccountSaveLoadKeepsNoSecret(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "a.mailkeep"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := validIMAP()
	a.Folders, a.Every, a.Cloud, a.Paused = []string{"INBOX", "Archive/*"}, Interval(2*time.Hour), auth.CloudUSGov, true
	if err := SaveAccount(ctx, s, a); err != nil {
		t.Fatal(err)
	}
	back, err := LoadAccount(ctx, s, "sales")
	if err != nil {
		t.Fatal(err)
	}
	if back.Name != a.Name || back.Every != a.Every || back.Cloud != a.Cloud || !back.Paused || back.Exclude != nil ||
		strings.Join(back.Folders, ",") != "INBOX,Archive/*" || back.Secret != a.Secret {
		t.Errorf("loaded %+v, saved %+v", back, a)
	}
	rec, _ := s.Account(ctx, "sales")
	var m map[string]any
	if err := json.Unmarshal(rec.Settings, &m); err != nil {
		t.Fatal(err)
	}
	if m["every"] != "2h0m0s" {
		t.Errorf("every is stored as %v", m["every"])
	}
	bad := a
	bad.Host = ""
	if err := SaveAccount(ctx, s, bad); err == nil {
		t.Error("an invalid account was saved")
	}
	if _, err := LoadAccount(ctx, s, "nobody"); !IsAccountNotFound(err) {
		t.Errorf("loading a missing account: %v", err)
	}
	if got := a.DefaultSecretKey(); got != "entra:contoso.onmicrosoft.com/0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00" {
		t.Errorf("DefaultSecretKey = %q", got)
	}
}

func TestThrottled(t *testing.T) {
	tests := []struct {
		text string
		wait time.Duration
		ok   bool
	}{
		{"Request is throttled. Suggested Backoff Time: 299961 milliseconds", 299961 * time.Millisecond, true},
		{"BAD Request is throttled. Suggested Backoff Time: 89117 milliseconds", 89117 * time.Millisecond, true},
		{"Server Unavailable. 15", 0, true},
		{"AUTHENTICATE failed.", 0, false},
	}
	for _, tt := range tests {
		got := throttled(tt.text)
		if (got != nil) != tt.ok || (got != nil && got.Wait != tt.wait) {
			t.Errorf("throttled(%q) = %+v", tt.text, got)
		}
	}
}
