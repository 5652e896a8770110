package archive_test

import (
	"context"
	"crypto/tls"
	"errors"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/auth/authtest"
)

// TestEntraAgainstRealDovecot runs the whole path on real parts: MSAL gets a
// token from the test identity provider, XOAUTH2 carries it to a real
// Dovecot, whose Lua passdb asks the provider's validate endpoint (with curl)
// whether the app may open the mailbox.
func TestEntraAgainstRealDovecot(t *testing.T) {
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{ValidateURL: idp.ValidateURL(), ValidateCAFile: idp.CACertFile()})
	cfg := auth.EntraConfig{Tenant: app.Tenant, ClientID: app.ClientID, Secret: app.Secret,
		AuthorityHost: idp.URL(), HTTPClient: idp.Client()}
	e, err := auth.NewEntra(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const mailbox = "shared@contoso.com"

	signIn := func() error {
		c, err := imapclient.DialTLS(d.IMAPSAddr, &imapclient.Options{TLSConfig: &tls.Config{RootCAs: d.CertPool(), ServerName: "127.0.0.1"}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		sc, err := e.SASL(context.Background(), mailbox)
		if err != nil {
			t.Fatal(err)
		}
		return auth.SASLError(sc, c.Authenticate(sc))
	}

	// Not granted yet: Dovecot sends the JSON challenge, then fails.
	err = signIn()
	var xe *auth.XOAUTH2Error
	if !errors.As(err, &xe) {
		t.Fatalf("sign-in without a grant: %v, want the server's XOAUTH2 challenge", err)
	}
	t.Logf("refused: %v", err)
	if a := auth.ExplainSignInError(err, "imap", true); !strings.Contains(a.Fix, "Add-MailboxPermission") {
		t.Errorf("advice: %s", a)
	}

	idp.Grant(app.ClientID, mailbox)
	if err := signIn(); err != nil {
		t.Fatalf("sign-in with a grant: %v\n%s", err, d.Log())
	}
	if n, v := idp.TokenRequests(), idp.Validations(); n != 1 || v < 2 {
		t.Errorf("token requests %d (want 1), validations %d (want 2 or more)", n, v)
	}
	tok, _ := e.Token(context.Background())
	if strings.Contains(d.Log(), tok.Access) {
		t.Error("the token reached Dovecot's log")
	}
}
