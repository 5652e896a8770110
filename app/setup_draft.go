package app

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
)

// setupDraft is what a setup form describes: one account per mailbox, all
// signing in with the same secret. Nothing of it is stored until Save.
type setupDraft struct {
	accounts []archive.Account
	// secret is what was typed: the app's client secret, the certificate's
	// password, or the mailbox password. Empty while editing: keep the
	// stored one.
	secret string
	// certFile is the Entra app's certificate credential; empty: a secret.
	certFile string
	// keepSecret is set when an edit leaves the stored secret as it is.
	keepSecret bool
}

// formError is a mistake in a form, in words for the person filling it in.
type formError struct{ msg string }

func (e *formError) Error() string { return e.msg }

func formErrorf(msg string) error { return &formError{msg: msg} }

// secretKey is the keyring key the draft's secret is stored under; empty
// when nothing is to be stored.
func (d setupDraft) secretKey() string {
	if d.keepSecret || len(d.accounts) == 0 {
		return ""
	}
	return d.accounts[0].Secret.Keyring
}

// checkAccount is what the setup doctor tests for acct: the secret as typed
// (not yet saved), or, when an edit keeps it, the stored one.
func (d setupDraft) checkAccount(acct archive.Account, cfg Config) archive.CheckAccount {
	c := archive.CheckAccount{Protocol: acct.Protocol, Host: acct.Host, Port: acct.Port, Security: acct.Security,
		User: acct.User, TLSConfig: cfg.TLSConfig}
	if d.keepSecret {
		c.SecretRef, c.Keyring = acct.Secret, cfg.Keyring
	}
	switch acct.Auth {
	case archive.AuthEntra:
		secret := d.secret
		if d.keepSecret {
			secret = ""
		}
		ec := acct.EntraConfig(secret, cfg.HTTPClient)
		if d.certFile != "" {
			ec.Secret, ec.CertFile, ec.CertPassword = "", d.certFile, secret
		}
		c.EntraConfig = &ec
	default:
		if !d.keepSecret {
			c.Credentials = auth.Password{Secret: d.secret}
		}
	}
	return c
}

// sharedEntra is one token source for all of the draft's mailboxes, when
// they sign in with an Entra app whose secret was typed; nil otherwise
// (each check then makes its own, and explains what is wrong with it).
func (d setupDraft) sharedEntra(cfg Config) *auth.Entra {
	if d.keepSecret || len(d.accounts) < 2 || d.accounts[0].Auth != archive.AuthEntra {
		return nil
	}
	ec := d.checkAccount(d.accounts[0], cfg).EntraConfig
	if ec == nil || len(auth.CheckEntraConfig(*ec)) > 0 {
		return nil
	}
	e, err := auth.NewEntra(*ec)
	if err != nil {
		return nil
	}
	return e
}

// nameAccounts gives each account of the draft without a name a readable,
// unique one: its mailbox address, or the name of the account that already
// archives that mailbox from that server (which is then updated). taken
// holds the accounts of the archive.
func nameAccounts(accounts []archive.Account, taken []archive.Account) {
	used := map[string]bool{}
	for _, t := range taken {
		used[strings.ToLower(t.Name)] = true
	}
	for _, a := range accounts {
		if a.Name != "" {
			used[strings.ToLower(a.Name)] = true
		}
	}
	for i := range accounts {
		a := &accounts[i]
		if a.Name != "" {
			continue
		}
		for _, t := range taken {
			if strings.EqualFold(t.User, a.User) && strings.EqualFold(t.Host, a.Host) && t.Protocol == a.Protocol &&
				!claimed(accounts, t.Name) {
				a.Name = t.Name
				break
			}
		}
		if a.Name != "" {
			continue
		}
		a.Name = uniqueName(accountBaseName(a.User, a.Host), used)
		used[strings.ToLower(a.Name)] = true
	}
}

// claimed says whether an account of the draft already carries name.
func claimed(accounts []archive.Account, name string) bool {
	for _, a := range accounts {
		if a.Name == name {
			return true
		}
	}
	return false
}

// accountBaseName is the name an account gets from its mailbox address:
// the address itself, lower-cased, which people recognise; a user name
// that is not an address gets the server's name after it.
func accountBaseName(user, host string) string {
	name := strings.ToLower(strings.TrimSpace(user))
	switch {
	case name == "":
		return "mailbox"
	case !strings.Contains(name, "@") && host != "":
		return name + "@" + strings.ToLower(strings.TrimSpace(host))
	}
	return name
}

// uniqueName is base, or base-2, base-3, ... whichever is not used yet.
func uniqueName(base string, used map[string]bool) string {
	if !used[strings.ToLower(base)] {
		return base
	}
	for n := 2; ; n++ {
		name := base + "-" + strconv.Itoa(n)
		if !used[strings.ToLower(name)] {
			return name
		}
	}
}

// mailboxList splits the mailboxes field: one address per line (commas,
// semicolons and spaces also separate them, as pasted from a mail client),
// without duplicates, in the order given.
func mailboxList(text string) []string {
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return r == '\n' || r == '\r' || r == ',' || r == ';' || r == ' ' || r == '\t'
	})
	seen := map[string]bool{}
	var out []string
	for _, f := range fields {
		f = strings.Trim(f, "<>\"'")
		if f == "" || seen[strings.ToLower(f)] {
			continue
		}
		seen[strings.ToLower(f)] = true
		out = append(out, f)
	}
	return out
}

// checkMailboxAddress says in plain words what is wrong with a mailbox
// address, or "" when it looks like one.
func checkMailboxAddress(addr string) string {
	at := strings.LastIndex(addr, "@")
	if at <= 0 || at == len(addr)-1 || !strings.Contains(addr[at+1:], ".") {
		return "“" + addr + "” is not a mailbox address: write it like sales@contoso.com."
	}
	return ""
}

// defaultEvery is the schedule of a new mailbox: the preference set in
// Settings, else every hour.
func defaultEvery(pref string) time.Duration {
	if pref = strings.TrimSpace(pref); pref != "" {
		if d, err := time.ParseDuration(pref); err == nil && (d == 0 || d >= archive.MinEvery) {
			return d
		}
	}
	return time.Hour
}

// accountProblem is an archive.Account.Validate error without the
// account's name in front (the form shows which mailbox it is about).
func accountProblem(err error) string {
	var ae *archive.AccountError
	if errors.As(err, &ae) {
		return capitalizeFirst(ae.Problem) + "."
	}
	return capitalizeFirst(err.Error())
}

func capitalizeFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
