// Package authtest is a test identity provider that speaks Microsoft Entra
// ID's wire format for the OAuth 2.0 client-credentials grant, so that MSAL
// (and so auth.Entra) can be tested against it without a network.
//
// It serves, over HTTPS with its own CA:
//
//	GET  /{tenant}/v2.0/.well-known/openid-configuration   tenant discovery (unknown tenant: 400 AADSTS90002)
//	POST /{tenant}/oauth2/v2.0/token                       the token endpoint (form-encoded)
//	GET  /{tenant}/discovery/v2.0/keys                      the signing key (JWKS)
//	GET  /mailkeep-test/validate?user=<mailbox>&service=<imap|pop3>
//	     with "Authorization: Bearer <token>"              200 "OK", or 403 and a one-line reason
//
// Tokens are RS256-signed JWTs with the claims Exchange Online's tokens carry
// (aud, iss, tid, appid, roles, oid, exp, iat, nbf). Failures carry the real
// AADSTS error JSON (error, error_description, error_codes, timestamp,
// trace_id, correlation_id, error_uri). The validate endpoint plays Exchange's
// part for a real Dovecot (its Lua passdb asks it whether a mailbox may be
// opened with a token); XOAUTH2Server plays it for go-imap's in-process server.
//
// Typical use:
//
//	idp := authtest.New(t)
//	app := idp.AddApp(authtest.App{})              // a tenant, client ID and secret are made up
//	idp.Grant(app.ClientID, "archive@contoso.com")
//	e, _ := auth.NewEntra(auth.EntraConfig{Tenant: app.Tenant, ClientID: app.ClientID,
//		Secret: app.Secret, AuthorityHost: idp.URL(), HTTPClient: idp.Client()})
//
// New closes the server when the test ends. Outside Go (curl, Dovecot) trust
// the server with CACertFile.
package authtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Roles Exchange Online's application permissions grant.
const (
	RoleIMAP = "IMAP.AccessAsApp"
	RolePOP  = "POP.AccessAsApp"
)

// ExchangeAudience is the audience of a token for Exchange Online (worldwide).
const ExchangeAudience = "https://outlook.office365.com"

// App is an app registration.
type App struct {
	Tenant      string // the tenant ID (a GUID) the app lives in; empty: a new tenant is made up
	ClientID    string // empty: made up
	DisplayName string
	Secret      string // the client secret's value; empty (and no Cert): made up
	SecretID    string // the client secret's ID, what admins paste by mistake; empty: made up
	Expired     bool   // the secret has expired (AADSTS7000222)

	// Cert is a certificate credential: client assertions signed with its key
	// are accepted.
	Cert *x509.Certificate

	// Roles are the application permissions of Office 365 Exchange Online
	// granted with admin consent. nil: both IMAP.AccessAsApp and
	// POP.AccessAsApp; an empty, non-nil slice: none (no consent).
	Roles []string

	// Delegated, when set, makes tokens carry it as a delegated scope (scp)
	// and no roles: a delegated permission where an application one was needed.
	Delegated string

	Audience string // overrides the token's aud
	ObjectID string // the service principal's object ID (oid); empty: made up
}

// Tenant is a directory.
type Tenant struct {
	ID      string
	Domains []string
}

// IdP is the test identity provider. Its methods are safe for concurrent use.
type IdP struct {
	srv *httptest.Server
	key *rsa.PrivateKey
	kid string
	t   testing.TB

	mu          sync.Mutex
	now         func() time.Time
	lifetime    time.Duration
	audience    string // what the validate endpoint expects
	delay       time.Duration
	failN       int
	failStatus  int
	tenants     map[string]*Tenant // by lower-case ID and domain
	apps        map[string]*App    // by lower-case client ID
	grants      map[string]map[string]bool
	tokenReqs   int
	discoReqs   int
	issued      int
	tokens      []string // every access token issued, for leak checks
	validations int
	caFile      string
}

// Option configures New.
type Option func(*IdP)

// WithTokenLifetime sets how long issued tokens live (default one hour).
func WithTokenLifetime(d time.Duration) Option { return func(p *IdP) { p.lifetime = d } }

// WithClock sets the clock tokens are issued and validated by (default time.Now).
func WithClock(now func() time.Time) Option { return func(p *IdP) { p.now = now } }

// WithAudience sets the audience the validate endpoint accepts (default
// ExchangeAudience): the IdP then plays another cloud's Exchange.
func WithAudience(aud string) Option { return func(p *IdP) { p.audience = aud } }

// WithApp registers app at start.
func WithApp(app App) Option { return func(p *IdP) { p.AddApp(app) } }

// New starts an identity provider; it is closed when t ends.
func New(t testing.TB, opts ...Option) *IdP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("authtest: %v", err)
	}
	p := &IdP{
		key: key, kid: randomID()[:8], t: t,
		now: time.Now, lifetime: time.Hour, audience: ExchangeAudience,
		tenants: map[string]*Tenant{}, apps: map[string]*App{}, grants: map[string]map[string]bool{},
	}
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(p.serveHTTP))
	// Clients that do not trust the test CA are tested on purpose: no noise.
	p.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	p.srv.StartTLS()
	t.Cleanup(p.Close)
	for _, o := range opts {
		o(p)
	}
	return p
}

