package app

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/auth/authtest"
	"github.com/mailkeep/mailkeep/store"
)

// entraBench is a real Dovecot whose XOAUTH2 logins are checked (Lua
// passdb, curl) against a test identity provider, and an App pointed at
// both.
type entraBench struct {
	idp *authtest.IdP
	app authtest.App
	d   *archivetest.Dovecot
	a   *App
}

const (
	grantedMailbox   = "shared@contoso.com"
	grantedMailbox2  = "sales@contoso.com"
	ungrantedMailbox = "other@contoso.com"
)

func newEntraBench(t *testing.T) *entraBench {
	t.Helper()
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	idp.Grant(app.ClientID, grantedMailbox, grantedMailbox2)
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{ValidateURL: idp.ValidateURL(), ValidateCAFile: idp.CACertFile()})
	for _, user := range []string{grantedMailbox, grantedMailbox2, ungrantedMailbox} {
		d.Deliver(user, "INBOX", []byte("Subject: hello\r\n\r\nhello\r\n"))
	}
	a := newTestApp(t, Config{TLSConfig: &tls.Config{RootCAs: d.CertPool()}, HTTPClient: idp.Client()})
	return &entraBench{idp: idp, app: app, d: d, a: a}
}

// fillMicrosoft types the form as an admin would, with the advanced
// fields pointing at the test servers.
func (b *entraBench) fillMicrosoft(t *testing.T, s *testSetup, secret string, mailboxes ...string) *microsoftForm {
	t.Helper()
	s.showMicrosoft()
	f := s.ms
	host, port, err := net.SplitHostPort(b.d.IMAPSAddr)
	if err != nil {
		t.Fatal(err)
	}
	test.Type(f.tenant, b.app.Tenant)
	test.Type(f.clientID, b.app.ClientID)
	test.Type(f.secret, secret)
	test.Type(f.expires, "2027-05-31")
	test.Type(f.mailboxes, strings.Join(mailboxes, "\n"))
	f.advanced.Open(0)
	test.Type(f.host, host)
	test.Type(f.port, port)
	test.Type(f.authority, b.idp.URL())
	return f
}

// testResult presses Test and waits for the doctor's verdicts.
func testResult(t *testing.T, s *testSetup) []*mailboxCheck {
	t.Helper()
	test.Tap(s.testButton)
	s.settle()
	if !s.problem.Hidden {
		t.Fatalf("the form was refused: %s", s.problem.Text)
	}
	return s.doctor.checks
}

// seen is what a person reads of a mailbox's check: every step's line,
// problem and fix.
func seen(c *mailboxCheck) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", c.title.Text, c.status.Text)
	for _, r := range c.rows {
		fmt.Fprintf(&b, "  %s\n", r.name.Text)
		if !r.problem.Hidden {
			fmt.Fprintf(&b, "    %s\n    %s\n", r.problem.Text, r.fix.Text)
		}
	}
	return b.String()
}

// failedRow is the first failed step's row.
func failedRow(t *testing.T, c *mailboxCheck) *stepRow {
	t.Helper()
	for _, r := range c.rows {
		if r.failed {
			return r
		}
	}
	t.Fatalf("no step failed:\n%s", seen(c))
	return nil
}

