package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"syscall"
)

// The setup doctor's knowledge: each failure a person can meet becomes one
// paragraph of Advice, what it means and what to do. The run that connects
// (secret, token, connect, sign in, list) is archive.Check; this file only
// knows.

// Step names a step of the setup check.
type Step string

// The steps of the setup check, in order.
const (
	StepSecret  Step = "secret"  // read the secret (keyring or environment)
	StepToken   Step = "token"   // get a token from Entra ID
	StepClaims  Step = "claims"  // look at what the token says
	StepConnect Step = "connect" // reach the mail server (DNS, TCP, TLS)
	StepSignIn  Step = "signin"  // AUTHENTICATE / AUTH
	StepList    Step = "list"    // list the folders
)

// Advice is the doctor's verdict on one step.
type Advice struct {
	Step    Step
	OK      bool
	Problem string // what it means, in plain words
	Fix     string // what to do next
	Code    string // e.g. "AADSTS7000215", an IMAP response code, or empty
}

// String is the advice as one paragraph.
func (a Advice) String() string {
	if a.OK {
		return fmt.Sprintf("%s: OK", a.Step)
	}
	s := a.Problem
	if a.Fix != "" {
		s += " " + a.Fix
	}
	if a.Code != "" {
		s += " (" + a.Code + ")"
	}
	return s
}

// aadAdvice is what the doctor knows about one AADSTS code.
type aadAdvice struct {
	hint, problem, fix string
}

// aadKnowledge holds the AADSTS codes a setup meets.
var aadKnowledge = map[string]aadAdvice{
	"AADSTS7000215": {
		hint:    "the client secret is wrong; enter the secret's Value, not its Secret ID",
		problem: "Microsoft's sign-in service refused the client secret: it is not a valid secret of this app.",
		fix: "In the Entra admin center open App registrations, the app, Certificates & secrets, and copy the Value column of the client secret " +
			"(it is shown only right after the secret is created) — not the Secret ID next to it. If the value is lost, create a new client secret and enter its value.",
	},
	"AADSTS7000222": {
		hint:    "the client secret has expired; create a new one",
		problem: "The app's client secret has expired.",
		fix: "In the Entra admin center open App registrations, the app, Certificates & secrets, create a new client secret and enter its Value in Mailkeep " +
			"(it replaces the old one for every mailbox archived with this app). Note the new expiry date.",
	},
	"AADSTS90002": {
		hint:    "the tenant does not exist; check the tenant ID and the cloud",
		problem: "Microsoft's sign-in service knows no tenant by that ID or domain (this fails before any secret is checked).",
		fix: "Copy the Directory (tenant) ID from the app's Overview page in the Entra admin center (or use the tenant's domain, such as contoso.onmicrosoft.com). " +
			"US Government (GCC High, DoD) and 21Vianet tenants exist only in their own cloud: choose that cloud.",
	},
	"AADSTS700016": {
		hint:    "no app with this client ID exists in the tenant; check the client ID and tenant",
		problem: "The tenant has no app with that Application (client) ID.",
		fix: "Copy the Application (client) ID from the app's Overview page in the Entra admin center, and check that the tenant ID is the one on the same page " +
			"(the app may be registered in another tenant, or have been deleted).",
	},
	"AADSTS7000218": {
		hint:    "no client secret was sent; enter the secret's Value",
		problem: "The request carried no client secret or certificate, so the app could not prove who it is.",
		fix:     "Enter the client secret's Value (App registrations, the app, Certificates & secrets), or configure the certificate the app registration uses.",
	},
	"AADSTS70011": {
		hint:    "the scope is not valid; use Exchange Online's .default scope",
		problem: "Microsoft's sign-in service refused the requested scope.",
		fix: "App-only access to mailboxes needs the scope https://outlook.office365.com/.default (US Government: https://outlook.office365.us/.default, " +
			"21Vianet: https://partner.outlook.cn/.default). Remove any custom scope from the account's settings.",
	},
	"AADSTS700027": {
		hint:    "the certificate is not one of the app's; upload it to the app registration",
		problem: "Microsoft's sign-in service did not accept the certificate's signature: the certificate is not registered for this app, or the file holds another key.",
		fix:     "Upload the certificate's public part (.cer or .pem) in App registrations, the app, Certificates & secrets, Certificates; and check Mailkeep uses the matching private key.",
	},
	"AADSTS700024": {
		hint:    "this computer's clock is wrong",
		problem: "The certificate-signed request was outside its valid time range: this computer's clock is off.",
		fix:     "Set the computer's clock right (turn on automatic time synchronisation) and try again.",
	},
	"AADSTS500011": {
		hint:    "Exchange Online is not available in this tenant or cloud",
		problem: "The tenant has no Office 365 Exchange Online service principal: the tenant has no Exchange Online, or the wrong cloud is selected.",
		fix:     "Check that the tenant has Exchange Online mailboxes and that the cloud (worldwide, US Government, 21Vianet) matches the tenant.",
	},
	"AADSTS7000112": {
		hint:    "the app is disabled",
		problem: "The app (its enterprise application) is disabled in the tenant.",
		fix:     "In the Entra admin center open Enterprise applications, the app, Properties, and set 'Enabled for users to sign-in?' to Yes.",
	},
	"AADSTS53003": {
		hint:    "a Conditional Access policy blocks the app",
		problem: "A Conditional Access policy blocked the sign-in.",
		fix:     "Ask the Entra administrator to exclude this app (workload identity) from the blocking Conditional Access policy, or to allow this computer's network location.",
	},
}

