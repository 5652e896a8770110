package archive

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"
)

// Security is how a connection to a mail server is protected.
type Security string

const (
	SecurityTLS      Security = "tls"      // TLS from the first byte (IMAPS 993, POP3S 995)
	SecurityStartTLS Security = "starttls" // plain text, then STARTTLS / STLS before signing in
	SecurityNone     Security = "none"     // no encryption: test servers and trusted networks only
)

// Protocol is the mail protocol of an account.
type Protocol string

const (
	IMAP Protocol = "imap"
	POP3 Protocol = "pop3"
)

// DefaultPort returns the usual port for protocol with security.
func DefaultPort(p Protocol, s Security) int {
	switch {
	case p == IMAP && s == SecurityTLS:
		return 993
	case p == IMAP:
		return 143
	case p == POP3 && s == SecurityTLS:
		return 995
	default:
		return 110
	}
}

func (s Security) valid() error {
	switch s {
	case SecurityTLS, SecurityStartTLS, SecurityNone:
		return nil
	}
	return fmt.Errorf("unknown connection security %q: use tls, starttls or none", s)
}

// tlsConfigFor returns a copy of cfg (or a new config) that checks the
// certificate against host.
func tlsConfigFor(cfg *tls.Config, host string) *tls.Config {
	if cfg == nil {
		cfg = &tls.Config{}
	} else {
		cfg = cfg.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	return cfg
}

// dialTCP connects to addr, giving up when ctx ends.
func dialTCP(ctx context.Context, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return d.DialContext(ctx, "tcp", addr)
}
