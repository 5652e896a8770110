package app

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/auth/authtest"
)

// appCertificate makes a certificate credential for an app: the
// certificate, a PEM file (certificate and unencrypted key) and a PFX file
// locked with pfxPassword.
func appCertificate(t *testing.T, pfxPassword string) (*x509.Certificate, string, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailkeep-app-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(key)
	dir := t.TempDir()
	pemPath := filepath.Join(dir, "app.pem")
	pemData := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})...)
	if err := os.WriteFile(pemPath, pemData, 0o600); err != nil {
		t.Fatal(err)
	}
	pfx, err := pkcs12.Modern.Encode(key, cert, nil, pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	pfxPath := filepath.Join(dir, "app.pfx")
	if err := os.WriteFile(pfxPath, pfx, 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, pemPath, pfxPath
}

// TestSetupMicrosoftCertificate sets up an app that signs in with a
// certificate instead of a secret: Test passes, Save keeps the file's path
// in the account and its password in the keyring, and the saved account
// passes the doctor with what was stored.
func TestSetupMicrosoftCertificate(t *testing.T) {
	requireKeyring(t)
	b := newEntraBench(t)
	const pfxPassword = "pfx-pass"
	cert, pemPath, pfxPath := appCertificate(t, pfxPassword)
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
