package archive

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

// AuthKind is how an account signs in.
type AuthKind string

const (
	AuthEntra    AuthKind = "entra"    // Microsoft Entra ID app (client credentials), XOAUTH2
	AuthPassword AuthKind = "password" // the mailbox's password, SASL PLAIN
)

// DefaultExclude are the folders an account leaves out unless told
// otherwise: Exchange Online's hidden "Files" folder holds copies of
// attachments without headers, not mail.
var DefaultExclude = []string{"Files"}

// MinEvery is the shortest schedule an account may have.
const MinEvery = time.Minute

// Account is one mailbox to archive, as kept in the archive file. It holds
// no secret: Secret says where the password or client secret is.
type Account struct {
	Name string `json:"-"` // the account's name in the archive (and in locations)

	Protocol Protocol `json:"protocol"`
	Host     string   `json:"host"`
	Port     int      `json:"port,omitempty"` // 0: DefaultPort(Protocol, Security)
	Security Security `json:"security"`
	// AllowPlaintextPassword permits Security none with a password or
	// token, which then crosses the network readable by anyone on the path.
	AllowPlaintextPassword bool     `json:"allow_plaintext_password,omitempty"`
	User                   string   `json:"user"` // the mailbox, e.g. shared@contoso.com
	Auth                   AuthKind `json:"auth"`

	// Entra app registration (Auth entra).
	Tenant        string     `json:"tenant,omitempty"`
	ClientID      string     `json:"client_id,omitempty"`
	Cloud         auth.Cloud `json:"cloud,omitempty"`
	AuthorityHost string     `json:"authority_host,omitempty"`

	// CertFile (Auth entra) is a certificate credential (PEM, or PFX/PKCS#12)
	// the app signs in with instead of a client secret; Secret then says
	// where the file's password is (an empty one when it has none).
	CertFile string `json:"cert_file,omitempty"`

	// Secret says where the password (Auth password) or the app's client
	// secret (Auth entra) is: a keyring key or an environment variable.
	Secret auth.SecretRef `json:"secret"`
	// SecretExpires is the day ("YYYY-MM-DD") the app's client secret
	// expires, as the Entra admin center shows it; empty: not known. The tray
	// app warns ahead of it.
	SecretExpires string `json:"secret_expires,omitempty"`

	// Folders (IMAP) to archive: globs matched against the whole folder name,
	// ignoring case, where * matches anything (also "/"), ? one character
	// and \ makes the next character stand for itself (store.QuoteName).
	// Empty: every folder. Exclude wins over Folders; nil means
	// DefaultExclude, an empty list excludes nothing.
	Folders []string `json:"folders,omitempty"`
	Exclude []string `json:"exclude"`

	// Every is how often the scheduler archives the account; 0: only when asked.
	Every Interval `json:"every,omitempty"`
	// Daily is the local time of day ("HH:MM", 24-hour clock) the scheduler
	// archives the account each day; empty: no daily run. An account has
	// Every or Daily, not both.
	Daily string `json:"daily,omitempty"`

	// DeleteAfterArchive (POP3 only) deletes each message on the server once
	// it is durably committed to the archive.
	DeleteAfterArchive bool `json:"delete_after_archive,omitempty"`

	// Paused accounts are left out of runs of all accounts.
	Paused bool `json:"-"`
}

// Interval is a duration written as Go writes durations ("1h30m0s").
type Interval time.Duration

func (d Interval) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *Interval) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Interval(v)
	return nil
}

// AccountError is a setting of an account that is not valid, in plain words.
type AccountError struct {
	Account string
	Field   string // the setting, as the command line names it: "host", "security", ...
	Problem string
}

func (e *AccountError) Error() string {
	if e.Account == "" {
		return e.Problem
	}
	return fmt.Sprintf("account %q: %s", e.Account, e.Problem)
}

