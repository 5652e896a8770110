package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/auth/authtest"
	"github.com/mailkeep/mailkeep/internal/buildtest"
)

// TestBinaryAccountRunLeaksNoSecret adds Entra accounts with --secret-stdin
// (into the private keyring scripts/test.sh runs), tests them and archives
// them with the built program, trusting the test CAs only through
// SSL_CERT_FILE; then it searches everything the program wrote for the
// secrets and the tokens the identity provider issued.
func TestBinaryAccountRunLeaksNoSecret(t *testing.T) {
	bus := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if bus == "" {
		msg := "no D-Bus session bus with a keyring: run this test through scripts/test.sh (make test)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	const mailbox = "shared@contoso.com"
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	other := idp.AddApp(authtest.App{})
	idp.Grant(app.ClientID, mailbox)
	idp.Grant(other.ClientID, mailbox)
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{ValidateURL: idp.ValidateURL(), ValidateCAFile: idp.CACertFile()})
	for i := range 5 {
		d.Deliver(mailbox, "INBOX", fmt.Appendf(nil, "Subject: inbox %d\r\nMessage-ID: <in%d@x>\r\n\r\nbody %d\r\n", i, i, i))
	}
	for i := range 3 {
		d.Deliver(mailbox, "Sent Items", fmt.Appendf(nil, "Subject: sent %d\r\nMessage-ID: <sent%d@x>\r\n\r\nbody %d\r\n", i, i, i))
	}

	dir := t.TempDir()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, append(d.CAPEM(), idp.CACertPEM()...), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := buildtest.CLI(t, runtime.GOOS)
	env := []string{"HOME=" + filepath.Join(dir, "home"), "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "TZ=UTC",
		"MAILKEEP_DB=" + filepath.Join(dir, "archive.mailkeep"), "SSL_CERT_FILE=" + caFile, "DBUS_SESSION_BUS_ADDRESS=" + bus}
	_, imapsPort, _ := net.SplitHostPort(d.IMAPSAddr)
	add := func(name string, a authtest.App) []string {
		return []string{"account", "add", name, "--protocol", "imap", "--host", "127.0.0.1", "--port", imapsPort,
			"--user", mailbox, "--auth", "entra", "--tenant", a.Tenant, "--client-id", a.ClientID,
			"--authority-host", idp.URL(), "--secret-stdin"}
	}
	const wrongSecret = "Wrong~Secret.Value-0123456789abcdefghijkl"
	var runs []binRun
	step := func(stdin string, args ...string) binRun {
		r := runBinaryWith(t, bin, env, stdin, args...)
		runs = append(runs, r)
		return r
	}

	if r := step(app.Secret+"\n", add("shared", app)...); r.code != exitOK || !strings.Contains(string(r.stdout), "keyring mailkeep/entra:") {
		t.Fatalf("account add: %s", r)
	}
	r := step("", "account", "test", "shared")
	for _, want := range []string{"token    OK", "signin   OK", "list     OK", "All steps passed", "Add-MailboxPermission"} {
		if !strings.Contains(string(r.stdout), want) {
			t.Errorf("account test lacks %q: %s", want, r)
		}
	}
	if r.code != exitOK {
		t.Fatalf("account test: %s", r)
	}
	if r := step("", "--verbose", "run"); r.code != exitOK || !strings.HasPrefix(string(r.stdout), "shared: 8 messages (8 new") {
		t.Fatalf("run: %s", r)
	} else if !strings.Contains(string(r.stdout), "\n  Sent Items (\\Sent): 3 messages (3 new, ") {
		t.Errorf("run --verbose does not show Sent Items with its special use: %s", r)
	}
	if r := step("", "search", "folder:\"Sent Items\"", "--json"); r.code != exitOK || strings.Count(string(r.stdout), "\n") != 3 {
		t.Errorf("search folder:\"Sent Items\": %s", r)
	}

	// The wrong secret for another app: the doctor names the mistake, the
	// run fails for that account only.
	if r := step(wrongSecret, add("wrong", other)...); r.code != exitOK {
		t.Fatalf("account add wrong: %s", r)
	}
	r = step("", "account", "test", "wrong")
	if r.code != exitFailed || !strings.Contains(string(r.stdout), "token    FAILED") || !strings.Contains(string(r.stdout), "AADSTS7000215") {
		t.Errorf("account test with the wrong secret: %s", r)
	}
	r = step("", "--verbose", "run")
	if r.code != exitFailed || !strings.Contains(string(r.stdout), "shared: 0 messages") || !strings.Contains(string(r.stdout), "wrong: FAILED") ||
		!strings.Contains(string(r.stderr), "1 of 2 accounts failed") {
		t.Errorf("run with one wrong account: %s", r)
	}
	if r := step("", "account", "show", "wrong"); !strings.Contains(string(r.stdout), "failed") {
		t.Errorf("account show wrong: %s", r)
	}

	// Without a keyring, --secret-stdin says so and offers --secret-env.
	noKeyring := append([]string{}, env...)
	noKeyring[len(noKeyring)-1] = "DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(dir, "no-bus")
	r = runBinaryWith(t, bin, noKeyring, "x", add("nokeyring", app)...)
	runs = append(runs, r)
	if r.code != exitFailed || !strings.Contains(string(r.stderr), "no usable OS keyring") || !strings.Contains(string(r.stderr), "--secret-env") {
		t.Errorf("account add without a keyring: %s", r)
	}

	if testing.Verbose() {
		for i, r := range runs {
			t.Logf("run %d: %s", i, r)
		}
	}

	// Nothing the program wrote holds a secret or a token.
	tokens := idp.IssuedTokens()
	if len(tokens) < 2 {
		t.Fatalf("the identity provider issued %d tokens; the test expected some", len(tokens))
	}
	needles := map[string]string{"the client secret": app.Secret, "the wrong secret": wrongSecret}
	for i, tok := range tokens {
		needles[fmt.Sprintf("token %d", i)] = tok
		needles[fmt.Sprintf("token %d's signature", i)] = tok[strings.LastIndex(tok, ".")+1:]
	}
	var written []string
	for i, r := range runs {
		written = append(written, fmt.Sprintf("run %d stdout", i), string(r.stdout), fmt.Sprintf("run %d stderr", i), string(r.stderr))
	}
	files := 0
	err := filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		written = append(written, path, string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 1 {
		t.Errorf("found %d files the program wrote; expected at least the archive", files)
	}
	for i := 0; i < len(written); i += 2 {
		for what, needle := range needles {
			if strings.Contains(written[i+1], needle) {
				t.Errorf("%s holds %s", written[i], what)
			}
		}
		if strings.Contains(written[i+1], "Bearer ") {
			t.Errorf("%s holds a bearer token's prefix", written[i])
		}
	}
}
