package auth

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/cenkalti/backoff/v5"
	"github.com/emersion/go-sasl"
	"software.sslmate.com/src/go-pkcs12"
)

// Cloud names a Microsoft cloud: each has its own sign-in service and its own
// Exchange Online.
type Cloud string

// The clouds Mailkeep knows.
const (
	CloudGlobal Cloud = "global" // Microsoft 365 worldwide (and GCC)
	CloudUSGov  Cloud = "usgov"  // US Government: GCC High and DoD
	CloudChina  Cloud = "china"  // Microsoft 365 operated by 21Vianet
)

// CloudInfo holds a cloud's endpoints.
type CloudInfo struct {
	AuthorityHost string // the sign-in service, e.g. "https://login.microsoftonline.com"
	Scope         string // what the token is asked for: Exchange Online's "/.default"
	IMAPHost      string
	POPHost       string
}

// Audience is the token audience (aud claim) Exchange Online of this cloud
// expects: the scope without "/.default".
func (ci CloudInfo) Audience() string { return strings.TrimSuffix(ci.Scope, "/.default") }

// CloudFor returns the endpoints of cloud c; the empty Cloud means CloudGlobal.
//
// China: Microsoft's current sign-in host for 21Vianet is
// login.partner.microsoftonline.cn; the older login.chinacloudapi.cn is still
// accepted by MSAL as an alias.
func CloudFor(c Cloud) (CloudInfo, error) {
	switch c {
	case CloudGlobal, "":
		return CloudInfo{
			AuthorityHost: "https://login.microsoftonline.com",
			Scope:         "https://outlook.office365.com/.default",
			IMAPHost:      "outlook.office365.com",
			POPHost:       "outlook.office365.com",
		}, nil
	case CloudUSGov:
		return CloudInfo{
			AuthorityHost: "https://login.microsoftonline.us",
			Scope:         "https://outlook.office365.us/.default",
			IMAPHost:      "outlook.office365.us",
			POPHost:       "outlook.office365.us",
		}, nil
	case CloudChina:
		return CloudInfo{
			AuthorityHost: "https://login.partner.microsoftonline.cn",
			Scope:         "https://partner.outlook.cn/.default",
			IMAPHost:      "partner.outlook.cn",
			POPHost:       "partner.outlook.cn",
		}, nil
	}
	return CloudInfo{}, fmt.Errorf("unknown cloud %q: use %q (worldwide Microsoft 365), %q (US Government: GCC High or DoD) or %q (operated by 21Vianet in China): %w",
		string(c), CloudGlobal, CloudUSGov, CloudChina, ErrCredentials)
}

// EntraConfig describes one app registration in Microsoft Entra ID.
// Formatting it (fmt, slog, encoding/json) never shows Secret or CertPassword.
type EntraConfig struct {
	Tenant, ClientID string // tenant: a GUID or a domain such as contoso.onmicrosoft.com
	Cloud            Cloud
	AuthorityHost    string       // override, e.g. "https://127.0.0.1:4431" (tests, private endpoints)
	Scope            string       // override; default from Cloud
	Secret           string       `json:"-"` // the client secret's value, or:
	CertFile         string       // PEM or PFX certificate credential
	CertPassword     string       `json:"-"`
	HTTPClient       *http.Client `json:"-"` // nil: default

	// Timeout bounds one token request including its retries; zero: one minute.
	Timeout time.Duration
}

const redacted = "[hidden]"

func (c EntraConfig) redactedCopy() entraConfigView {
	v := entraConfigView{Tenant: c.Tenant, ClientID: c.ClientID, Cloud: c.Cloud,
		AuthorityHost: c.AuthorityHost, Scope: c.Scope, CertFile: c.CertFile, Timeout: c.Timeout}
	if c.Secret != "" {
		v.Secret = redacted
	}
	if c.CertPassword != "" {
		v.CertPassword = redacted
	}
	return v
}

// entraConfigView is EntraConfig without secrets, for printing.
type entraConfigView struct {
	Tenant, ClientID string
	Cloud            Cloud
	AuthorityHost    string
	Scope            string
	Secret           string
	CertFile         string
	CertPassword     string
	Timeout          time.Duration
}

// String describes the configuration without its secrets.
func (c EntraConfig) String() string { return fmt.Sprintf("%+v", c.redactedCopy()) }

// GoString is String for %#v.
func (c EntraConfig) GoString() string { return "auth.EntraConfig" + c.String() }

// LogValue keeps secrets out of slog output.
func (c EntraConfig) LogValue() slog.Value {
	v := c.redactedCopy()
	return slog.GroupValue(
		slog.String("tenant", v.Tenant), slog.String("client_id", v.ClientID),
		slog.String("cloud", string(v.Cloud)), slog.String("authority_host", v.AuthorityHost),
		slog.String("secret", v.Secret), slog.String("cert_file", v.CertFile))
}

