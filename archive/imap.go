package archive

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// IMAPConn is one IMAP session over go-imap v2's client. go-imap takes no
// contexts; each method here bounds its wait with ctx by cutting the
// connection when ctx ends (the session is then unusable).
type IMAPConn struct {
	tcp    net.Conn
	client *imapclient.Client
}

// Folder is a folder that can hold messages.
type Folder struct {
	Name       string // UTF-8, hierarchy levels joined by Delim
	Delim      rune   // hierarchy separator; 0 if the server has none
	SpecialUse []imap.MailboxAttr
}

// DialIMAP connects to addr ("host:port") and waits for the greeting; with
// SecurityStartTLS it switches to TLS before anything else. tlsConfig may be
// nil (system roots, server name from addr).
func DialIMAP(ctx context.Context, addr string, security Security, tlsConfig *tls.Config) (*IMAPConn, error) {
	if err := security.valid(); err != nil {
		return nil, err
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("IMAP server address %q: %w", addr, err)
	}
	tcp, err := dialTCP(ctx, addr)
	if err != nil {
		return nil, err
	}
	c := &IMAPConn{tcp: tcp}
	cfg := tlsConfigFor(tlsConfig, host)
	err = c.wait(ctx, func() error {
		switch security {
		case SecurityTLS:
			if cfg.NextProtos == nil {
				cfg.NextProtos = []string{"imap"}
			}
			tc := tls.Client(tcp, cfg)
			if err := tc.HandshakeContext(ctx); err != nil {
				return err
			}
			c.client = imapclient.New(tc, nil)
		case SecurityStartTLS:
			cl, err := imapclient.NewStartTLS(tcp, &imapclient.Options{TLSConfig: cfg})
			if err != nil {
				return err
			}
			c.client = cl
		default:
			c.client = imapclient.New(tcp, nil)
		}
		return c.client.WaitGreeting()
	})
	if err != nil {
		if c.client != nil {
			c.client.Close()
		}
		tcp.Close()
		return nil, err
	}
	return c, nil
}

// Client returns the go-imap client, for commands this type does not wrap.
func (c *IMAPConn) Client() *imapclient.Client { return c.client }

// Authenticate signs in with client (AUTHENTICATE). A refusal by the server
// is a *SignInError.
func (c *IMAPConn) Authenticate(ctx context.Context, client sasl.Client) error {
	rec := &mechanismRecorder{Client: client}
	return c.wait(ctx, func() error {
		err := c.client.Authenticate(rec)
		var ie *imap.Error
		if errors.As(err, &ie) {
			text := ie.Text
			if ie.Code != "" {
				text = fmt.Sprintf("[%s] %s", ie.Code, ie.Text)
			}
			return &SignInError{Protocol: IMAP, Mechanism: rec.mech, ServerText: text}
		}
		return err
	})
}

// mechanismRecorder notes which mechanism a sasl.Client chose.
type mechanismRecorder struct {
	sasl.Client
	mech string
}

func (m *mechanismRecorder) Start() (string, []byte, error) {
	mech, ir, err := m.Client.Start()
	m.mech = mech
	return mech, ir, err
}

// Folders lists the folders that can hold messages: those marked
// \Noselect or \NonExistent (hierarchy placeholders) are left out.
func (c *IMAPConn) Folders(ctx context.Context) ([]Folder, error) {
	var out []Folder
	err := c.wait(ctx, func() error {
		list, err := c.client.List("", "*", nil).Collect()
		if err != nil {
			return fmt.Errorf("list folders: %w", err)
		}
		for _, m := range list {
			if slices.Contains(m.Attrs, imap.MailboxAttrNoSelect) || slices.Contains(m.Attrs, imap.MailboxAttrNonExistent) {
				continue
			}
			f := Folder{Name: m.Mailbox, Delim: m.Delim}
			for _, a := range m.Attrs {
				switch a {
				case imap.MailboxAttrAll, imap.MailboxAttrArchive, imap.MailboxAttrDrafts, imap.MailboxAttrFlagged,
					imap.MailboxAttrJunk, imap.MailboxAttrSent, imap.MailboxAttrTrash:
					f.SpecialUse = append(f.SpecialUse, a)
				}
			}
			out = append(out, f)
		}
		return nil
	})
	return out, err
}

// Logout ends the session politely and closes the connection.
func (c *IMAPConn) Logout(ctx context.Context) error {
	defer c.client.Close()
	return c.wait(ctx, func() error { return c.client.Logout().Wait() })
}

// Close closes the connection at once.
func (c *IMAPConn) Close() error { return c.client.Close() }

// wait runs f, cutting the connection if ctx ends first.
func (c *IMAPConn) wait(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { c.tcp.SetDeadline(time.Unix(1, 0)) })
	err := f()
	if !stop() && err != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}
