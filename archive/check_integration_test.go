package archive_test

import (
	"context"
	"crypto/tls"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/auth/authtest"
)

// verdicts renders Check's result compactly: "secret:ok token:ok ... list:NOT-RUN".
func verdicts(advice []auth.Advice) string {
	var parts []string
	for _, a := range advice {
		v := "ok"
		switch {
		case a.Code == archive.NotRun:
			v = "not-run"
		case !a.OK:
			v = "FAIL"
		}
		parts = append(parts, string(a.Step)+":"+v)
	}
	return strings.Join(parts, " ")
}

func port(t testing.TB, addr string) (string, int) {
	t.Helper()
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return host, n
}

func TestCheckAgainstDovecotAndTestIdP(t *testing.T) {
	const granted, ungranted = "shared@contoso.com", "other@contoso.com"
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	idp.Grant(app.ClientID, granted)
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{ValidateURL: idp.ValidateURL(), ValidateCAFile: idp.CACertFile()})
	for _, user := range []string{granted, ungranted} {
		d.Deliver(user, "INBOX", []byte("Subject: hi\r\n\r\nhello\r\n"))
		d.CreateFolder(user, "Sent Items")
	}
	d.AddPasswordUser("pw@example.com", "pw-secret")

	entra := &auth.EntraConfig{Tenant: app.Tenant, ClientID: app.ClientID, Secret: app.Secret,
		AuthorityHost: idp.URL(), HTTPClient: idp.Client()}
	tlsConfig := &tls.Config{RootCAs: d.CertPool()}
	account := func(protocol archive.Protocol, security archive.Security, addr, user string) archive.CheckAccount {
		host, p := port(t, addr)
		return archive.CheckAccount{Protocol: protocol, Host: host, Port: p, Security: security, User: user,
			TLSConfig: tlsConfig, EntraConfig: entra}
	}
	const allOK = "secret:ok token:ok claims:ok connect:ok signin:ok list:ok"
	const connectFails = "secret:ok token:ok claims:ok connect:FAIL"

	t.Setenv("MAILKEEP_TEST_POP_PASSWORD", "pw-secret")
	passwordAccount := account(archive.POP3, archive.SecurityStartTLS, d.POP3Addr, "pw@example.com")
	passwordAccount.EntraConfig = nil
	passwordAccount.SecretRef = auth.SecretRef{Env: "MAILKEEP_TEST_POP_PASSWORD"}
	missingSecret := passwordAccount
	missingSecret.SecretRef = auth.SecretRef{Env: "MAILKEEP_TEST_NOT_SET"}
	wrongPassword := passwordAccount
	wrongPassword.SecretRef = auth.SecretRef{}
	wrongPassword.Credentials = auth.Password{Secret: "not-the-password"}

	// A port where nothing listens: a listener is opened and closed again.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := l.Addr().String()
	l.Close()

	tests := []struct {
		name    string
		acct    archive.CheckAccount
		want    string
		fixHas  []string // words the failing step's Fix must contain
		problem string
	}{
		{name: "imap-starttls", acct: account(archive.IMAP, archive.SecurityStartTLS, d.IMAPAddr, granted), want: allOK},
		{name: "imaps", acct: account(archive.IMAP, archive.SecurityTLS, d.IMAPSAddr, granted), want: allOK},
		{name: "pop3-stls", acct: account(archive.POP3, archive.SecurityStartTLS, d.POP3Addr, granted), want: allOK},
		{name: "pop3s", acct: account(archive.POP3, archive.SecurityTLS, d.POP3SAddr, granted), want: allOK},
		{name: "imaps-ungranted", acct: account(archive.IMAP, archive.SecurityTLS, d.IMAPSAddr, ungranted),
			want:   "secret:ok token:ok claims:ok connect:ok signin:FAIL list:not-run",
			fixHas: []string{"Add-MailboxPermission", "New-ServicePrincipal"}},
		{name: "pop3s-ungranted", acct: account(archive.POP3, archive.SecurityTLS, d.POP3SAddr, ungranted),
			want:   "secret:ok token:ok claims:ok connect:ok signin:FAIL list:not-run",
			fixHas: []string{"Add-MailboxPermission", "New-ServicePrincipal", "POP.AccessAsApp"}},
		{name: "wrong-port", acct: account(archive.IMAP, archive.SecurityTLS, closedAddr, granted),
			want: connectFails + " signin:not-run list:not-run"},
		{name: "imaps-port-with-starttls", acct: account(archive.IMAP, archive.SecurityStartTLS, d.IMAPSAddr, granted),
			want: connectFails + " signin:not-run list:not-run"},
		{name: "password-pop3", acct: passwordAccount, want: "secret:ok connect:ok signin:ok list:ok"},
		{name: "password-not-in-environment", acct: missingSecret,
			want: "secret:FAIL connect:not-run signin:not-run list:not-run", fixHas: []string{"environment variable"}},
		{name: "password-wrong", acct: wrongPassword,
			want: "secret:ok connect:ok signin:FAIL list:not-run", fixHas: []string{"password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			advice := archive.Check(context.Background(), tt.acct)
			if got := verdicts(advice); got != tt.want {
				t.Errorf("verdicts:\n got %s\nwant %s", got, tt.want)
			}
			for _, a := range advice {
				if a.OK || a.Code == archive.NotRun {
					continue
				}
				t.Logf("%s: %s", a.Step, a)
				if a.Problem == "" || a.Fix == "" {
					t.Errorf("step %s failed without a problem and a fix: %+v", a.Step, a)
				}
				for _, w := range tt.fixHas {
					if !strings.Contains(a.Fix, w) {
						t.Errorf("step %s: the fix does not mention %q: %s", a.Step, w, a.Fix)
					}
				}
				if strings.Contains(a.String(), app.Secret) || strings.Contains(a.String(), "pw-secret") {
					t.Errorf("step %s: the advice shows a secret", a.Step)
				}
			}
		})
	}
}