// tokenHint is a TokenError's short advice for its code.
func tokenHint(code string) string { return aadKnowledge[code].hint }

// guidPattern matches a GUID such as 0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00.
var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func looksLikeGUID(s string) bool { return guidPattern.MatchString(strings.TrimSpace(s)) }

const secretIDAdvice = "The client secret looks like a GUID: that is the secret's ID, not its value. " +
	"In the Entra admin center open App registrations, the app, Certificates & secrets, and copy the Value column " +
	"(about 40 characters, often with a ~) — the value is shown only right after the secret is created; if it is lost, create a new client secret."

// CheckEntraConfig finds mistakes in cfg before anything is sent: the secret ID
// pasted instead of the secret value, an empty secret, IDs that cannot be
// right. Empty: nothing found.
func CheckEntraConfig(cfg EntraConfig) []Advice {
	var out []Advice
	secret := strings.TrimSpace(cfg.Secret)
	switch {
	case cfg.CertFile == "" && secret == "":
		out = append(out, Advice{Step: StepSecret, Code: "AADSTS7000218",
			Problem: "The client secret is empty.", Fix: aadKnowledge["AADSTS7000218"].fix})
	case cfg.CertFile == "" && looksLikeGUID(secret):
		out = append(out, Advice{Step: StepSecret, Code: "AADSTS7000215",
			Problem: "You probably pasted the secret ID, not the secret value.", Fix: secretIDAdvice})
	case cfg.CertFile == "" && secret == strings.TrimSpace(cfg.ClientID):
		out = append(out, Advice{Step: StepSecret,
			Problem: "The client secret is the same as the client ID.", Fix: "Enter the client secret's Value from Certificates & secrets, not the Application (client) ID."})
	}
	if cfg.Secret != "" && secret != cfg.Secret {
		out = append(out, Advice{Step: StepSecret,
			Problem: "The client secret starts or ends with spaces or a line break.", Fix: "Copy the secret's Value again without surrounding spaces."})
	}
	if id := strings.TrimSpace(cfg.ClientID); id != "" && !looksLikeGUID(id) {
		out = append(out, Advice{Step: StepSecret,
			Problem: fmt.Sprintf("The client ID %q is not a GUID.", id),
			Fix:     "Copy the Application (client) ID from the app's Overview page in the Entra admin center (a GUID like 0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00)."})
	}
	if t := strings.TrimSpace(cfg.Tenant); t != "" && !looksLikeGUID(t) && !strings.Contains(t, ".") {
		out = append(out, Advice{Step: StepSecret,
			Problem: fmt.Sprintf("The tenant %q is neither a tenant ID (GUID) nor a domain.", t),
			Fix:     "Copy the Directory (tenant) ID from the app's Overview page, or use a verified domain such as contoso.onmicrosoft.com."})
	}
	if cfg.ClientID != "" && strings.EqualFold(strings.TrimSpace(cfg.ClientID), strings.TrimSpace(cfg.Tenant)) {
		out = append(out, Advice{Step: StepSecret,
			Problem: "The tenant ID and the client ID are the same.", Fix: "The Overview page shows both: Directory (tenant) ID and Application (client) ID; enter each in its own field."})
	}
	return out
}

