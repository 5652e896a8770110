package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
)

func TestExpiryWarnings(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	const appA, appB = "aaaaaaaa-0000-0000-0000-000000000001", "bbbbbbbb-0000-0000-0000-000000000002"
	// Late in the evening of 20 November in Berlin: already the 21st in UTC.
	now := time.Date(2026, 11, 20, 23, 30, 0, 0, berlin)
	type want struct {
		key       string
		days      int
		level     expiryLevel
		mailboxes []string
	}
	for _, tc := range []struct {
		name     string
		accounts []archive.Account
		want     []want
	}{
		{"no date given", []archive.Account{entraAccount("m1", "contoso.com", appA, "")}, nil},
		{"a password account has no secret to expire", []archive.Account{passwordAccount("p")}, nil},
		{"more than two weeks ahead", []archive.Account{entraAccount("m1", "contoso.com", appA, "2026-12-05")}, nil},
		{"exactly two weeks ahead", []archive.Account{entraAccount("m1", "contoso.com", appA, "2026-12-04")},
			[]want{{auth.EntraKey("contoso.com", appA), 14, expirySoon, []string{"m1"}}}},
		{"tomorrow, though it is already tomorrow in UTC", []archive.Account{entraAccount("m1", "contoso.com", appA, "2026-11-21")},
			[]want{{auth.EntraKey("contoso.com", appA), 1, expirySoon, []string{"m1"}}}},
		{"today", []archive.Account{entraAccount("m1", "contoso.com", appA, "2026-11-20")},
			[]want{{auth.EntraKey("contoso.com", appA), 0, expiryToday, []string{"m1"}}}},
		{"expired", []archive.Account{entraAccount("m1", "contoso.com", appA, "2026-11-01")},
			[]want{{auth.EntraKey("contoso.com", appA), -19, expiryExpired, []string{"m1"}}}},
		{"one warning per app, for all its mailboxes; the earliest date counts; most urgent first",
			[]archive.Account{
				entraAccount("m2", "contoso.com", appA, "2026-11-25"),
				entraAccount("m1", "Contoso.com", appA, "2026-11-23"),
				entraAccount("x1", "fabrikam.com", appB, "2026-11-20"),
				entraAccount("m3", "contoso.com", appA, ""),
			},
			[]want{
				{auth.EntraKey("fabrikam.com", appB), 0, expiryToday, []string{"x1"}},
				{auth.EntraKey("contoso.com", appA), 3, expirySoon, []string{"m1", "m2"}},
			}},
	} {
		got := expiryWarningsAt(tc.accounts, now)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %d warnings (%+v), want %d", tc.name, len(got), got, len(tc.want))
			continue
		}
		for i, w := range tc.want {
			g := got[i]
			if g.Key != w.key || g.Days != w.days || g.Level != w.level || !slices.Equal(g.Mailboxes, w.mailboxes) {
				t.Errorf("%s: warning %d = %s %d days level %d %q, want %s %d days level %d %q",
					tc.name, i, g.Key, g.Days, g.Level, g.Mailboxes, w.key, w.days, w.level, w.mailboxes)
			}
		}
	}
}

func TestExpiryWarningWords(t *testing.T) {
	w := expiryWarning{Tenant: "contoso.com", ClientID: "abc", Expires: "2026-11-30", Days: 10, Level: expirySoon, Mailboxes: []string{"a", "b"}}
	for _, tc := range []struct {
		change func(*expiryWarning)
		title  string
		msg    string
	}{
		{nil, "The client secret expires in 10 days", "expires on 2026-11-30; 2 mailboxes use it"},
		{func(w *expiryWarning) { w.Days = 1; w.Mailboxes = []string{"a"} }, "The client secret expires tomorrow", "the mailbox a uses it"},
		{func(w *expiryWarning) { w.Days, w.Level = 0, expiryToday }, "The client secret expires today", "expires on 2026-11-30"},
		{func(w *expiryWarning) { w.Days, w.Level = -3, expiryExpired }, "The client secret has expired", "archiving stops until it is replaced"},
	} {
		w := w
		if tc.change != nil {
			tc.change(&w)
		}
		if got := w.Title(); got != tc.title {
			t.Errorf("Title = %q, want %q", got, tc.title)
		}
		if got := w.Message(); !strings.Contains(got, tc.msg) {
			t.Errorf("Message = %q, want it to contain %q", got, tc.msg)
		}
	}
	for _, tc := range []struct {
		mailboxes []string
		want      string
	}{
		{[]string{"a"}, "The client secret expires in 10 days (a): replace it…"},
		{[]string{"a", "b", "c", "d"}, "The client secret expires in 10 days (a, b and 2 more): replace it…"},
	} {
		w := w
		w.Mailboxes = tc.mailboxes
		if got := w.MenuLine(); got != tc.want {
			t.Errorf("MenuLine = %q, want %q", got, tc.want)
		}
	}
	if steps := w.Steps(); !strings.Contains(steps, "Certificates & secrets") || !strings.Contains(steps, "abc") || !strings.Contains(steps, "Value") {
		t.Errorf("Steps do not say where to make the secret: %s", steps)
	}
}

