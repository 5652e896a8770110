package auth

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/auth/authtest"
)

// fastRetry keeps tests that meet 5xx quick.
var fastRetry = retryPolicy{initial: 5 * time.Millisecond, max: 20 * time.Millisecond, tries: 5}

func entraConfig(idp *authtest.IdP, app authtest.App) EntraConfig {
	return EntraConfig{Tenant: app.Tenant, ClientID: app.ClientID, Secret: app.Secret,
		AuthorityHost: idp.URL(), HTTPClient: idp.Client()}
}

func newTestEntra(t *testing.T, cfg EntraConfig) *Entra {
	t.Helper()
	e, err := NewEntra(cfg)
	if err != nil {
		t.Fatalf("NewEntra: %v", err)
	}
	e.retry = fastRetry
	return e
}

func TestEntraTokenSuccess(t *testing.T) {
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	cfg := entraConfig(idp, app)
	if a := CheckEntraConfig(cfg); len(a) != 0 {
		t.Fatalf("CheckEntraConfig of a good config: %v", a)
	}
	e := newTestEntra(t, cfg)
	tok, err := e.Token(context.Background())
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if until := time.Until(tok.ExpiresOn); until < 55*time.Minute || until > time.Hour {
		t.Errorf("ExpiresOn in %v, want about an hour", until)
	}
	for _, proto := range []string{"imap", "pop3"} {
		if a := CheckClaims(tok.Access, proto, cfg); len(a) != 0 {
			t.Errorf("CheckClaims(%s) of a good token: %v", proto, a)
		}
	}
	c, err := ParseClaims(tok.Access)
	if err != nil {
		t.Fatal(err)
	}
	if c.TenantID != app.Tenant || c.AppID != app.ClientID || c.Audience != "https://outlook.office365.com" {
		t.Errorf("claims %+v do not match app %s/%s", c, app.Tenant, app.ClientID)
	}
	if err := idp.Validate(tok.Access, "box@contoso.com", "imap"); err == nil || !strings.Contains(err.Error(), "not granted") {
		t.Errorf("Validate before Grant: %v, want 'not granted'", err)
	}
	idp.Grant(app.ClientID, "box@contoso.com")
	if err := idp.Validate(tok.Access, "Box@Contoso.com", "imap"); err != nil {
		t.Errorf("Validate after Grant: %v", err)
	}
	if n := idp.TokenRequests(); n != 1 {
		t.Errorf("token requests: %d, want 1", n)
	}
}

func TestEntraTenantByDomain(t *testing.T) {
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	idp.AddTenant(app.Tenant, "contoso.onmicrosoft.com")
	cfg := entraConfig(idp, app)
	cfg.Tenant = "Contoso.onmicrosoft.com"
	if _, err := newTestEntra(t, cfg).Token(context.Background()); err != nil {
		t.Fatalf("Token with tenant domain: %v", err)
	}
}

// TestEntraFailures runs each failure a setup meets through MSAL and the
// doctor: the code, the kind, and a Fix that names the right action.
func TestEntraFailures(t *testing.T) {
	idp := authtest.New(t)
	good := idp.AddApp(authtest.App{})
	expired := idp.AddApp(authtest.App{Expired: true})
	tests := []struct {
		name      string
		cfg       func() EntraConfig
		code      string
		kind      error
		problem   string // in Advice.Problem
		fix       string // in Advice.Fix
		noRequest bool   // must fail before the token endpoint
	}{
		{name: "wrong secret", cfg: func() EntraConfig {
			c := entraConfig(idp, good)
			c.Secret = "abc8Q~not-the-right-secret-value-at-all000"
			return c
		}, code: "AADSTS7000215", kind: ErrCredentials, problem: "refused the client secret", fix: "Value column"},
		{name: "secret ID pasted", cfg: func() EntraConfig {
			c := entraConfig(idp, good)
			c.Secret = good.SecretID
			return c
		}, code: "AADSTS7000215", kind: ErrCredentials, problem: "secret ID, not the secret value", fix: "Value column"},
		{name: "expired secret", cfg: func() EntraConfig { return entraConfig(idp, expired) },
			code: "AADSTS7000222", kind: ErrCredentials, problem: "expired", fix: "create a new client secret"},
		{name: "unknown tenant", cfg: func() EntraConfig {
			c := entraConfig(idp, good)
			c.Tenant = "00000000-1111-2222-3333-444444444444"
			return c
		}, code: "AADSTS90002", kind: ErrCredentials, problem: "knows no tenant", fix: "Directory (tenant) ID", noRequest: true},
		{name: "unknown client ID", cfg: func() EntraConfig {
			c := entraConfig(idp, good)
			c.ClientID = "99999999-1111-2222-3333-444444444444"
			return c
		}, code: "AADSTS700016", kind: ErrCredentials, problem: "no app with that Application (client) ID", fix: "Application (client) ID"},
		{name: "invalid scope", cfg: func() EntraConfig {
			c := entraConfig(idp, good)
			c.Scope = "https://outlook.office365.com/IMAP.AccessAsApp"
			return c
		}, code: "AADSTS70011", kind: ErrCredentials, problem: "scope", fix: "https://outlook.office365.com/.default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := idp.TokenRequests()
			cfg := tt.cfg()
			_, err := newTestEntra(t, cfg).Token(context.Background())
			if err == nil {
				t.Fatal("Token succeeded")
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.kind)
			}
			if errors.Is(err, ErrService) {
				t.Errorf("a credentials failure is also ErrService: %v", err)
			}
			var te *TokenError
			if !errors.As(err, &te) || te.Code != tt.code {
				t.Fatalf("error %v: code %v, want %s", err, te, tt.code)
			}
			if !strings.Contains(err.Error(), tt.code) {
				t.Errorf("error text %q lacks the code", err)
			}
			a := ExplainTokenError(err, cfg)
			if a.OK || a.Code != tt.code || a.Step != StepToken {
				t.Errorf("advice %+v: want code %s, step token, not OK", a, tt.code)
			}
			if !strings.Contains(a.Problem, tt.problem) {
				t.Errorf("advice problem %q lacks %q", a.Problem, tt.problem)
			}
			if !strings.Contains(a.Fix, tt.fix) {
				t.Errorf("advice fix %q lacks %q", a.Fix, tt.fix)
			}
			if got := idp.TokenRequests() - before; tt.noRequest && got != 0 {
				t.Errorf("%d token requests, want none (fails at tenant discovery)", got)
			}
		})
	}
}