// Token is an access token and when it stops being valid.
// Formatting it never shows Access.
type Token struct {
	Access    string `json:"-"`
	ExpiresOn time.Time
}

// String describes the token without its value.
func (t Token) String() string {
	if t.Access == "" {
		return "no token"
	}
	return fmt.Sprintf("access token (%d bytes) valid until %s", len(t.Access), t.ExpiresOn.Format(time.RFC3339))
}

// GoString is String for %#v.
func (t Token) GoString() string { return "auth.Token{" + t.String() + "}" }

// LogValue keeps the token out of slog output.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("bytes", len(t.Access)), slog.Time("expires_on", t.ExpiresOn))
}

// Entra gets app-only tokens for one app registration with the OAuth 2.0
// client-credentials grant and keeps them until shortly before they expire.
// Make one Entra per app registration and share it (it is safe for concurrent
// use): ten mailboxes archived with one app need one token, not ten.
type Entra struct {
	cfg    EntraConfig // secrets: never printed (see String)
	info   CloudInfo
	scope  string
	client confidential.Client
	cache  *tokenCache
	retry  retryPolicy
}

// retryPolicy bounds the retries of a token request that failed for a
// transient reason (5xx, 429, network).
type retryPolicy struct {
	initial, max time.Duration
	tries        uint
}

var defaultRetry = retryPolicy{initial: 500 * time.Millisecond, max: 8 * time.Second, tries: 5}

// String describes e without secrets.
func (e *Entra) String() string {
	return fmt.Sprintf("Entra app %s in tenant %s (%s)", e.cfg.ClientID, e.cfg.Tenant, e.authority())
}

// GoString is String for %#v.
func (e *Entra) GoString() string { return "&auth.Entra{" + e.String() + "}" }

// LogValue keeps secrets out of slog output.
func (e *Entra) LogValue() slog.Value { return e.cfg.LogValue() }

