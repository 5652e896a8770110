package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/auth/authtest"
)

// TestSetupMicrosoftCertificate sets up an app that signs in with a
// certificate instead of a secret: Test passes, Save keeps the file's path
// in the account and its password in the keyring, and the saved account
// passes the doctor with what was stored.
func TestSetupMicrosoftCertificate(t *testing.T) {
	requireKeyring(t)
	b := newEntraBench(t)
	const pfxPassword = "pfx-pass"
	cert, pemPath, pfxPath := authtest.CertificateFiles(t, pfxPassword)
	for _, tt := range []struct{ name, file, password string }{
		{"pfx with password", pfxPath, pfxPassword},
		{"pem without password", pemPath, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			app := b.idp.AddApp(authtest.App{Cert: cert})
			b.idp.Grant(app.ClientID, grantedMailbox)
			b.app = app
			s := openTestSetup(t, b.a)
			f := b.fillMicrosoft(t, s, "", grantedMailbox)
			f.useCert.SetChecked(true)
			test.Type(f.certFile, tt.file)
			test.Type(f.certPassword, tt.password)
			for _, c := range testResult(t, s) {
				t.Logf("\n%s", seen(c))
				if !c.ok() {
					t.Fatal("the certificate does not pass the doctor")
				}
			}
			test.Tap(s.saveButton)
			s.settle()
			if s.lastSave != nil {
				t.Fatalf("save: %v", s.lastSave)
			}
			ctx := context.Background()
			key := auth.EntraKey(app.Tenant, app.ClientID)
			t.Cleanup(func() { auth.Keyring{}.Delete(ctx, key) })
			if got, err := (auth.Keyring{}).Get(ctx, key); err != nil || got != tt.password {
				t.Fatalf("keyring holds %d bytes (%v), want the file's password", len(got), err)
			}
			var acct archive.Account
			accts, _ := archive.Accounts(ctx, b.a.store)
			for _, a := range accts {
				if a.ClientID == app.ClientID {
					acct = a
				}
			}
			if acct.CertFile != tt.file || acct.Secret.Keyring != key {
				t.Fatalf("saved %+v", acct)
			}
			for _, adv := range archive.Check(ctx, acct.CheckAccount(auth.Keyring{}, b.a.cfg.TLSConfig, b.a.cfg.HTTPClient)) {
				if !adv.OK {
					t.Errorf("the saved account fails the doctor: %s", adv)
				}
			}
		})
	}
}