// needKeyring fails in CI and skips elsewhere when no Secret Service runs
// (scripts/test.sh starts one).
func needKeyring(t *testing.T) {
	t.Helper()
	_, lookErr := exec.LookPath("gnome-keyring-daemon")
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" && lookErr == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no D-Bus session with gnome-keyring: run the tests with scripts/test.sh (packages dbus gnome-keyring)")
	}
	t.Skip("no D-Bus session with gnome-keyring: run the tests with scripts/test.sh")
}

// TestReplaceSecret: the new secret goes to the keyring once, under the
// app's key, and every mailbox of that app gets the new date; other apps'
// mailboxes are untouched and the secret is nowhere in the archive.
func TestReplaceSecret(t *testing.T) {
	needKeyring(t)
	ctx := context.Background()
	random := func() string {
		b := make([]byte, 4)
		rand.Read(b)
		return hex.EncodeToString(b)
	}
	tenant := "t" + random() + ".example.com"
	appA, appB := random()+"-0000-0000-0000-00000000000a", random()+"-0000-0000-0000-00000000000b"
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	a := newShellApp(t, nil, now,
		entraAccount("a1", tenant, appA, "2026-11-25"),
		entraAccount("a2", tenant, appA, "2026-11-25"),
		entraAccount("b1", tenant, appB, "2026-11-26"))
	keyA := auth.EntraKey(tenant, appA)
	t.Cleanup(func() { a.cfg.Keyring.Delete(context.Background(), keyA) })
	if len(a.expiryWarnings()) != 2 {
		t.Fatalf("warnings before = %+v, want 2", a.expiryWarnings())
	}
	for _, bad := range []struct{ secret, date, want string }{
		{"", "2028-11-01", "empty"},
		{"x", "01.11.2028", "YYYY-MM-DD"},
	} {
		if err := a.replaceSecret(ctx, keyA, bad.secret, bad.date); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("replaceSecret(%q, %q) = %v, want an error saying %s", bad.secret, bad.date, err, bad.want)
		}
	}
	const secret = "Qx8~new.secret.value-for-test"
	if err := a.replaceSecret(ctx, keyA, secret, "2028-11-01"); err != nil {
		t.Fatal(err)
	}
	got, err := a.cfg.Keyring.Get(ctx, keyA)
	if err != nil || got != secret {
		t.Fatalf("keyring holds %q, %v; want the new secret", got, err)
	}
	for name, want := range map[string]string{"a1": "2028-11-01", "a2": "2028-11-01", "b1": "2026-11-26"} {
		acct, err := archive.LoadAccount(ctx, a.store, name)
		if err != nil {
			t.Fatal(err)
		}
		if acct.SecretExpires != want {
			t.Errorf("%s expires %q, want %q", name, acct.SecretExpires, want)
		}
	}
	ws := a.expiryWarnings()
	if len(ws) != 1 || ws[0].Key != auth.EntraKey(tenant, appB) {
		t.Errorf("warnings after = %+v, want only app B's", ws)
	}
	path := a.store.Path()
	if err := a.Shutdown(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), secret) {
		t.Error("the secret is in the archive file")
	}
}
