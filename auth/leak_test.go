package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/mailkeep/mailkeep/auth/authtest"
)

// TestNoSecretsInOutput formats every value a succeeding and a failing flow
// produce, every way a program might print or log it, and looks for the
// secrets and the token in the text.
func TestNoSecretsInOutput(t *testing.T) {
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	idp.Grant(app.ClientID, "box@contoso.com")
	cfg := entraConfig(idp, app)
	cfg.CertPassword = "pfx-password-never-shown"
	ctx := context.Background()

	// Succeeding flow.
	good := EntraConfig{Tenant: cfg.Tenant, ClientID: cfg.ClientID, Secret: cfg.Secret, AuthorityHost: cfg.AuthorityHost, HTTPClient: cfg.HTTPClient}
	e := newTestEntra(t, good)
	tok, err := e.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := e.SASL(ctx, "box@contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	pw := Password{Secret: "hunter2-password-never-shown"}
	psc, _ := pw.SASL(ctx, "me@example.org")
	values := []any{cfg, &cfg, good, e, tok, &tok, sc, pw, &pw, psc, pw.SASLLogin("me@example.org"),
		ExplainTokenError(nil, cfg), CheckClaims(tok.Access, "imap", cfg), SecretRef{Keyring: EntraKey(app.Tenant, app.ClientID)}}

	// Failing flows: a wrong secret, an outage, a refused XOAUTH2, no keyring.
	wrong := good
	wrong.Secret = "wrong8Q~secret-value-never-shown"
	_, errWrong := newTestEntra(t, wrong).Token(ctx)
	idp.FailNext(100, 503)
	_, errDown := newTestEntra(t, good).Token(ctx)
	idp.FailNext(0, 0)
	xo := NewXOAUTH2Client("box@contoso.com", tok.Access)
	xo.Next([]byte(`{"status":"401","schemes":"bearer"}`))
	errSignIn := SASLError(xo, errors.New("NO [AUTHENTICATIONFAILED] Authentication failed."))
	errKeyring := keyringError("store", errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	_, errCert := NewEntra(EntraConfig{Tenant: "t", ClientID: "c", CertFile: "/nonexistent.pfx", CertPassword: cfg.CertPassword})
	for _, err := range []error{errWrong, errDown, errSignIn, errKeyring, errCert} {
		if err == nil {
			t.Fatal("a failing flow did not fail")
		}
		values = append(values, err, ExplainTokenError(err, wrong), ExplainSignInError(err, "imap", true))
	}
	values = append(values, wrong, xo, CheckEntraConfig(wrong))

	secrets := map[string]string{
		"client secret": app.Secret, "wrong secret": wrong.Secret, "PFX password": cfg.CertPassword,
		"password": pw.Secret, "access token": tok.Access,
		"token signature": tok.Access[strings.LastIndex(tok.Access, ".")+1:],
	}
	var out bytes.Buffer
	text := slog.New(slog.NewTextHandler(&out, nil))
	jsonLog := slog.New(slog.NewJSONHandler(&out, nil))
	for i, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
		text.Info("value", "i", i, "v", v)
		jsonLog.Info("value", "i", i, "v", v)
		text.Info("value", slog.Any("v", v))
		if b, err := json.Marshal(v); err == nil {
			out.Write(b)
		}
		if err, ok := v.(error); ok {
			out.WriteString(err.Error())
		}
	}
	all := out.String()
	for name, s := range secrets {
		if s == "" {
			t.Fatalf("%s is empty: the test would prove nothing", name)
		}
		if i := strings.Index(all, s); i >= 0 {
			start := max(0, i-200)
			t.Errorf("the %s appears in formatted output: ...%s...", name, all[start:min(len(all), i+len(s)+50)])
		}
	}
	// The output did say something about each value.
	for _, want := range []string{"AADSTS7000215", "HTTP 503", "status 401", "no usable OS keyring", app.ClientID, "[hidden]"} {
		if !strings.Contains(all, want) {
			t.Errorf("formatted output lacks %q", want)
		}
	}
	t.Logf("checked %d values, %d bytes of output", len(values), len(all))
}