func TestSetupMicrosoftDoctorAgainstDovecot(t *testing.T) {
	b := newEntraBench(t)

	tests := []struct {
		name      string
		secret    func() string
		mailboxes []string
		// want: the step that fails ("" none) and words its problem+fix
		// must show.
		failStep      auth.Step
		wantWords     []string
		secretWarning bool
	}{
		{name: "success", secret: func() string { return b.app.Secret }, mailboxes: []string{grantedMailbox, grantedMailbox2}},
		{name: "wrong-secret", secret: func() string { return "Xy7~wrongSecretValue.abcdefghijklmnopqrstu" }, mailboxes: []string{grantedMailbox, grantedMailbox2},
			failStep: auth.StepToken, wantWords: []string{"AADSTS7000215", "Value", "Certificates & secrets"}},
		{name: "secret-id-pasted", secret: func() string { return b.app.SecretID }, mailboxes: []string{grantedMailbox, grantedMailbox2},
			failStep: auth.StepSecret, wantWords: []string{"secret ID", "Value", "AADSTS7000215"}, secretWarning: true},
		{name: "mailbox-not-granted", secret: func() string { return b.app.Secret }, mailboxes: []string{ungrantedMailbox},
			failStep: auth.StepSignIn, wantWords: []string{"Add-MailboxPermission", "New-ServicePrincipal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTestSetup(t, b.a)
			f := b.fillMicrosoft(t, s, tt.secret(), tt.mailboxes...)
			if got := !f.secretWarning.Hidden; got != tt.secretWarning {
				t.Errorf("secret-ID warning under the secret shown: %v, want %v", got, tt.secretWarning)
			}
			tokensBefore := b.idp.TokenRequests()
			checks := testResult(t, s)
			if len(checks) != len(tt.mailboxes) {
				t.Fatalf("%d mailboxes checked, want %d", len(checks), len(tt.mailboxes))
			}
			// One app, one token request at most: the mailboxes share the
			// token, and an app that cannot sign in is tried once.
			if n := b.idp.TokenRequests() - tokensBefore; n > 1 {
				t.Errorf("%d token requests for one app", n)
			}
			for i, c := range checks {
				if tt.failStep != "" && tt.failStep != auth.StepSignIn && i > 0 {
					// The app failed for the first mailbox: the others
					// are not tried, and say why.
					t.Logf("\n%s", seen(c))
					if c.ok() || !strings.Contains(c.status.Text, "Not tried") || !strings.Contains(c.status.Text, checks[0].acct.User) {
						t.Errorf("%s: %q, want not tried because of %s", c.acct.User, c.status.Text, checks[0].acct.User)
					}
					continue
				}
				t.Logf("\n%s", seen(c))
				if strings.Contains(seen(c), b.app.Secret) {
					t.Error("the doctor's view shows the secret")
				}
				if tt.failStep == "" {
					if !c.ok() || c.status.Text != "Every step passed." {
						t.Errorf("%s: not every step passed", c.acct.User)
					}
					if len(c.rows) != 6 {
						t.Errorf("%d steps shown, want 6 (secret, token, claims, connect, sign in, folders)", len(c.rows))
					}
					continue
				}
				r := failedRow(t, c)
				if r.step != tt.failStep {
					t.Errorf("failed at %s, want %s", r.step, tt.failStep)
				}
				text := r.problem.Text + " " + r.fix.Text
				for _, w := range tt.wantWords {
					if !strings.Contains(text, w) {
						t.Errorf("the failed step's advice does not say %q:\n%s", w, text)
					}
				}
			}
			// The PowerShell panel names this tenant, app and mailboxes.
			ps := s.doctor.powerShell
			if ps.root.Hidden {
				t.Fatal("no PowerShell panel")
			}
			for _, w := range append([]string{b.app.Tenant, b.app.ClientID, "Add-MailboxPermission"}, tt.mailboxes...) {
				if !strings.Contains(ps.text.Text(), w) {
					t.Errorf("the PowerShell does not name %q", w)
				}
			}
			test.Tap(ps.copy)
			if got := b.a.fyne.Clipboard().Content(); got != ps.script || got == "" {
				t.Errorf("Copy put %d bytes on the clipboard, want the script's %d", len(got), len(ps.script))
			}
			if tt.failStep == auth.StepSignIn && !ps.accordion.Items[0].Open {
				t.Error("a mailbox that is not granted leaves the PowerShell folded away")
			}
			capture(t, screenshotDir(t), "doctor-"+tt.name, s.doctor.content(), 720)
		})
	}
}

