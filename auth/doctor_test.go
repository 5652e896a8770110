package auth

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/auth/authtest"
)

func TestCheckClaims(t *testing.T) {
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	cfg := entraConfig(idp, app)
	tests := []struct {
		name     string
		protocol string
		cfg      EntraConfig
		change   func(map[string]any)
		want     []string // one finding each, in order; nil: none
	}{
		{name: "good imap", protocol: "imap", cfg: cfg},
		{name: "good pop3", protocol: "pop3", cfg: cfg},
		{name: "graph audience", protocol: "imap", cfg: cfg,
			change: func(c map[string]any) { c["aud"] = "https://graph.microsoft.com" },
			want:   []string{"not for Exchange Online"}},
		{name: "exchange app ID audience", protocol: "imap", cfg: cfg,
			change: func(c map[string]any) { c["aud"] = "00000002-0000-0ff1-ce00-000000000000" }},
		{name: "audience as array", protocol: "imap", cfg: cfg,
			change: func(c map[string]any) { c["aud"] = []string{"https://outlook.office365.com"} }},
		{name: "no roles (no admin consent)", protocol: "imap", cfg: cfg,
			change: func(c map[string]any) { delete(c, "roles") },
			want:   []string{"no application roles"}},
		{name: "delegated permission", protocol: "imap", cfg: cfg,
			change: func(c map[string]any) { delete(c, "roles"); c["scp"] = "IMAP.AccessAsUser.All" },
			want:   []string{"delegated permissions"}},
		{name: "pop role only, imap wanted", protocol: "imap", cfg: cfg,
			change: func(c map[string]any) { c["roles"] = []string{"POP.AccessAsApp"} },
			want:   []string{"do not include IMAP.AccessAsApp"}},
		{name: "imap role only, pop wanted", protocol: "pop3", cfg: cfg,
			change: func(c map[string]any) { c["roles"] = []string{"IMAP.AccessAsApp"} },
			want:   []string{"do not include POP.AccessAsApp"}},
		{name: "other tenant", protocol: "imap", cfg: cfg,
			change: func(c map[string]any) { c["tid"] = "11111111-2222-3333-4444-555555555555" },
			want:   []string{"issued by tenant 11111111-2222-3333-4444-555555555555"}},
		{name: "other app", protocol: "imap", cfg: cfg,
			change: func(c map[string]any) { c["appid"] = "11111111-2222-3333-4444-555555555555" },
			want:   []string{"belongs to app"}},
		{name: "expired", protocol: "imap", cfg: cfg,
			change: func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() },
			want:   []string{"already expired"}},
		{name: "us gov token in global config", protocol: "imap", cfg: cfg,
			change: func(c map[string]any) { c["aud"] = "https://outlook.office365.us" },
			want:   []string{"not for Exchange Online"}},
		{name: "us gov token in us gov config", protocol: "imap", cfg: func() EntraConfig { c := cfg; c.Cloud = CloudUSGov; return c }(),
			change: func(c map[string]any) { c["aud"] = "https://outlook.office365.us" }},
		{name: "all wrong", protocol: "imap", cfg: cfg,
			change: func(c map[string]any) {
				c["aud"] = "https://graph.microsoft.com"
				c["roles"] = []string{"Mail.Read"}
				c["tid"] = "11111111-2222-3333-4444-555555555555"
			},
			want: []string{"not for Exchange Online", "do not include IMAP.AccessAsApp", "issued by tenant"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckClaims(idp.Mint(app.ClientID, tt.change), tt.protocol, tt.cfg)
			if len(got) != len(tt.want) {
				t.Fatalf("CheckClaims found %d problems, want %d: %v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				if got[i].Step != StepClaims || got[i].OK || !strings.Contains(got[i].Problem, w) || got[i].Fix == "" {
					t.Errorf("finding %d = %+v, want a problem about %q", i, got[i], w)
				}
			}
		})
	}
	if got := CheckClaims("not-a-jwt", "imap", cfg); len(got) != 1 {
		t.Errorf("CheckClaims(garbage) = %v", got)
	}
}

// TestTokenForWrongScopeCaughtByClaims: a Graph scope gets a token (Microsoft
// issues it) that the claims check then rejects.
func TestTokenForWrongScopeCaughtByClaims(t *testing.T) {
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	cfg := entraConfig(idp, app)
	cfg.Scope = "https://graph.microsoft.com/.default"
	tok, err := newTestEntra(t, cfg).Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := CheckClaims(tok.Access, "imap", cfg)
	if len(got) != 2 || !strings.Contains(got[0].Problem, "graph.microsoft.com") || !strings.Contains(got[1].Problem, "no application roles") {
		t.Errorf("CheckClaims of a Graph token = %v", got)
	}
	delegated := idp.AddApp(authtest.App{Delegated: "IMAP.AccessAsUser.All"})
	tok, err = newTestEntra(t, entraConfig(idp, delegated)).Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := CheckClaims(tok.Access, "imap", entraConfig(idp, delegated)); len(got) != 1 || !strings.Contains(got[0].Problem, "delegated") {
		t.Errorf("CheckClaims of a delegated token = %v", got)
	}
}

