package archive

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"

	"github.com/mailkeep/mailkeep/auth"
)

// CheckAccount is what Check needs to know about an account.
type CheckAccount struct {
	Protocol Protocol
	Host     string
	Port     int // 0: the usual port for Protocol and Security
	Security Security
	User     string // the mailbox, e.g. shared@contoso.com

	// TLSConfig, if set, is used for TLS (tests: RootCAs of a test CA).
	TLSConfig *tls.Config

	// How to sign in; set one of the three.
	//
	// Entra is an app registration's token source (shared with other
	// mailboxes of the same app, caching its token). EntraConfig describes an
	// app registration for which Check makes its own token source; an empty
	// Secret is read from SecretRef. Credentials is anything else, such as
	// auth.Password; when it and both Entra fields are nil, the password is
	// read from SecretRef.
	Entra       *auth.Entra
	EntraConfig *auth.EntraConfig
	Credentials auth.Credentials

	// SecretRef, if set, says where the secret (the password, or the app's
	// client secret) is kept; reading it is Check's first step.
	SecretRef auth.SecretRef
	Keyring   auth.Keyring
}

// NotRun is the Code of the advice for a step that was not tried because an
// earlier one failed.
const NotRun = "NOT-RUN"

// checkStepTimeout bounds each step that waits on the network.
const checkStepTimeout = time.Minute

func (a CheckAccount) entra() bool { return a.Entra != nil || a.EntraConfig != nil }

// Steps returns the steps Check runs for the account, in order.
func (a CheckAccount) Steps() []auth.Step {
	if a.entra() {
		return []auth.Step{auth.StepSecret, auth.StepToken, auth.StepClaims, auth.StepConnect, auth.StepSignIn, auth.StepList}
	}
	return []auth.Step{auth.StepSecret, auth.StepConnect, auth.StepSignIn, auth.StepList}
}

// Check is the setup doctor's run: it tries each step of archiving acct —
// read the secret, get a token and look at its claims (Entra only), connect,
// sign in, list the folders (IMAP) or the maildrop (POP3) — and returns one
// or more verdicts per step, in order. It stops at the first step that
// fails; the steps after it get an advice with Code NotRun. Nothing is
// changed on the server.
func Check(ctx context.Context, acct CheckAccount) []auth.Advice {
	c := checkRun{acct: acct}
	c.run(ctx)
	// Every step gets a verdict.
	for _, s := range acct.Steps() {
		if !c.reported(s) {
			c.advice = append(c.advice, auth.Advice{Step: s, Code: NotRun,
				Problem: "Not tried, because an earlier step failed.", Fix: "Fix the earlier step first."})
		}
	}
	return c.advice
}

type checkRun struct {
	acct   CheckAccount
	advice []auth.Advice
	secret string
	entra  *auth.Entra
	token  auth.Token
	imap   *IMAPConn
	pop3   *POP3Conn
	failed bool
}

func (c *checkRun) reported(s auth.Step) bool {
	for _, a := range c.advice {
		if a.Step == s {
			return true
		}
	}
	return false
}

// add records the step's verdicts and says whether to go on.
func (c *checkRun) add(step auth.Step, advice ...auth.Advice) bool {
	if len(advice) == 0 {
		advice = []auth.Advice{{Step: step, OK: true}}
	}
	for _, a := range advice {
		a.Step = step
		c.advice = append(c.advice, a)
		if !a.OK {
			c.failed = true
		}
	}
	return !c.failed
}

func (c *checkRun) run(ctx context.Context) {
	defer c.close()
	acct := c.acct
	if problem := acct.invalid(); problem != "" {
		c.add(auth.StepSecret, auth.Advice{Problem: problem, Fix: "Correct the account's settings."})
		return
	}
	if !c.add(auth.StepSecret, c.readSecret(ctx)...) {
		return
	}
	if c.entra != nil {
		tctx, cancel := context.WithTimeout(ctx, checkStepTimeout)
		tok, err := c.entra.Token(tctx)
		cancel()
		if !c.add(auth.StepToken, auth.ExplainTokenError(err, c.entra.Config())) {
			return
		}
		c.token = tok
		if !c.add(auth.StepClaims, auth.CheckClaims(tok.Access, string(acct.Protocol), c.entra.Config())...) {
			return
		}
	}
	if !c.add(auth.StepConnect, auth.ExplainConnectError(c.connect(ctx), acct.Host)) {
		return
	}
	if !c.add(auth.StepSignIn, auth.ExplainSignInError(c.signIn(ctx), string(acct.Protocol), c.entra != nil)) {
		return
	}
	c.add(auth.StepList, c.list(ctx)...)
}