func TestCheckEntraConfigSecretID(t *testing.T) {
	cfg := EntraConfig{Tenant: "8b5a1b7e-2a4f-4c2e-9d3e-1f2a3b4c5d6e", ClientID: "0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00",
		Secret: "5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"}
	found := CheckEntraConfig(cfg)
	if len(found) != 1 || found[0].Code != "AADSTS7000215" || !strings.Contains(found[0].Problem, "secret ID") {
		t.Fatalf("CheckEntraConfig(GUID secret) = %v, want one secret-ID warning", found)
	}
	cfg.Secret = ""
	if found := CheckEntraConfig(cfg); len(found) != 1 || found[0].Code != "AADSTS7000218" {
		t.Errorf("CheckEntraConfig(empty secret) = %v", found)
	}
	_, err := NewEntra(cfg)
	if !errors.Is(err, ErrCredentials) {
		t.Fatalf("NewEntra(empty secret) = %v, want ErrCredentials", err)
	}
	if a := ExplainTokenError(err, cfg); a.Step != StepSecret || a.Code != "AADSTS7000218" || !strings.Contains(a.Fix, "Value") {
		t.Errorf("advice for an empty secret: %+v", a)
	}
	cfg.Secret, cfg.ClientID, cfg.Tenant = " x~y ", "not-a-guid", "contoso"
	if found := CheckEntraConfig(cfg); len(found) != 3 {
		t.Errorf("CheckEntraConfig(spaces, bad client ID, bad tenant) = %v, want 3 findings", found)
	}
}

func TestEntraServiceUnavailableRetried(t *testing.T) {
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	cfg := entraConfig(idp, app)

	// Two failures, then success: retried, no error.
	idp.FailNext(2, 503)
	if _, err := newTestEntra(t, cfg).Token(context.Background()); err != nil {
		t.Fatalf("Token after two 503s: %v", err)
	}
	if got := idp.DiscoveryRequests() + idp.TokenRequests(); got != 4 {
		t.Errorf("requests: %d, want 4 (2 failed, discovery, token)", got)
	}

	// Failing on: reported as a service problem after the bounded retries.
	idp.FailNext(100, 503)
	before := idp.DiscoveryRequests() + idp.TokenRequests()
	_, err := newTestEntra(t, cfg).Token(context.Background())
	if !errors.Is(err, ErrService) || errors.Is(err, ErrCredentials) {
		t.Fatalf("Token during an outage: %v, want ErrService and not ErrCredentials", err)
	}
	if got := idp.DiscoveryRequests() + idp.TokenRequests() - before; got != int(fastRetry.tries) {
		t.Errorf("tries: %d, want %d", got, fastRetry.tries)
	}
	a := ExplainTokenError(err, cfg)
	if !strings.Contains(a.Problem, "not a problem with your tenant") || !strings.Contains(a.Problem, "503") {
		t.Errorf("advice for 503: %+v", a)
	}
}