// ExplainTokenError says what a failure to get a token (from NewEntra,
// Entra.Token or SecretRef.Resolve) means and what to do. cfg is the
// configuration that failed; its secret is looked at (is it GUID-shaped?),
// never shown.
func ExplainTokenError(err error, cfg EntraConfig) Advice {
	if err == nil {
		return Advice{Step: StepToken, OK: true}
	}
	if a, ok := explainSecretError(err); ok {
		return a
	}
	var te *TokenError
	if !errors.As(err, &te) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return Advice{Step: StepToken, Problem: "Getting a token was stopped before it finished.", Fix: "Try again; if it keeps timing out, check the network connection to the sign-in service."}
		}
		return Advice{Step: StepToken, Problem: "Getting a token failed: " + err.Error() + ".", Fix: "Check the tenant, client ID and secret, and try again."}
	}
	host := authorityHostOf(cfg)
	switch te.Kind {
	case KindNetwork:
		a := explainNetwork(te, host, "the sign-in service")
		a.Step = StepToken
		return a
	case KindService:
		return Advice{Step: StepToken, Code: te.Code,
			Problem: fmt.Sprintf("Microsoft's sign-in service (%s) had a problem of its own%s; this is not a problem with your tenant, app or secret.", host, statusText(te.Status)),
			Fix:     "Mailkeep tried again a few times. Wait a while and try again; if it lasts, check Microsoft 365 service health in the admin center."}
	}
	if te.Code == "" {
		return Advice{Step: te.Step, Problem: capitalize(te.Reason) + ".", Fix: "Correct the account's settings and try again."}
	}
	if te.Code == "AADSTS7000215" && cfg.CertFile == "" && looksLikeGUID(cfg.Secret) {
		return Advice{Step: StepToken, Code: te.Code, Problem: "You pasted the secret ID, not the secret value: Microsoft refused it as an invalid client secret.", Fix: secretIDAdvice}
	}
	if k, ok := aadKnowledge[te.Code]; ok {
		fix := k.fix
		if te.Code == "AADSTS7000215" {
			fix += " A secret of another app, or of another tenant, is refused the same way."
		}
		return Advice{Step: te.Step, Code: te.Code, Problem: k.problem, Fix: fix}
	}
	problem := "Microsoft's sign-in service refused the request"
	if te.Description != "" {
		problem += ": " + te.Description
	}
	return Advice{Step: StepToken, Code: te.Code, Problem: problem + ".",
		Fix: fmt.Sprintf("Look the code up at https://login.microsoftonline.com/error?code=%s and correct the app registration or the account's settings.", strings.TrimPrefix(te.Code, "AADSTS"))}
}

func explainSecretError(err error) (Advice, bool) {
	var nk *NoKeyringError
	var kt *KeyringTimeoutError
	switch {
	case errors.As(err, &nk):
		return Advice{Step: StepSecret, Problem: fmt.Sprintf("No usable OS keyring is running on this computer (%s), so the secret cannot be read or stored.", nk.Detail),
			Fix: "Start or unlock your keyring (GNOME Keyring or KWallet in a desktop session), or keep the secret in an environment variable and name it with --secret-env VAR."}, true
	case errors.As(err, &kt):
		return Advice{Step: StepSecret, Problem: "The OS keyring did not answer: it is probably locked and waiting for its password in a desktop prompt.",
			Fix: "Unlock the keyring and try again, or use --secret-env VAR on machines without a desktop."}, true
	case errors.Is(err, ErrSecretNotFound):
		return Advice{Step: StepSecret, Problem: "The secret is not where the account's settings say: " + err.Error() + ".",
			Fix: "Store the secret again (mailkeep-cli account add ... --secret-stdin), or set the environment variable the account names."}, true
	}
	return Advice{}, false
}