func (a CheckAccount) invalid() string {
	var set int
	for _, ok := range []bool{a.Entra != nil, a.EntraConfig != nil, a.Credentials != nil} {
		if ok {
			set++
		}
	}
	switch {
	case a.Protocol != IMAP && a.Protocol != POP3:
		return fmt.Sprintf("The protocol %q is not known: use imap or pop3.", a.Protocol)
	case a.Security.valid() != nil:
		return a.Security.valid().Error() + "."
	case strings.TrimSpace(a.Host) == "":
		return "No mail server (host) is set."
	case strings.TrimSpace(a.User) == "":
		return "No mailbox (user) is set."
	case set > 1:
		return "The account names more than one way to sign in."
	case set == 0 && a.SecretRef == (auth.SecretRef{}):
		return "The account names no way to sign in: no app registration, password or secret."
	}
	return ""
}

// readSecret is the first step: the secret is where the settings say and
// looks plausible; for Entra it also makes the token source.
func (c *checkRun) readSecret(ctx context.Context) []auth.Advice {
	acct := c.acct
	if acct.SecretRef != (auth.SecretRef{}) {
		sctx, cancel := context.WithTimeout(ctx, checkStepTimeout)
		secret, err := acct.SecretRef.Resolve(sctx, acct.Keyring)
		cancel()
		if err != nil {
			var cfg auth.EntraConfig
			if acct.EntraConfig != nil {
				cfg = *acct.EntraConfig
			}
			return []auth.Advice{auth.ExplainTokenError(err, cfg)}
		}
		c.secret = secret
	}
	switch {
	case acct.Entra != nil:
		c.entra = acct.Entra
		return auth.CheckEntraConfig(acct.Entra.Config())
	case acct.EntraConfig != nil:
		cfg := *acct.EntraConfig
		switch {
		case cfg.Secret == "" && cfg.CertFile == "":
			cfg.Secret = c.secret
		case cfg.CertFile != "" && cfg.CertPassword == "":
			cfg.CertPassword = c.secret
		}
		if problems := auth.CheckEntraConfig(cfg); len(problems) > 0 {
			return problems
		}
		e, err := auth.NewEntra(cfg)
		if err != nil {
			return []auth.Advice{auth.ExplainTokenError(err, cfg)}
		}
		c.entra = e
	case acct.Credentials == nil:
		if c.secret == "" {
			return []auth.Advice{{Problem: "The password is empty.", Fix: "Store the mailbox's password again (mailkeep-cli account add ... --secret-stdin)."}}
		}
	}
	return nil
}

func (c *checkRun) connect(ctx context.Context) error {
	acct := c.acct
	port := acct.Port
	if port == 0 {
		port = DefaultPort(acct.Protocol, acct.Security)
	}
	addr := net.JoinHostPort(acct.Host, strconv.Itoa(port))
	ctx, cancel := context.WithTimeout(ctx, checkStepTimeout)
	defer cancel()
	var err error
	if acct.Protocol == IMAP {
		c.imap, err = DialIMAP(ctx, addr, acct.Security, acct.TLSConfig)
	} else {
		c.pop3, err = DialPOP3(ctx, addr, acct.Security, acct.TLSConfig)
	}
	return err
}

func (c *checkRun) signIn(ctx context.Context) error {
	acct := c.acct
	ctx, cancel := context.WithTimeout(ctx, checkStepTimeout)
	defer cancel()
	var client sasl.Client
	var err error
	switch {
	case c.entra != nil:
		client = auth.NewXOAUTH2Client(acct.User, c.token.Access)
	case acct.Credentials != nil:
		if client, err = acct.Credentials.SASL(ctx, acct.User); err != nil {
			return err
		}
	default:
		client, _ = auth.Password{Secret: c.secret}.SASL(ctx, acct.User)
	}
	if c.imap != nil {
		err = c.imap.Authenticate(ctx, client)
	} else {
		err = c.pop3.Authenticate(ctx, client)
	}
	return auth.SASLError(client, err)
}

func (c *checkRun) list(ctx context.Context) []auth.Advice {
	ctx, cancel := context.WithTimeout(ctx, checkStepTimeout)
	defer cancel()
	if c.imap != nil {
		folders, err := c.imap.Folders(ctx)
		switch {
		case err != nil:
			return []auth.Advice{{Problem: "Signed in, but the server did not list the folders: " + err.Error() + ".",
				Fix: "Try again later; if it lasts, the mailbox may be damaged or too large for the server to list at once: ask its administrator."}}
		case len(folders) == 0:
			return []auth.Advice{{Problem: "Signed in, but the mailbox shows no folder at all, not even INBOX.",
				Fix: "Check that the account names the right mailbox; an In-Place (Online) Archive mailbox cannot be reached over IMAP."}}
		}
		return nil
	}
	if _, _, err := c.pop3.Stat(ctx); err != nil {
		return []auth.Advice{{Problem: "Signed in, but the server did not say how many messages the mailbox holds: " + err.Error() + ".",
			Fix: "Try again later; if it lasts, ask the mail server's administrator."}}
	}
	return nil
}

func (c *checkRun) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if c.imap != nil {
		if err := c.imap.Logout(ctx); err != nil && !errors.Is(err, net.ErrClosed) {
			c.imap.Close()
		}
	}
	if c.pop3 != nil {
		c.pop3.Quit(ctx)
	}
}
