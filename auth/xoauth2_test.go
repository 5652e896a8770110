package auth

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"

	"github.com/mailkeep/mailkeep/auth/authtest"
)

func TestXOAUTH2ClientContract(t *testing.T) {
	c := NewXOAUTH2Client("archive@contoso.com", "eyJ0eXAi.payload.sig")
	mech, ir, err := c.Start()
	if err != nil {
		t.Fatal(err)
	}
	if mech != "XOAUTH2" {
		t.Errorf("mechanism %q", mech)
	}
	if want := "user=archive@contoso.com\x01auth=Bearer eyJ0eXAi.payload.sig\x01\x01"; string(ir) != want {
		t.Errorf("initial response %q, want %q", ir, want)
	}
	if err := SASLError(c, nil); err != nil {
		t.Errorf("SASLError(nil) = %v", err)
	}
	protoErr := errors.New("NO [AUTHENTICATIONFAILED] Authentication failed.")
	if err := SASLError(c, protoErr); err != protoErr {
		t.Errorf("SASLError without a challenge = %v, want the protocol error itself", err)
	}

	resp, err := c.Next([]byte(`{"status":"401","schemes":"bearer","scope":"https://outlook.office.com/"}`))
	if err != nil {
		t.Fatalf("Next(challenge): %v", err)
	}
	if resp == nil || len(resp) != 0 {
		t.Errorf("answer to the challenge %q (nil: %v), want an empty, non-nil response", resp, resp == nil)
	}
	err = SASLError(c, protoErr)
	var xe *XOAUTH2Error
	if !errors.As(err, &xe) || xe.Status != "401" || xe.Schemes != "bearer" || xe.Scope != "https://outlook.office.com/" {
		t.Fatalf("SASLError = %v, want the decoded challenge", err)
	}
	if !errors.Is(err, protoErr) || !errors.Is(err, ErrCredentials) {
		t.Errorf("SASLError = %v: want it to wrap the protocol error and be ErrCredentials", err)
	}
	if _, err := c.Next([]byte("{}")); err == nil {
		t.Error("a second challenge was answered")
	}

	// A numeric status (some servers) decodes too.
	c2 := NewXOAUTH2Client("u", "t")
	c2.Next([]byte(`{"status":400,"schemes":"Bearer"}`))
	if err := SASLError(c2, protoErr); !errors.As(err, &xe) || xe.Status != "400" {
		t.Errorf("numeric status: %v", err)
	}
	if _, _, err := NewXOAUTH2Client("a\x01b", "t").Start(); err == nil {
		t.Error("a user with \\x01 was accepted")
	}
}

func startIMAP(t *testing.T, idp *authtest.IdP, mailbox string) string {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(mailbox, "internal")
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &saslSession{Session: mem.NewSession(), idp: idp}, nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapSASLIR: {}},
		InsecureAuth: true,
		Logger:       discardLogger{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

// saslSession adds the test IdP's XOAUTH2 to an in-memory IMAP session.
type saslSession struct {
	imapserver.Session
	idp *authtest.IdP
}

func (s *saslSession) AuthenticateMechanisms() []string { return []string{"XOAUTH2"} }

func (s *saslSession) Authenticate(mech string) (sasl.Server, error) {
	if mech != "XOAUTH2" {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "unsupported mechanism"}
	}
	return s.idp.XOAUTH2Server("imap", func(user string) error {
		return s.Session.Login(user, "internal")
	}), nil
}

// TestXOAUTH2AgainstIMAPServer signs in to go-imap's in-process server whose
// XOAUTH2 checks tokens as Exchange does (authtest): granted, then refused
// with the JSON challenge, and the doctor's advice for that.
func TestXOAUTH2AgainstIMAPServer(t *testing.T) {
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	cfg := entraConfig(idp, app)
	e := newTestEntra(t, cfg)
	addr := startIMAP(t, idp, "archive@contoso.com")

	signIn := func(user string) error {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c := imapclient.New(conn, nil)
		defer c.Close()
		sc, err := e.SASL(context.Background(), user)
		if err != nil {
			t.Fatal(err)
		}
		err = SASLError(sc, c.Authenticate(sc))
		if err == nil {
			if _, err := c.List("", "*", nil).Collect(); err != nil {
				t.Errorf("LIST after sign-in: %v", err)
			}
		}
		return err
	}

	err := signIn("archive@contoso.com")
	var xe *XOAUTH2Error
	if !errors.As(err, &xe) || xe.Status != "401" {
		t.Fatalf("sign-in without a grant: %v, want the server's XOAUTH2 challenge", err)
	}
	a := ExplainSignInError(err, "imap", true)
	for _, want := range []string{"New-ServicePrincipal", "Enterprise application", "Add-MailboxPermission", "FullAccess", "Set-CASMailbox", "-ImapEnabled $true", "30 to 60 minutes"} {
		if !strings.Contains(a.Fix, want) {
			t.Errorf("advice lacks %q: %s", want, a.Fix)
		}
	}

	idp.Grant(app.ClientID, "archive@contoso.com")
	if err := signIn("archive@contoso.com"); err != nil {
		t.Fatalf("sign-in with a grant: %v", err)
	}
	if n := idp.TokenRequests(); n != 1 {
		t.Errorf("two sign-ins made %d token requests, want 1", n)
	}
}