func TestEntraNetworkFailures(t *testing.T) {
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})

	t.Run("untrusted certificate", func(t *testing.T) {
		cfg := entraConfig(idp, app)
		cfg.HTTPClient = nil // the system's roots do not know the test CA
		_, err := newTestEntra(t, cfg).Token(context.Background())
		if !errors.Is(err, ErrNetwork) || !errors.Is(err, ErrService) {
			t.Fatalf("Token: %v, want ErrNetwork", err)
		}
		if a := ExplainTokenError(err, cfg); !strings.Contains(a.Problem, "does not trust") {
			t.Errorf("advice: %+v", a)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		cfg := entraConfig(idp, app)
		cfg.AuthorityHost = "https://" + addr
		_, err = newTestEntra(t, cfg).Token(context.Background())
		if !errors.Is(err, ErrNetwork) {
			t.Fatalf("Token: %v, want ErrNetwork", err)
		}
		if a := ExplainTokenError(err, cfg); !strings.Contains(a.Problem, "connection refused") {
			t.Errorf("advice: %+v", a)
		}
	})
	t.Run("slow service", func(t *testing.T) {
		slow := authtest.New(t)
		app := slow.AddApp(authtest.App{})
		slow.SetDelay(5 * time.Second)
		cfg := entraConfig(slow, app)
		cfg.Timeout = 100 * time.Millisecond
		_, err := newTestEntra(t, cfg).Token(context.Background())
		if !errors.Is(err, ErrService) {
			t.Fatalf("Token: %v, want ErrService", err)
		}
	})
}

