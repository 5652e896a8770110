package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
)

// typeMicrosoft fills the Microsoft form's usual fields.
func typeMicrosoft(f *microsoftForm, tenant, clientID, secret, mailboxes string) {
	test.Type(f.tenant, tenant)
	test.Type(f.clientID, clientID)
	test.Type(f.secret, secret)
	test.Type(f.mailboxes, mailboxes)
}

func TestMicrosoftFormSecretIDWarning(t *testing.T) {
	f := newMicrosoftForm(test.NewApp(), test.NewWindow(nil))
	if !f.secretWarning.Hidden {
		t.Fatal("warning shown before anything was typed")
	}
	test.Type(f.secret, "6c2a1e3f-0d4b-4a5c-8e9f-1a2b3c4d5e6f")
	if f.secretWarning.Hidden {
		t.Error("a GUID typed as the secret shows no warning")
	}
	if !strings.Contains(f.secretWarning.Text, "Value") {
		t.Errorf("the warning does not say to copy the Value: %s", f.secretWarning.Text)
	}
	f.secret.SetText("Xy7~realSecretValue.abcdefghijklmnopqrstu")
	if !f.secretWarning.Hidden {
		t.Error("a real-looking secret keeps the warning")
	}
}

// TestMicrosoftFormTabOrder walks the form as Tab does for a keyboard
// user (and the end-to-end test): every field in reading order, and the
// mailbox list lets Tab move on instead of typing a tab (Fyne's driver
// moves the focus unless the focused widget accepts Tab).
func TestMicrosoftFormTabOrder(t *testing.T) {
	f := newMicrosoftForm(test.NewApp(), test.NewWindow(nil))
	f.advanced.Open(0)
	w := test.NewWindow(f.content())
	defer w.Close()
	w.Resize(fyne.NewSize(720, 1000))
	c := w.Canvas()
	c.Focus(f.tenant)
	want := []fyne.Focusable{f.clientID, f.secret, f.useCert, f.expires, f.cloud, f.mailboxes}
	for i, next := range want {
		test.FocusNext(c)
		if c.Focused() != next {
			t.Fatalf("Tab %d focuses %T %p, want %T %p", i+1, c.Focused(), c.Focused(), next, next)
		}
	}
	if tabbable, ok := c.Focused().(fyne.Tabbable); ok && tabbable.AcceptsTab() {
		t.Error("the mailbox list takes Tab as a character: keyboard users cannot leave it")
	}
}