func TestSetupMicrosoftSave(t *testing.T) {
	requireKeyring(t)
	b := newEntraBench(t)
	s := openTestSetup(t, b.a)
	b.fillMicrosoft(t, s, b.app.Secret, grantedMailbox, grantedMailbox2)
	for _, c := range testResult(t, s) {
		if !c.ok() {
			t.Fatalf("test before saving:\n%s", seen(c))
		}
	}
	// The scheduler runs, as in the App, so that Save's first run happens.
	changed := make(chan struct{}, 1)
	b.a.board.subscribe(func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	})
	b.a.jobs.Go(func() { b.a.sched.Run(b.a.ctx) })
	test.Tap(s.saveButton)
	s.settle()
	if s.lastSave != nil {
		t.Fatalf("save: %v", s.lastSave)
	}
	if s.mains != 1 {
		t.Errorf("after Save the setup went to the list of mailboxes %d times, want 1", s.mains)
	}
	waitFirstRuns(t, b.a, changed, grantedMailbox, grantedMailbox2)

	ctx := context.Background()
	// Saved once, run once: the schedule starts a new mailbox by itself,
	// and asking for a run as well made it run twice when the schedule
	// was quicker.
	b.a.sched.Stop()
	for _, name := range []string{grantedMailbox, grantedMailbox2} {
		if runs, err := b.a.store.Runs(ctx, name, 5); err != nil || len(runs) != 1 {
			t.Errorf("%s ran %d times after Save (%v), want once", name, len(runs), err)
		}
	}
	key := auth.EntraKey(b.app.Tenant, b.app.ClientID)
	t.Cleanup(func() { auth.Keyring{}.Delete(ctx, key) })
	got, err := auth.Keyring{}.Get(ctx, key)
	if err != nil || got != b.app.Secret {
		t.Fatalf("keyring under %s: %d bytes, %v; want the secret", key, len(got), err)
	}

	accounts, err := archive.Accounts(ctx, b.a.store)
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 2 {
		t.Fatalf("%d accounts saved, want 2: %+v", len(accounts), accounts)
	}
	for _, acct := range accounts {
		if acct.Name != acct.User || acct.Auth != archive.AuthEntra || acct.Secret != (auth.SecretRef{Keyring: key}) ||
			acct.SecretExpires != "2027-05-31" || acct.Every == 0 || acct.AuthorityHost != b.idp.URL() {
			t.Errorf("saved account: %+v", acct)
		}
	}
	if n := len(b.a.board.snapshot()); n != 2 {
		t.Errorf("the board shows %d mailboxes, want 2", n)
	}

	// The secret is in no file of the archive (WAL included) nor in Fyne's
	// preferences.
	dir := filepath.Dir(b.a.store.Path())
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		if bytes.Contains(data, []byte(b.app.Secret)) {
			t.Errorf("the secret is in %s", e.Name())
		}
	}
	if !containsAccount(t, dir, grantedMailbox) {
		t.Error("the archive's files do not hold the account's settings: the grep above proves nothing")
	}
	prefs, ok := b.a.fyne.Preferences().(interface{ ReadValues(func(map[string]any)) })
	if !ok {
		t.Fatal("the test app's preferences cannot be listed")
	}
	prefs.ReadValues(func(values map[string]any) {
		for k, v := range values {
			if strings.Contains(fmt.Sprint(v), b.app.Secret) {
				t.Errorf("preference %s holds the secret", k)
			}
		}
	})
}

// waitFirstRuns waits until each named mailbox has finished its first run
// (Save asks for it), and checks it archived the one message delivered.
func waitFirstRuns(t *testing.T, a *App, changed <-chan struct{}, names ...string) {
	t.Helper()
	timeout := time.After(2 * time.Minute)
	for {
		done := 0
		for _, name := range names {
			if m, ok := a.board.get(name); ok && m.Last != nil && !m.Running {
				done++
			}
		}
		if done == len(names) {
			break
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("the first runs did not end: %+v", a.board.snapshot())
		}
	}
	for _, name := range names {
		m, _ := a.board.get(name)
		if m.Last.Outcome != store.OutcomeOK || m.Last.Messages != 1 || m.Problem != "" {
			t.Errorf("%s: first run %s with %d messages (%s)", name, m.Last.Outcome, m.Last.Messages, m.Problem)
		}
	}
}