func authorityHostOf(cfg EntraConfig) string {
	if cfg.AuthorityHost != "" {
		return cfg.AuthorityHost
	}
	info, err := CloudFor(cfg.Cloud)
	if err != nil {
		return "the sign-in service"
	}
	return info.AuthorityHost
}

func statusText(status int) string {
	if status == 0 {
		return ""
	}
	return fmt.Sprintf(" (HTTP %d)", status)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ExplainConnectError says why the mail server host could not be reached
// (DNS, TCP, TLS) and what to do.
func ExplainConnectError(err error, host string) Advice {
	if err == nil {
		return Advice{Step: StepConnect, OK: true}
	}
	a := explainNetwork(err, host, "the mail server")
	a.Step = StepConnect
	return a
}

func explainNetwork(err error, host, what string) Advice {
	var (
		dnsErr  *net.DNSError
		uaErr   x509.UnknownAuthorityError
		verErr  *tls.CertificateVerificationError
		hostErr x509.HostnameError
		invErr  x509.CertificateInvalidError
		recErr  tls.RecordHeaderError
		netErr  net.Error
	)
	msg := err.Error()
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return Advice{Problem: fmt.Sprintf("The name %s does not exist (DNS found nothing).", host),
			Fix: "Check the spelling of the host name. Exchange Online is outlook.office365.com (US Government: outlook.office365.us; 21Vianet: partner.outlook.cn)."}
	case errors.As(err, &dnsErr):
		return Advice{Problem: fmt.Sprintf("The name %s could not be looked up: DNS did not answer.", host),
			Fix: "Check this computer's network connection and DNS settings, then try again."}
	case errors.As(err, &hostErr):
		return Advice{Problem: fmt.Sprintf("The TLS certificate of %s is made out to another name.", host),
			Fix: "Use the host name the server's certificate names (for Exchange Online: outlook.office365.com), not an IP address or an alias."}
	case errors.As(err, &invErr):
		return Advice{Problem: fmt.Sprintf("The TLS certificate of %s is not valid now (expired, or not yet valid).", host),
			Fix: "Check this computer's date and time; if they are right, the server's administrator must renew the certificate."}
	case errors.As(err, &uaErr), errors.As(err, &verErr):
		return Advice{Problem: fmt.Sprintf("The TLS certificate of %s is signed by an authority this computer does not trust: a company proxy that inspects TLS, or a self-signed certificate.", host),
			Fix: "Install your organisation's root certificate in the system's trust store (on Linux, SSL_CERT_FILE can name a file of trusted certificates), or ask the network administrator to exempt " + host + " from TLS inspection."}
	case errors.As(err, &recErr), strings.Contains(msg, "first record does not look like a TLS handshake"):
		return Advice{Problem: fmt.Sprintf("%s at %s does not speak TLS on this port.", capitalize(what), host),
			Fix: "Use implicit TLS on ports 993 (IMAP) and 995 (POP3), or STARTTLS on ports 143 (IMAP) and 110 (POP3): the security setting and the port must match."}
	case strings.Contains(msg, "no application protocol"):
		return Advice{Problem: fmt.Sprintf("The TLS handshake with %s failed on the application protocol (ALPN).", host),
			Fix: "The server refuses the protocol name the client offers: check that this is an IMAP or POP3 port, not a web server's."}
	case errors.Is(err, syscall.ECONNREFUSED):
		return Advice{Problem: fmt.Sprintf("Nothing accepts connections at %s on that port (connection refused).", host),
			Fix: "Check the port: IMAP 993 (TLS) or 143 (STARTTLS), POP3 995 (TLS) or 110 (STARTTLS); and that the service runs on that server."}
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return Advice{Problem: fmt.Sprintf("%s at %s closed the connection during the handshake.", capitalize(what), host),
			Fix: "The port may expect STARTTLS instead of implicit TLS (or the reverse), or a firewall cut the connection: check the security setting and port."}
	case errors.As(err, &netErr) && netErr.Timeout():
		return Advice{Problem: fmt.Sprintf("%s at %s did not answer in time.", capitalize(what), host),
			Fix: "A firewall may block the outgoing port, or the host name may be wrong. Check that this computer can reach " + host + " on that port, then try again."}
	}
	return Advice{Problem: fmt.Sprintf("Cannot reach %s at %s: %s.", what, host, plainNetworkError(err)),
		Fix: "Check the host name, the port, the security setting and this computer's network connection."}
}