// TestTokenReuseOneHour: a one-hour token serves 50 Token and SASL calls with
// one request.
func TestTokenReuseOneHour(t *testing.T) {
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	e := newTestEntra(t, entraConfig(idp, app))
	ctx := context.Background()
	for i := range 50 {
		var err error
		if i%2 == 0 {
			_, err = e.Token(ctx)
		} else {
			_, err = e.SASL(ctx, "box@contoso.com")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := idp.TokenRequests(); n != 1 {
		t.Errorf("50 calls made %d token requests, want 1", n)
	}
	t.Logf("50 Token/SASL calls: %d token request(s)", idp.TokenRequests())
}

// TestTokenRefreshSimulatedClock runs long jobs on a simulated clock: the
// cache asks for a token only when the old one nears its end.
func TestTokenRefreshSimulatedClock(t *testing.T) {
	tests := []struct {
		lifetime, run time.Duration
		want          int
	}{
		// 7 minutes: replaced after 3.5 (half its life): at 0, 3.5, 7.
		{7 * time.Minute, 10 * time.Minute, 3},
		// One hour: replaced 5 minutes early: at 0, 55, 110.
		{time.Hour, 2 * time.Hour, 3},
		// 4 minutes: replaced after 2: at 0, 2, 4, 6, 8, 10.
		{4 * time.Minute, 10 * time.Minute, 6},
	}
	for _, tt := range tests {
		t.Run(tt.lifetime.String(), func(t *testing.T) {
			idp := authtest.New(t, authtest.WithTokenLifetime(tt.lifetime))
			app := idp.AddApp(authtest.App{})
			e := newTestEntra(t, entraConfig(idp, app))
			start := time.Now()
			var mu sync.Mutex
			now := start
			e.cache.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			calls := 0
			for step := time.Duration(0); step <= tt.run; step += 10 * time.Second {
				mu.Lock()
				now = start.Add(step)
				mu.Unlock()
				for range 3 {
					tok, err := e.Token(context.Background())
					if err != nil {
						t.Fatal(err)
					}
					calls++
					if left := tok.ExpiresOn.Sub(start.Add(step)); left <= 0 {
						t.Fatalf("at %v: token expired %v ago", step, -left)
					}
				}
			}
			got := idp.TokenRequests()
			t.Logf("lifetime %v over %v: %d calls, %d token requests", tt.lifetime, tt.run, calls, got)
			if got != tt.want {
				t.Errorf("token requests: %d, want %d", got, tt.want)
			}
		})
	}
}

func TestTokenConcurrent(t *testing.T) {
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	idp.SetDelay(200 * time.Millisecond) // all callers arrive while the first request runs
	e := newTestEntra(t, entraConfig(idp, app))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 64 {
		wg.Go(func() {
			if _, err := e.Token(context.Background()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := idp.TokenRequests(); n != 1 {
		t.Errorf("64 concurrent callers made %d token requests, want 1", n)
	}
}

func TestTokenCallerGivesUp(t *testing.T) {
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	idp.SetDelay(300 * time.Millisecond)
	e := newTestEntra(t, entraConfig(idp, app))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := e.Token(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Token with a short deadline: %v", err)
	}
	// The request went on; its token serves the next caller.
	if _, err := e.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := idp.TokenRequests(); n != 1 {
		t.Errorf("token requests: %d, want 1", n)
	}
	e.Forget()
	idp.SetDelay(0)
	if _, err := e.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := idp.TokenRequests(); n != 2 {
		t.Errorf("after Forget: %d token requests, want 2", n)
	}
}

func TestCloudFor(t *testing.T) {
	tests := []struct {
		c                Cloud
		authority, scope string
		host, audience   string
	}{
		{"", "https://login.microsoftonline.com", "https://outlook.office365.com/.default", "outlook.office365.com", "https://outlook.office365.com"},
		{CloudGlobal, "https://login.microsoftonline.com", "https://outlook.office365.com/.default", "outlook.office365.com", "https://outlook.office365.com"},
		{CloudUSGov, "https://login.microsoftonline.us", "https://outlook.office365.us/.default", "outlook.office365.us", "https://outlook.office365.us"},
		{CloudChina, "https://login.partner.microsoftonline.cn", "https://partner.outlook.cn/.default", "partner.outlook.cn", "https://partner.outlook.cn"},
	}
	for _, tt := range tests {
		ci, err := CloudFor(tt.c)
		if err != nil {
			t.Fatal(err)
		}
		if ci.AuthorityHost != tt.authority || ci.Scope != tt.scope || ci.IMAPHost != tt.host || ci.POPHost != tt.host || ci.Audience() != tt.audience {
			t.Errorf("CloudFor(%q) = %+v", tt.c, ci)
		}
	}
	if _, err := CloudFor("mars"); !errors.Is(err, ErrCredentials) {
		t.Errorf("CloudFor(mars) = %v", err)
	}
}

func TestNewEntraRejects(t *testing.T) {
	tests := []EntraConfig{
		{ClientID: "c", Secret: "s"},
		{Tenant: "t/../../evil", ClientID: "c", Secret: "s"},
		{Tenant: "t", Secret: "s"},
		{Tenant: "t", ClientID: "c", Secret: "s", CertFile: "x.pem"},
		{Tenant: "t", ClientID: "c", Secret: "s", AuthorityHost: "http://127.0.0.1:1"},
		{Tenant: "t", ClientID: "c", Secret: "s", AuthorityHost: "https://host/path"},
		{Tenant: "t", ClientID: "c", CertFile: "/nonexistent/cert.pem"},
		{Tenant: "t", ClientID: "c", Secret: "s", Cloud: "mars"},
	}
	for _, cfg := range tests {
		_, err := NewEntra(cfg)
		if !errors.Is(err, ErrCredentials) {
			t.Errorf("NewEntra(%v) = %v, want ErrCredentials", cfg, err)
		}
	}
}

func TestEntraCertificate(t *testing.T) {
	idp := authtest.New(t)
	cert, pemPath, pfxPath := authtest.CertificateFiles(t, "pfx-pass")
	app := idp.AddApp(authtest.App{Cert: cert})
	other := idp.AddApp(authtest.App{}) // has no certificate
	for _, tt := range []struct {
		name, file, password string
		app                  authtest.App
		wantCode             string
		configErr            string
	}{
		{name: "PEM", file: pemPath, app: app},
		{name: "PFX", file: pfxPath, password: "pfx-pass", app: app},
		{name: "PFX wrong password", file: pfxPath, password: "nope", app: app, configErr: "password"},
		{name: "certificate not registered", file: pemPath, app: other, wantCode: "AADSTS700027"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := EntraConfig{Tenant: tt.app.Tenant, ClientID: tt.app.ClientID, CertFile: tt.file,
				CertPassword: tt.password, AuthorityHost: idp.URL(), HTTPClient: idp.Client()}
			e, err := NewEntra(cfg)
			if tt.configErr != "" {
				if !errors.Is(err, ErrCredentials) || !strings.Contains(err.Error(), tt.configErr) {
					t.Fatalf("NewEntra: %v, want an error about %s", err, tt.configErr)
				}
				if strings.Contains(err.Error(), tt.password) {
					t.Errorf("error shows the PFX password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			e.retry = fastRetry
			tok, err := e.Token(context.Background())
			if tt.wantCode != "" {
				var te *TokenError
				if !errors.As(err, &te) || te.Code != tt.wantCode {
					t.Fatalf("Token: %v, want %s", err, tt.wantCode)
				}
				if a := ExplainTokenError(err, cfg); !strings.Contains(a.Fix, "Upload the certificate") {
					t.Errorf("advice: %+v", a)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a := CheckClaims(tok.Access, "imap", cfg); len(a) != 0 {
				t.Errorf("claims: %v", a)
			}
		})
	}
}