func TestExplainConnectError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := ln.Addr().String()
	ln.Close()

	plain, err := net.Listen("tcp", "127.0.0.1:0") // speaks no TLS
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	go func() {
		for {
			c, err := plain.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("* OK IMAP4rev1 ready\r\n"))
			time.Sleep(50 * time.Millisecond)
			c.Close()
		}
	}()
	idp := authtest.New(t) // a TLS server with a certificate nobody trusts
	idpAddr := strings.TrimPrefix(idp.URL(), "https://")

	dial := func(addr string, cfg *tls.Config) error {
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}, "tcp", addr, cfg)
		if err == nil {
			c.Close()
		}
		return err
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"dns", &net.DNSError{Err: "no such host", Name: "outlok.office365.com", IsNotFound: true}, "does not exist"},
		{"dns timeout", &net.DNSError{Err: "i/o timeout", Name: "x", IsTimeout: true}, "could not be looked up"},
		{"refused", dial(closedAddr, &tls.Config{}), "connection refused"},
		{"not TLS", dial(plain.Addr().String(), &tls.Config{ServerName: "imap.example.org"}), "does not speak TLS"},
		{"untrusted", dial(idpAddr, &tls.Config{ServerName: "example.com"}), "does not trust"},
		{"wrong name", dial(idpAddr, &tls.Config{ServerName: "imap.example.org", RootCAs: idp.CertPool()}), "another name"},
		{"timeout", fmt.Errorf("dial: %w", timeoutErr{}), "did not answer in time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatal("no error to explain")
			}
			a := ExplainConnectError(tt.err, "imap.example.org")
			if a.Step != StepConnect || a.OK || !strings.Contains(a.Problem, tt.want) || a.Fix == "" {
				t.Errorf("ExplainConnectError(%v) = %+v, want a problem about %q", tt.err, a, tt.want)
			}
		})
	}
	if a := ExplainConnectError(nil, "h"); !a.OK {
		t.Errorf("nil error: %+v", a)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestExplainSignInError(t *testing.T) {
	xo := NewXOAUTH2Client("box@contoso.com", "t")
	xo.Next([]byte(`{"status":"401","schemes":"bearer"}`))
	refused := SASLError(xo, errors.New("NO [AUTHENTICATIONFAILED] Authentication failed."))
	tests := []struct {
		name     string
		err      error
		protocol string
		entra    bool
		want     []string
		code     string
	}{
		{"entra imap", refused, "imap", true, []string{"New-ServicePrincipal", "Enterprise application", "Add-MailboxPermission", "-ImapEnabled $true", "IMAP.AccessAsApp", "30 to 60"}, "AUTHENTICATIONFAILED"},
		{"entra exchange plain", errors.New("NO AUTHENTICATE failed."), "imap", true, []string{"New-ServicePrincipal"}, ""},
		{"entra pop3", errors.New("-ERR Authentication failure: unknown user name or bad password."), "pop3", true, []string{"-PopEnabled $true", "POP.AccessAsApp"}, ""},
		{"password", errors.New("NO [AUTHENTICATIONFAILED] Authentication failed."), "imap", false, []string{"app password", "--auth entra"}, "AUTHENTICATIONFAILED"},
		{"throttled", errors.New("NO Request is throttled. Suggested Backoff Time: 299961 milliseconds"), "imap", true, []string{"Wait"}, ""},
		{"token expired", errors.New("BYE Session invalidated - AccessTokenExpired"), "imap", true, []string{"fresh token"}, ""},
		{"too many sessions", errors.New("BAD User is authenticated but not connected."), "imap", true, []string{"fewer parallel connections"}, ""},
		{"tls required", errors.New("NO [PRIVACYREQUIRED] TLS is required to authenticate"), "imap", false, []string{"TLS"}, "PRIVACYREQUIRED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ExplainSignInError(tt.err, tt.protocol, tt.entra)
			if a.Step != StepSignIn || a.OK || a.Code != tt.code {
				t.Errorf("advice %+v: want step signin, code %q", a, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(a.Fix, w) {
					t.Errorf("fix lacks %q: %s", w, a.Fix)
				}
			}
		})
	}
	if a := ExplainSignInError(refused, "imap", true); !strings.Contains(a.Problem, "status 401") {
		t.Errorf("the XOAUTH2 status is not in the problem: %s", a.Problem)
	}
	if a := ExplainSignInError(nil, "imap", true); !a.OK || a.String() != "signin: OK" {
		t.Errorf("nil: %+v", a)
	}
}

func TestAdviceString(t *testing.T) {
	a := Advice{Step: StepToken, Problem: "It broke.", Fix: "Fix it.", Code: "AADSTS1"}
	if got := a.String(); got != "It broke. Fix it. (AADSTS1)" {
		t.Errorf("String = %q", got)
	}
}