// ExplainSignInError says why the mail server refused to sign in (IMAP
// AUTHENTICATE / LOGIN, POP3 AUTH / USER+PASS) and what to do. protocol is
// "imap" or "pop3"; entra says whether an Entra token was used. Pass err
// through SASLError first, so the server's XOAUTH2 reason is there.
func ExplainSignInError(err error, protocol string, entra bool) Advice {
	if err == nil {
		return Advice{Step: StepSignIn, OK: true}
	}
	msg := err.Error()
	lower := strings.ToLower(msg)
	code := responseCode(msg)
	switch {
	case strings.Contains(lower, "throttl") || strings.Contains(lower, "suggested backoff"):
		return Advice{Step: StepSignIn, Code: code, Problem: "The server asked Mailkeep to slow down (throttling).",
			Fix: "Wait the time the server suggested (often a few minutes) before the next try; Mailkeep resumes where it stopped. Fewer parallel connections help."}
	case strings.Contains(lower, "accesstokenexpired") || strings.Contains(lower, "token expired"):
		return Advice{Step: StepSignIn, Code: code, Problem: "The access token expired while the connection was open.",
			Fix: "Reconnect with a fresh token (Mailkeep does this by itself on the next connection)."}
	case strings.Contains(lower, "authenticated but not connected"):
		return Advice{Step: StepSignIn, Code: code, Problem: "Exchange accepted the sign-in but has too many sessions open for this mailbox or app.",
			Fix: "Use fewer parallel connections and try again in a few minutes."}
	case strings.Contains(lower, "privacyrequired") || strings.Contains(lower, "logindisabled") || strings.Contains(lower, "tls is required"):
		return Advice{Step: StepSignIn, Code: code, Problem: "The server allows signing in only over an encrypted connection.",
			Fix: "Set the security to TLS (port 993/995) or STARTTLS (port 143/110)."}
	}
	if entra {
		mech := "AUTHENTICATE XOAUTH2"
		cmd := "-ImapEnabled $true"
		role := "IMAP.AccessAsApp"
		if protocol == "pop3" {
			mech, cmd, role = "AUTH XOAUTH2", "-PopEnabled $true", "POP.AccessAsApp"
		}
		problem := fmt.Sprintf("Microsoft's sign-in service gave the app a token, but the mail server refused it (%s failed).", mech)
		var xe *XOAUTH2Error
		if errors.As(err, &xe) && xe.Status != "" {
			problem = fmt.Sprintf("Microsoft's sign-in service gave the app a token, but the mail server refused it (%s failed, status %s).", mech, xe.Status)
		}
		return Advice{Step: StepSignIn, Code: code, Problem: problem + " Exchange Online says no more than that; the usual causes are in Exchange, not in the app registration.",
			Fix: "In Exchange Online PowerShell: (1) register the app with New-ServicePrincipal -AppId <client ID> -ObjectId <object ID>, using the object ID of the app's " +
				"Enterprise application (service principal) — not the object ID shown under App registrations; (2) grant each mailbox with " +
				"Add-MailboxPermission -Identity <mailbox> -User <service principal object ID> -AccessRights FullAccess (one line per mailbox; groups do not work); " +
				"(3) make sure the protocol is on with Set-CASMailbox -Identity <mailbox> " + cmd + "; (4) check the app has the application permission " + role +
				" from Office 365 Exchange Online with admin consent. Changes can take 30 to 60 minutes to reach the server: wait before trying again. " +
				"Mailkeep can print these commands filled in with your values. The In-Place (Online) Archive mailbox cannot be reached over IMAP or POP at all."}
	}
	return Advice{Step: StepSignIn, Code: code, Problem: "The mail server refused the user name or password.",
		Fix: "Check the user name (often the full e-mail address) and the password. Providers with two-step verification (Gmail, Yahoo, iCloud) need an app password. " +
			"Microsoft 365 mailboxes no longer accept passwords over " + strings.ToUpper(protocol) + ": use --auth entra with an app registration."}
}

var responseCodePattern = regexp.MustCompile(`\[([A-Z][A-Z-]+)\]`)

func responseCode(msg string) string {
	if m := responseCodePattern.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}