// Validate checks the account's settings and says in plain words what is
// wrong with the first bad one.
func (a Account) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &AccountError{Account: a.Name, Field: field, Problem: fmt.Sprintf(format, args...)}
	}
	switch {
	case strings.TrimSpace(a.Name) == "":
		return bad("name", "the account needs a name, such as sales or shared-inbox")
	case strings.IndexFunc(a.Name, unicode.IsControl) >= 0 || len(a.Name) > 200:
		return bad("name", "the account's name may not contain control characters or be longer than 200 bytes")
	case a.Protocol != IMAP && a.Protocol != POP3:
		return bad("protocol", "the protocol %q is not known: use imap or pop3", a.Protocol)
	case strings.TrimSpace(a.Host) == "" || strings.ContainsAny(a.Host, " /\\@"):
		return bad("host", "the mail server %q is not a host name: give one such as outlook.office365.com or imap.example.com", a.Host)
	case a.Port < 0 || a.Port > 65535:
		return bad("port", "the port %d is not a TCP port (1 to 65535; 0 for the usual one)", a.Port)
	case a.Security.valid() != nil:
		return bad("security", "the connection security %q is not known: use tls, starttls or none", a.Security)
	case strings.TrimSpace(a.User) == "" || strings.ContainsAny(a.User, "\r\n\x00"):
		return bad("user", "the mailbox (user) is missing: give its address, such as shared@contoso.com")
	}
	switch a.Auth {
	case AuthEntra:
		if strings.TrimSpace(a.Tenant) == "" || strings.TrimSpace(a.ClientID) == "" {
			return bad("tenant", "signing in with Entra needs the tenant (--tenant, the Directory (tenant) ID or a domain) and the app's client ID (--client-id), both on the app's Overview page in the Entra admin center")
		}
		if _, err := auth.CloudFor(a.Cloud); err != nil {
			return bad("cloud", "the cloud %q is not known: use global, usgov or china", a.Cloud)
		}
		if a.AuthorityHost != "" {
			u, err := url.Parse(a.AuthorityHost)
			if err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") {
				return bad("authority-host", "the authority host %q is not an https URL without a path, such as https://login.microsoftonline.com", a.AuthorityHost)
			}
		}
	case AuthPassword:
		if a.Tenant != "" || a.ClientID != "" || a.AuthorityHost != "" || a.Cloud != "" || a.CertFile != "" {
			return bad("auth", "a tenant, client ID, cloud or authority host is set, but the account signs in with a password: use --auth entra, or leave them out")
		}
	default:
		return bad("auth", "the sign-in method %q is not known: use entra (a Microsoft Entra app) or password", a.Auth)
	}
	if err := a.Secret.Validate(); err != nil {
		return bad("secret", "%s", err.Error())
	}
	if a.Security == SecurityNone && !a.AllowPlaintextPassword {
		what := "password"
		if a.Auth == AuthEntra {
			what = "access token"
		}
		return bad("security", "security none would send the %s unencrypted, readable by anyone on the network: use tls or starttls (if this is really wanted on a trusted network, allow it explicitly)", what)
	}
	if a.Protocol == POP3 && (len(a.Folders) > 0 || len(a.Exclude) > 0 && !equalFold(a.Exclude, DefaultExclude)) {
		return bad("folders", "POP3 knows only the inbox: folders and exclusions apply to IMAP accounts")
	}
	if a.DeleteAfterArchive && a.Protocol != POP3 {
		return bad("delete-after-archive", "deleting after archiving is offered for POP3 accounts only; an IMAP account's mail stays on the server")
	}
	for _, g := range append(append([]string{}, a.Folders...), a.Exclude...) {
		if strings.TrimSpace(g) == "" {
			return bad("folders", "an empty folder pattern was given: name folders like INBOX, \"Sent Items\" or Archive/*")
		}
	}
	if a.SecretExpires != "" {
		if _, err := time.Parse(time.DateOnly, a.SecretExpires); err != nil {
			return bad("secret-expires", "the secret's expiry date %q is not a date written YYYY-MM-DD, such as 2027-05-31", a.SecretExpires)
		}
	}
	if a.Every != 0 && time.Duration(a.Every) < MinEvery {
		return bad("every", "the schedule %s is shorter than %s: mail servers throttle clients that ask that often", time.Duration(a.Every), MinEvery)
	}
	if a.Daily != "" {
		if _, _, err := ParseDaily(a.Daily); err != nil {
			return bad("daily", "%s", err.Error())
		}
		if a.Every != 0 {
			return bad("daily", "the account has two schedules, every %s and daily at %s: choose one", time.Duration(a.Every), a.Daily)
		}
	}
	return nil
}