func TestMicrosoftFormDraft(t *testing.T) {
	const tenant, client = "contoso.onmicrosoft.com", "0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00"
	tests := []struct {
		name    string
		fill    func(f *microsoftForm)
		wantErr string // words of the form's complaint; "" none
		check   func(t *testing.T, d setupDraft)
	}{
		{name: "ten mailboxes share one secret", fill: func(f *microsoftForm) {
			var boxes []string
			for i := range 10 {
				boxes = append(boxes, "shared"+string(rune('a'+i))+"@contoso.com")
			}
			typeMicrosoft(f, tenant, client, "sekrit~value", strings.Join(boxes, "\n"))
		}, check: func(t *testing.T, d setupDraft) {
			if len(d.accounts) != 10 {
				t.Fatalf("%d accounts", len(d.accounts))
			}
			nameAccounts(d.accounts, nil)
			for _, a := range d.accounts {
				if a.Secret.Keyring != auth.EntraKey(tenant, client) || a.Host != "outlook.office365.com" || a.Security != archive.SecurityTLS ||
					a.Protocol != archive.IMAP || a.Every != archive.Interval(time.Hour) || a.Auth != archive.AuthEntra {
					t.Errorf("account %+v", a)
				}
				if err := a.Validate(); err != nil {
					t.Errorf("invalid: %v", err)
				}
			}
			if d.secretKey() != auth.EntraKey(tenant, client) || d.secret != "sekrit~value" {
				t.Errorf("secret goes to %q", d.secretKey())
			}
		}},
		{name: "us government cloud and POP3", fill: func(f *microsoftForm) {
			typeMicrosoft(f, tenant, client, "s", "a@contoso.us")
			f.cloud.SetSelectedIndex(1)
			f.protocol.SetSelected("POP3")
		}, check: func(t *testing.T, d setupDraft) {
			a := d.accounts[0]
			if a.Cloud != auth.CloudUSGov || a.Host != "outlook.office365.us" || a.Protocol != archive.POP3 || a.Exclude != nil {
				t.Errorf("account %+v", a)
			}
		}},
		{name: "authority without scheme", fill: func(f *microsoftForm) {
			typeMicrosoft(f, tenant, client, "s", "a@contoso.com")
			test.Type(f.authority, "login.example.com/")
		}, check: func(t *testing.T, d setupDraft) {
			if got := d.accounts[0].AuthorityHost; got != "https://login.example.com" {
				t.Errorf("authority %q", got)
			}
		}},
		{name: "certificate", fill: func(f *microsoftForm) {
			typeMicrosoft(f, tenant, client, "", "a@contoso.com")
			f.useCert.SetChecked(true)
			test.Type(f.certFile, "/etc/mailkeep/app.pfx")
			test.Type(f.certPassword, "pfx-pass")
		}, check: func(t *testing.T, d setupDraft) {
			a := d.accounts[0]
			if a.CertFile != "/etc/mailkeep/app.pfx" || d.secret != "pfx-pass" || d.secretKey() != auth.EntraKey(tenant, client) {
				t.Errorf("account %+v, secret to %q", a, d.secretKey())
			}
			cfg := d.checkAccount(a, Config{}).EntraConfig
			if cfg.CertFile != a.CertFile || cfg.CertPassword != "pfx-pass" || cfg.Secret != "" {
				t.Errorf("the doctor gets %v", cfg)
			}
		}},
		{name: "no tenant", fill: func(f *microsoftForm) { typeMicrosoft(f, "", client, "s", "a@contoso.com") }, wantErr: "tenant"},
		{name: "no secret", fill: func(f *microsoftForm) { typeMicrosoft(f, tenant, client, "", "a@contoso.com") }, wantErr: "client secret"},
		{name: "no mailbox", fill: func(f *microsoftForm) { typeMicrosoft(f, tenant, client, "s", "") }, wantErr: "at least one mailbox"},
		{name: "not an address", fill: func(f *microsoftForm) { typeMicrosoft(f, tenant, client, "s", "sales") }, wantErr: "not a mailbox address"},
		{name: "bad port", fill: func(f *microsoftForm) {
			typeMicrosoft(f, tenant, client, "s", "a@contoso.com")
			test.Type(f.port, "99999")
		}, wantErr: "port"},
		{name: "certificate without file", fill: func(f *microsoftForm) {
			typeMicrosoft(f, tenant, client, "", "a@contoso.com")
			f.useCert.SetChecked(true)
		}, wantErr: "certificate file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newMicrosoftForm(test.NewApp(), test.NewWindow(nil))
			tt.fill(f)
			d, err := f.draft(archive.Interval(time.Hour))
			if tt.wantErr != "" {
				var fe *formError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("draft: %v, want a form error about %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, d)
		})
	}
}

func TestServerFormDefaults(t *testing.T) {
	f := newServerForm()
	tests := []struct {
		protocol   string
		security   int
		port       string
		plainShown bool
		delShown   bool
	}{
		{"IMAP", 0, "993", false, false},
		{"IMAP", 1, "143", false, false},
		{"POP3", 0, "995", false, true},
		{"POP3", 2, "110", true, true},
	}
	for _, tt := range tests {
		f.protocol.SetSelected(tt.protocol)
		f.security.SetSelectedIndex(tt.security)
		if f.port.PlaceHolder != tt.port || f.plainBox.Visible() != tt.plainShown || f.deleteBox.Visible() != tt.delShown {
			t.Errorf("%s/%s: port %s, unencrypted warning %v, delete option %v", tt.protocol, securityChoices[tt.security].label,
				f.port.PlaceHolder, f.plainBox.Visible(), f.deleteBox.Visible())
		}
	}
	if f.deleteAfter.Checked {
		t.Error("delete after archiving is on by default")
	}
}

func TestServerFormDraft(t *testing.T) {
	fill := func(f *serverForm) {
		test.Type(f.host, "mail.example.com")
		test.Type(f.user, "alice@example.com")
		test.Type(f.password, "pw")
	}
	t.Run("unencrypted needs the checkbox", func(t *testing.T) {
		f := newServerForm()
		fill(f)
		f.security.SetSelectedIndex(2)
		if _, err := f.draft(0); err == nil || !strings.Contains(err.Error(), "unencrypted") {
			t.Fatalf("draft: %v", err)
		}
		f.allowPlain.SetChecked(true)
		d, err := f.draft(0)
		if err != nil {
			t.Fatal(err)
		}
		if a := d.accounts[0]; !a.AllowPlaintextPassword || a.Security != archive.SecurityNone {
			t.Errorf("%+v", a)
		}
	})
	t.Run("pop3 delete after archiving", func(t *testing.T) {
		f := newServerForm()
		fill(f)
		f.protocol.SetSelected("POP3")
		f.deleteAfter.SetChecked(true)
		d, err := f.draft(archive.Interval(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		a := d.accounts[0]
		a.Name = "x"
		if !a.DeleteAfterArchive || a.Secret.Keyring != auth.PasswordKey("alice@example.com", "mail.example.com") || a.Validate() != nil {
			t.Errorf("%+v: %v", a, a.Validate())
		}
		// Back to IMAP: the option goes away, and with it the deleting.
		f.protocol.SetSelected("IMAP")
		d, _ = f.draft(0)
		if d.accounts[0].DeleteAfterArchive {
			t.Error("an IMAP account deletes after archiving")
		}
	})
	t.Run("no password", func(t *testing.T) {
		f := newServerForm()
		test.Type(f.host, "mail.example.com")
		test.Type(f.user, "alice@example.com")
		if _, err := f.draft(0); err == nil || !strings.Contains(err.Error(), "password") {
			t.Fatalf("draft: %v", err)
		}
	})
}

// TestSetupSaveRefusesInvalid shows Validate's words next to the form and
// saves nothing.
func TestSetupSaveRefusesInvalid(t *testing.T) {
	a := newTestApp(t, Config{})
	s := openTestSetup(t, a)
	s.showMicrosoft()
	typeMicrosoft(s.ms, "contoso.onmicrosoft.com", "0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00", "sekrit", "a@contoso.com")
	test.Type(s.ms.expires, "31.05.2027")
	test.Tap(s.saveButton)
	s.settle()
	if s.problem.Hidden || !strings.Contains(s.problem.Text, "YYYY-MM-DD") {
		t.Errorf("problem shown: %v %q", !s.problem.Hidden, s.problem.Text)
	}
	if accts, _ := archive.Accounts(context.Background(), a.store); len(accts) != 0 {
		t.Errorf("%d accounts saved", len(accts))
	}
}

// TestSetupEdit opens a saved account in its form, keeps the stored secret
// when the field stays empty, and saves the change.
func TestSetupEdit(t *testing.T) {
	a := newTestApp(t, Config{})
	ctx := context.Background()
	orig := archive.Account{Name: "sales", Protocol: archive.IMAP, Host: "outlook.office365.com", Security: archive.SecurityTLS,
		User: "sales@contoso.com", Auth: archive.AuthEntra, Tenant: "contoso.onmicrosoft.com", ClientID: "0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00",
		Secret: auth.SecretRef{Env: "MAILKEEP_TEST_SECRET"}, Every: archive.Interval(6 * time.Hour), Folders: []string{"INBOX"}}
	if err := archive.SaveAccount(ctx, a.store, orig); err != nil {
		t.Fatal(err)
	}
	s := openTestSetup(t, a)
	s.load("sales")
	s.settle()
	f := s.ms
	if f == nil || f.tenant.Text != orig.Tenant || f.mailboxes.Text != orig.User || f.secret.Text != "" ||
		!strings.Contains(f.secret.PlaceHolder, "keep") {
		t.Fatalf("the form does not show the account: %+v", f)
	}
	test.Type(f.expires, "2027-01-31")
	test.Tap(s.saveButton)
	s.settle()
	if s.lastSave != nil {
		t.Fatal(s.lastSave)
	}
	got, err := archive.LoadAccount(ctx, a.store, "sales")
	if err != nil {
		t.Fatal(err)
	}
	if got.SecretExpires != "2027-01-31" || got.Secret != orig.Secret || got.Every != orig.Every || !slices.Equal(got.Folders, orig.Folders) {
		t.Errorf("after the edit: %+v", got)
	}
	if accts, _ := archive.Accounts(ctx, a.store); len(accts) != 1 {
		t.Errorf("%d accounts after editing one", len(accts))
	}

	// Another app's client ID with no new secret: refused.
	s = openTestSetup(t, a)
	s.load("sales")
	s.settle()
	s.ms.clientID.SetText("11111111-2222-3333-4444-555555555555")
	s.ms.secret.SetText("")
	s.editing.Secret = auth.SecretRef{Keyring: auth.EntraKey(orig.Tenant, orig.ClientID)}
	s.ms.editing.Secret = s.editing.Secret
	test.Tap(s.saveButton)
	s.settle()
	if s.problem.Hidden || !strings.Contains(s.problem.Text, "client secret") {
		t.Errorf("a changed app without its secret: %q", s.problem.Text)
	}
}