// containsAccount says whether the archive's files mention user: the
// secret-leak grep looks in the right place.
func containsAccount(t *testing.T, dir, user string) bool {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err == nil && bytes.Contains(data, []byte(user)) {
			return true
		}
	}
	return false
}

func TestSetupServerPasswordAgainstDovecot(t *testing.T) {
	requireKeyring(t)
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{})
	user, password := "pw-"+randomHex(t)+"@example.com", "pw-secret-"+randomHex(t)
	d.AddPasswordUser(user, password)
	d.Deliver(user, "INBOX", []byte("Subject: hello\r\n\r\nhello\r\n"))
	a := newTestApp(t, Config{TLSConfig: &tls.Config{RootCAs: d.CertPool()}})

	tests := []struct {
		name     string
		protocol string
		addr     string
		security int // index in securityChoices
		password string
		failStep auth.Step
	}{
		{name: "imaps", protocol: "IMAP", addr: d.IMAPSAddr, security: 0, password: password},
		{name: "pop3-starttls", protocol: "POP3", addr: d.POP3Addr, security: 1, password: password},
		{name: "wrong-password", protocol: "IMAP", addr: d.IMAPSAddr, security: 0, password: "not-it", failStep: auth.StepSignIn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTestSetup(t, a)
			s.showServer()
			f := s.srv
			host, port, _ := net.SplitHostPort(tt.addr)
			f.protocol.SetSelected(tt.protocol)
			f.security.SetSelectedIndex(tt.security)
			test.Type(f.host, host)
			test.Type(f.port, port)
			test.Type(f.user, user)
			test.Type(f.password, tt.password)
			checks := testResult(t, s)
			if len(checks) != 1 {
				t.Fatalf("%d checks", len(checks))
			}
			c := checks[0]
			t.Logf("\n%s", seen(c))
			if !s.doctor.powerShell.root.Hidden {
				t.Error("a password server shows Exchange PowerShell")
			}
			if tt.failStep != "" {
				if r := failedRow(t, c); r.step != tt.failStep || !strings.Contains(r.fix.Text, "password") {
					t.Errorf("failed at %s with %q", r.step, r.fix.Text)
				}
				return
			}
			if !c.ok() {
				t.Fatal("not every step passed")
			}
		})
	}

	// Save the IMAP one.
	s := openTestSetup(t, a)
	s.showServer()
	host, port, _ := net.SplitHostPort(d.IMAPSAddr)
	test.Type(s.srv.host, host)
	test.Type(s.srv.port, port)
	test.Type(s.srv.user, user)
	test.Type(s.srv.password, password)
	test.Tap(s.saveButton)
	s.settle()
	if s.lastSave != nil {
		t.Fatalf("save: %v", s.lastSave)
	}
	ctx := context.Background()
	key := auth.PasswordKey(user, host)
	t.Cleanup(func() { auth.Keyring{}.Delete(ctx, key) })
	if got, err := (auth.Keyring{}).Get(ctx, key); err != nil || got != password {
		t.Fatalf("keyring: %v", err)
	}
	acct, err := archive.LoadAccount(ctx, a.store, user)
	if err != nil {
		t.Fatal(err)
	}
	if acct.Auth != archive.AuthPassword || acct.Security != archive.SecurityTLS || acct.Secret.Keyring != key {
		t.Errorf("saved: %+v", acct)
	}
	// The saved account passes the doctor with the stored password.
	advice := archive.Check(ctx, acct.CheckAccount(auth.Keyring{}, a.cfg.TLSConfig, nil))
	for _, adv := range advice {
		if !adv.OK {
			t.Errorf("the saved account fails the doctor: %s", adv)
		}
	}
	dir := filepath.Dir(a.store.Path())
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && bytes.Contains(data, []byte(password)) {
			t.Errorf("the password is in %s", e.Name())
		}
	}
}
