package archive

import (
	"encoding/json"
	"testing"

	"github.com/mailkeep/mailkeep/auth"
)

// An Entra account with a certificate: the secret is the file's password.
func TestAccountCertFile(t *testing.T) {
	a := validIMAP()
	a.CertFile = "/etc/mailkeep/app.pfx"
	if err := a.Validate(); err != nil {
		t.Fatalf("a certificate account is refused: %v", err)
	}
	cfg := a.EntraConfig("pfx-pass", nil)
	if cfg.CertFile != a.CertFile || cfg.CertPassword != "pfx-pass" || cfg.Secret != "" {
		t.Errorf("EntraConfig: %v (password %q)", cfg, cfg.CertPassword)
	}
	plain := validIMAP()
	if cfg := plain.EntraConfig("s", nil); cfg.Secret != "s" || cfg.CertFile != "" || cfg.CertPassword != "" {
		t.Errorf("without a certificate: %v", cfg)
	}
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back Account
	if err := json.Unmarshal(data, &back); err != nil || back.CertFile != a.CertFile {
		t.Errorf("cert_file does not survive the archive: %s", data)
	}

	pw := Account{Name: "pw", Protocol: IMAP, Host: "imap.example.com", Security: SecurityTLS, User: "alice",
		Auth: AuthPassword, Secret: auth.SecretRef{Keyring: "password:alice@imap.example.com"}, CertFile: "/x.pem"}
	if err := pw.Validate(); err == nil {
		t.Error("a password account with a certificate file passes")
	}
}
