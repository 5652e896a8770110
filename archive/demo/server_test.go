package demo

import (
	"context"
	"crypto/x509"
	"errors"
	"slices"
	"testing"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
)

// TestServerTLS: the server speaks TLS with a certificate that only its own
// TLSConfig trusts, and signs its user in with the password its Keyring holds.
func TestServerTLS(t *testing.T) {
	ctx := context.Background()
	srv, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	acct := srv.Account("demo")
	if err := acct.Validate(); err != nil {
		t.Fatalf("the demo account is not valid: %v", err)
	}
	if acct.Security != archive.SecurityTLS || acct.Address() != srv.Addr() {
		t.Errorf("account: security %s at %s, want tls at %s", acct.Security, acct.Address(), srv.Addr())
	}

	// The system's roots do not trust the demo's certificate.
	if c, err := archive.DialIMAP(ctx, srv.Addr(), archive.SecurityTLS, nil); err == nil {
		c.Close()
		t.Error("the demo server's certificate is trusted without its TLSConfig")
	} else if ue := (x509.UnknownAuthorityError{}); !errors.As(err, &ue) {
		t.Errorf("without its TLSConfig: %v, want an unknown-authority error", err)
	}

	password, err := acct.Secret.Resolve(ctx, srv.Keyring())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		password string
		ok       bool
	}{
		{"the keyring's password", password, true},
		{"a wrong password", password + "x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := archive.DialIMAP(ctx, srv.Addr(), archive.SecurityTLS, srv.TLSConfig())
			if err != nil {
				t.Fatalf("dial with its TLSConfig: %v", err)
			}
			defer c.Close()
			client, _ := auth.Password{Secret: tt.password}.SASL(ctx, acct.User)
			err = c.Authenticate(ctx, client)
			var se *archive.SignInError
			switch {
			case tt.ok && err != nil:
				t.Fatalf("sign in: %v", err)
			case !tt.ok && !errors.As(err, &se):
				t.Fatalf("sign in with %s: %v, want a *SignInError", tt.name, err)
			}
			if !tt.ok {
				return
			}
			folders, err := c.Folders(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range folders {
				names = append(names, f.Name)
			}
			for _, want := range Folders() {
				if !slices.Contains(names, want) {
					t.Errorf("the server lists %q, without %q", names, want)
				}
			}
		})
	}
}