// tenantPattern accepts tenant GUIDs and domain names, nothing that could change
// the authority URL's path.
var tenantPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*$`)

// NewEntra checks cfg and prepares one MSAL client for it. It does not call the
// network: the first Token does.
func NewEntra(cfg EntraConfig) (*Entra, error) {
	info, err := CloudFor(cfg.Cloud)
	if err != nil {
		return nil, err
	}
	cfg.Tenant = strings.TrimSpace(cfg.Tenant)
	cfg.ClientID = strings.TrimSpace(cfg.ClientID)
	switch {
	case cfg.Tenant == "":
		return nil, configError("the tenant is missing: enter the Directory (tenant) ID from the app's Overview page in the Entra admin center, or your domain such as contoso.onmicrosoft.com")
	case !tenantPattern.MatchString(cfg.Tenant):
		return nil, configError("the tenant %q is not a tenant ID or a domain name: copy the Directory (tenant) ID from the app's Overview page in the Entra admin center", cfg.Tenant)
	case cfg.ClientID == "":
		return nil, configError("the client ID is missing: enter the Application (client) ID from the app's Overview page in the Entra admin center")
	case cfg.Secret != "" && cfg.CertFile != "":
		return nil, configError("both a client secret and a certificate are set: keep only the one the app registration uses")
	case cfg.Secret == "" && cfg.CertFile == "":
		// Microsoft answers an empty secret with AADSTS7000218; MSAL does
		// not even send it.
		err := configError("the client secret is empty: in the Entra admin center open the app, Certificates & secrets, create a new client secret and copy its Value (not its Secret ID)")
		err.(*TokenError).Code = "AADSTS7000218"
		err.(*TokenError).Step = StepSecret
		return nil, err
	}
	if cfg.AuthorityHost != "" {
		u, err := url.Parse(cfg.AuthorityHost)
		if err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, configError("the authority host %q is not an https URL without a path, such as https://login.microsoftonline.com", cfg.AuthorityHost)
		}
		info.AuthorityHost = "https://" + u.Host
	}
	scope := info.Scope
	if cfg.Scope != "" {
		scope = cfg.Scope
	}

	var cred confidential.Credential
	if cfg.Secret != "" {
		cred, err = confidential.NewCredFromSecret(cfg.Secret)
	} else {
		var certs []*x509.Certificate
		var key crypto.PrivateKey
		certs, key, err = loadCertificate(cfg.CertFile, cfg.CertPassword)
		if err != nil {
			return nil, err
		}
		cred, err = confidential.NewCredFromCert(certs, key)
	}
	if err != nil {
		return nil, configError("the credential cannot be used: %v", err)
	}

	e := &Entra{cfg: cfg, info: info, scope: scope, retry: defaultRetry}
	opts := []confidential.Option{
		// Our own cache (tokencache.go) is the only one: MSAL's would answer
		// with its own clock and its own 5-minute rule.
		confidential.WithCache(noCache{}),
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, confidential.WithHTTPClient(cfg.HTTPClient))
	}
	if cfg.AuthorityHost != "" {
		// A host outside Microsoft's list would first be looked up at
		// login.microsoftonline.com (instance discovery): not for test or
		// private endpoints.
		opts = append(opts, confidential.WithInstanceDiscovery(false))
	}
	e.client, err = confidential.New(e.authority(), cfg.ClientID, cred, opts...)
	if err != nil {
		return nil, configError("cannot prepare sign-in with %s: %v", e.authority(), err)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	e.cache = newTokenCache(e.fetch, time.Now, timeout)
	return e, nil
}

func (e *Entra) authority() string { return e.info.AuthorityHost + "/" + e.cfg.Tenant }

// Config returns the configuration e was made with (secrets included: handle
// with care).
func (e *Entra) Config() EntraConfig { return e.cfg }

// Token returns a valid access token: the cached one while it has enough time
// left, otherwise a new one. Concurrent callers share one request. Failures
// are *TokenError values marked ErrCredentials or ErrService.
func (e *Entra) Token(ctx context.Context) (Token, error) {
	return e.cache.get(ctx)
}

// Forget drops the cached token, so the next Token asks for a new one (for
// when a server said the token was no longer valid).
func (e *Entra) Forget() { e.cache.forget() }

// SASL returns an XOAUTH2 client that signs user (the mailbox) in with the
// app's token.
func (e *Entra) SASL(ctx context.Context, user string) (sasl.Client, error) {
	tok, err := e.Token(ctx)
	if err != nil {
		return nil, err
	}
	return NewXOAUTH2Client(user, tok.Access), nil
}

// fetch asks the identity provider for a token, retrying transient failures.
func (e *Entra) fetch(ctx context.Context) (string, time.Duration, error) {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = e.retry.initial
	b.MaxInterval = e.retry.max
	type result struct {
		access   string
		lifetime time.Duration
	}
	r, err := backoff.Retry(ctx, func() (result, error) {
		res, err := e.client.AcquireTokenByCredential(ctx, []string{e.scope})
		if err != nil {
			terr := classifyTokenError(err, e.authority())
			if errors.Is(terr, ErrService) && ctx.Err() == nil {
				return result{}, terr
			}
			return result{}, backoff.Permanent(terr)
		}
		return result{access: res.AccessToken, lifetime: time.Until(res.ExpiresOn)}, nil
	}, backoff.WithBackOff(b), backoff.WithMaxTries(e.retry.tries), backoff.WithMaxElapsedTime(0))
	if err != nil {
		var terr *TokenError
		if !errors.As(err, &terr) {
			// The context ended while waiting between tries.
			err = &TokenError{Kind: KindService, Reason: "the sign-in service did not answer in time", err: err}
		}
		return "", 0, err
	}
	return r.access, r.lifetime, nil
}

// noCache is an MSAL cache accessor that keeps nothing, so MSAL always asks the
// network and our tokenCache alone decides when to.
type noCache struct{}

func (noCache) Replace(ctx context.Context, c cache.Unmarshaler, _ cache.ReplaceHints) error {
	return c.Unmarshal([]byte("{}"))
}

func (noCache) Export(context.Context, cache.Marshaler, cache.ExportHints) error { return nil }

// loadCertificate reads a PEM file (certificate and unencrypted private key) or
// a PFX/PKCS#12 file (with its password).
func loadCertificate(path, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, configError("cannot read the certificate file %s: %v", path, plainFileError(err))
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".pfx" || ext == ".p12" || !strings.Contains(string(data), "-----BEGIN") {
		key, cert, chain, err := pkcs12.DecodeChain(data, password)
		if err != nil {
			if errors.Is(err, pkcs12.ErrIncorrectPassword) {
				return nil, nil, configError("the password of the certificate file %s is wrong: enter the password it was exported with", path)
			}
			return nil, nil, configError("the certificate file %s is not a PFX (PKCS#12) file Mailkeep can read (%v): export the certificate with its private key as .pfx, or as a PEM file holding the certificate and an unencrypted private key", path, err)
		}
		return append([]*x509.Certificate{cert}, chain...), key, nil
	}
	certs, key, err := confidential.CertFromPEM(data, password)
	if err != nil {
		return nil, nil, configError("the PEM file %s must hold the certificate and its unencrypted private key (%v): convert an encrypted key with `openssl pkcs8 -topk8 -nocrypt`, or use a .pfx file with its password", path, err)
	}
	return certs, key, nil
}

func plainFileError(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}

func configError(format string, args ...any) error {
	return &TokenError{Kind: KindCredentials, Step: StepToken, Reason: fmt.Sprintf(format, args...)}
}
