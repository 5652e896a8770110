package auth

import (
	"context"
	"testing"

	"github.com/mailkeep/mailkeep/auth/authtest"
)

// TestEntraPoolSharesTokens: ten mailboxes archived with one app make one
// token request; a replaced secret gets its own client.
func TestEntraPoolSharesTokens(t *testing.T) {
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	var pool EntraPool
	ctx := context.Background()
	var first *Entra
	for i := range 10 {
		cfg := entraConfig(idp, app)
		if i%2 == 1 {
			cfg.Tenant = "  " + cfg.Tenant // same app, spelled differently
		}
		e, err := pool.Get(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = e
		} else if e != first {
			t.Fatalf("account %d got another Entra for the same app", i)
		}
		if _, err := e.SASL(ctx, "box@contoso.com"); err != nil {
			t.Fatal(err)
		}
	}
	if n := idp.TokenRequests(); n != 1 {
		t.Errorf("10 accounts made %d token requests, want 1", n)
	}
	cfg := entraConfig(idp, app)
	cfg.Secret = "replaced8Q~secret"
	if e, err := pool.Get(cfg); err != nil || e == first {
		t.Errorf("a replaced secret got the old Entra (%v)", err)
	}
}