// Close stops the server.
func (p *IdP) Close() { p.srv.Close() }

// URL is the authority host, e.g. "https://127.0.0.1:40123" (for
// EntraConfig.AuthorityHost).
func (p *IdP) URL() string { return p.srv.URL }

// ValidateURL is the validate endpoint without its query.
func (p *IdP) ValidateURL() string { return p.srv.URL + "/mailkeep-test/validate" }

// Client is an HTTP client that trusts the server (for EntraConfig.HTTPClient).
func (p *IdP) Client() *http.Client { return p.srv.Client() }

// CertPool holds the server's certificate.
func (p *IdP) CertPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.srv.Certificate())
	return pool
}

// CACertPEM is the server's certificate in PEM, to trust it.
func (p *IdP) CACertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.srv.Certificate().Raw})
}

// CACertFile writes CACertPEM into the test's temporary folder and returns its
// path (for curl --cacert, SSL_CERT_FILE).
func (p *IdP) CACertFile() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.caFile == "" {
		p.caFile = filepath.Join(p.t.TempDir(), "authtest-ca.pem")
		if err := os.WriteFile(p.caFile, p.CACertPEM(), 0o644); err != nil {
			p.t.Fatalf("authtest: %v", err)
		}
	}
	return p.caFile
}

// AddTenant adds a directory known by id (a GUID) and by its domains.
func (p *IdP) AddTenant(id string, domains ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.addTenantLocked(id, domains...)
}

func (p *IdP) addTenantLocked(id string, domains ...string) *Tenant {
	t := p.tenants[strings.ToLower(id)]
	if t == nil {
		t = &Tenant{ID: id}
		p.tenants[strings.ToLower(id)] = t
	}
	for _, d := range domains {
		t.Domains = append(t.Domains, d)
		p.tenants[strings.ToLower(d)] = t
	}
	return t
}

// AddApp registers app (adding its tenant if new) and returns it with the
// made-up values filled in.
func (p *IdP) AddApp(app App) App {
	if app.Tenant == "" {
		app.Tenant = randomID()
	}
	if app.ClientID == "" {
		app.ClientID = randomID()
	}
	if app.Secret == "" && app.Cert == nil {
		app.Secret = randomSecret()
	}
	if app.SecretID == "" {
		app.SecretID = randomID()
	}
	if app.ObjectID == "" {
		app.ObjectID = randomID()
	}
	if app.DisplayName == "" {
		app.DisplayName = "Mailkeep test app"
	}
	if app.Roles == nil {
		app.Roles = []string{RoleIMAP, RolePOP}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.addTenantLocked(app.Tenant)
	stored := app
	stored.Roles = slices.Clone(app.Roles)
	p.apps[strings.ToLower(app.ClientID)] = &stored
	return app
}

// UpdateApp changes a registered app (e.g. to expire its secret).
func (p *IdP) UpdateApp(clientID string, change func(*App)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if a := p.apps[strings.ToLower(clientID)]; a != nil {
		change(a)
	}
}

// Grant gives the app FullAccess to the mailboxes (Add-MailboxPermission).
func (p *IdP) Grant(clientID string, mailboxes ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	g := p.grants[strings.ToLower(clientID)]
	if g == nil {
		g = map[string]bool{}
		p.grants[strings.ToLower(clientID)] = g
	}
	for _, m := range mailboxes {
		g[strings.ToLower(m)] = true
	}
}

// Revoke takes a mailbox grant away.
func (p *IdP) Revoke(clientID, mailbox string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.grants[strings.ToLower(clientID)], strings.ToLower(mailbox))
}

// FailNext makes the next n discovery or token requests fail with status
// (e.g. 503), as Microsoft's service does when it has trouble of its own.
func (p *IdP) FailNext(n, status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failN, p.failStatus = n, status
}

// SetDelay makes discovery and token requests wait d before answering.
func (p *IdP) SetDelay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delay = d
}

// SetTokenLifetime changes how long tokens issued from now on live.
func (p *IdP) SetTokenLifetime(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lifetime = d
}

// TokenRequests counts requests to the token endpoint (failed ones too).
func (p *IdP) TokenRequests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tokenReqs
}

// DiscoveryRequests counts tenant discovery requests.
func (p *IdP) DiscoveryRequests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.discoReqs
}

// TokensIssued counts tokens issued.
func (p *IdP) TokensIssued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.issued
}

// IssuedTokens returns every access token the token endpoint issued, so that
// a test can check that none of them leaked into a file, log or output.
func (p *IdP) IssuedTokens() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.tokens)
}

// Validations counts requests to the validate endpoint.
func (p *IdP) Validations() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.validations
}

func randomID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// randomSecret looks like an Entra client secret value: 40 characters with a ~.
func randomSecret() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
	var b [37]byte
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b[i] = alphabet[n.Int64()]
	}
	return string(b[:3]) + "8Q~" + string(b[3:])
}

func (p *IdP) jwks() map[string]any {
	pub := p.key.PublicKey
	sum := sha1.Sum(p.srv.Certificate().Raw)
	return map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "use": "sig", "kid": p.kid,
		"x5t": base64.RawURLEncoding.EncodeToString(sum[:]),
		"n":   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e":   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store, no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