func equalFold(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// Address is "host:port" with the usual port filled in.
func (a Account) Address() string {
	port := a.Port
	if port == 0 {
		port = DefaultPort(a.Protocol, a.Security)
	}
	return fmt.Sprintf("%s:%d", bracketIPv6(a.Host), port)
}

func bracketIPv6(host string) string {
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		return "[" + host + "]"
	}
	return host
}

// DefaultSecretKey is the keyring key the account's secret is stored under
// (DESIGN.md): entra:<tenant>/<client-id> for an app, shared by every mailbox
// archived with it, or password:<user>@<host>.
func (a Account) DefaultSecretKey() string {
	if a.Auth == AuthEntra {
		return auth.EntraKey(a.Tenant, a.ClientID)
	}
	return auth.PasswordKey(a.User, a.Host)
}

// EntraConfig is the account's app registration with secret filled in: the
// client secret, or with CertFile the certificate file's password.
func (a Account) EntraConfig(secret string, httpClient *http.Client) auth.EntraConfig {
	cfg := auth.EntraConfig{Tenant: a.Tenant, ClientID: a.ClientID, Cloud: a.Cloud,
		AuthorityHost: a.AuthorityHost, Secret: secret, HTTPClient: httpClient}
	if a.CertFile != "" {
		cfg.Secret, cfg.CertFile, cfg.CertPassword = "", a.CertFile, secret
	}
	return cfg
}

// CheckAccount is what the setup doctor (Check) needs to test the account.
// tlsConfig and httpClient may be nil (system trust).
func (a Account) CheckAccount(k auth.Keyring, tlsConfig *tls.Config, httpClient *http.Client) CheckAccount {
	c := CheckAccount{Protocol: a.Protocol, Host: a.Host, Port: a.Port, Security: a.Security, User: a.User,
		TLSConfig: tlsConfig, SecretRef: a.Secret, Keyring: k}
	if a.Auth == AuthEntra {
		cfg := a.EntraConfig("", httpClient)
		c.EntraConfig = &cfg
	}
	return c
}

// includes says whether the account archives folder.
func (a Account) includes(folder string) bool {
	exclude := a.Exclude
	if exclude == nil {
		exclude = DefaultExclude
	}
	for _, g := range exclude {
		if store.MatchName(g, folder) {
			return false
		}
	}
	if len(a.Folders) == 0 {
		return true
	}
	for _, g := range a.Folders {
		if store.MatchName(g, folder) {
			return true
		}
	}
	return false
}

// SaveAccount validates a and stores it in the archive file, replacing an
// account of the same name.
func SaveAccount(ctx context.Context, s *store.Store, a Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	settings, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("account %q: %w", a.Name, err)
	}
	return s.SaveAccount(ctx, store.AccountRecord{Name: a.Name, Settings: settings, Paused: a.Paused})
}

// LoadAccount reads the account called name from the archive file; a
// missing one is a *store.AccountNotFoundError.
func LoadAccount(ctx context.Context, s *store.Store, name string) (Account, error) {
	rec, err := s.Account(ctx, name)
	if err != nil {
		return Account{}, err
	}
	return accountFrom(rec)
}

// Accounts reads every account of the archive file, by name.
func Accounts(ctx context.Context, s *store.Store) ([]Account, error) {
	recs, err := s.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Account, 0, len(recs))
	for _, rec := range recs {
		a, err := accountFrom(rec)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// RemoveAccount forgets the account (its settings and sync state); the mail
// archived from it stays. Its secret stays in the keyring: other accounts
// may share it.
func RemoveAccount(ctx context.Context, s *store.Store, name string) error {
	return s.RemoveAccount(ctx, name)
}

func accountFrom(rec store.AccountRecord) (Account, error) {
	var a Account
	if err := json.Unmarshal(rec.Settings, &a); err != nil {
		return Account{}, fmt.Errorf("the settings of account %q in the archive cannot be read (%v): remove the account and add it again", rec.Name, err)
	}
	a.Name, a.Paused = rec.Name, rec.Paused
	return a, nil
}

// IsAccountNotFound says whether err is about an account that does not exist.
func IsAccountNotFound(err error) bool {
	var nf *store.AccountNotFoundError
	return errors.As(err, &nf)
}
