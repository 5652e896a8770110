package demo

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
)

// The demo mailbox's sign-in. The password is not a secret: it is written
// here, and the server listens on loopback only.
const (
	User     = "office@example.com"
	password = "demo-mailbox-password"
	host     = "127.0.0.1"
)

// Server is the demo mailbox's IMAP server, running in this process.
type Server struct {
	addr     *net.TCPAddr
	client   *tls.Config
	messages []Message

	srv  *imapserver.Server
	done chan struct{} // closed when Serve returned
	once sync.Once
}

// Start generates the demo mailbox and serves it on 127.0.0.1, on a free
// port, over TLS. Close stops it.
func Start(ctx context.Context) (*Server, error) {
	serverTLS, clientTLS, err := selfSigned(time.Now())
	if err != nil {
		return nil, err
	}
	messages := Mailbox()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(User, password)
	for _, f := range Folders() {
		// In a fixed order: imapmemserver numbers UIDVALIDITY by creation, so
		// every run's folders have the same and a second run is incremental.
		if err := u.Create(f, nil); err != nil {
			return nil, fmt.Errorf("demo mailbox: create folder %q: %w", f, err)
		}
	}
	for _, m := range messages {
		_, err := u.Append(m.Folder, literal{bytes.NewReader(m.Raw)}, &imap.AppendOptions{Time: m.Date, Flags: []imap.Flag{imap.FlagSeen}})
		if err != nil {
			return nil, fmt.Errorf("demo mailbox: add a message to %q: %w", m.Folder, err)
		}
	}
	mem.AddUser(u)

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, fmt.Errorf("cannot start the demo mailbox: listening on %s failed (%w); the demo needs the loopback network, which a firewall or sandbox may block", host, err)
	}
	s := &Server{
		addr:     ln.Addr().(*net.TCPAddr),
		client:   clientTLS,
		messages: messages,
		done:     make(chan struct{}),
	}
	s.srv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), &imapserver.GreetingData{}, nil
		},
		Caps:   imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}},
		Logger: log.New(io.Discard, "", 0),
	})
	go func() {
		defer close(s.done)
		s.srv.Serve(tls.NewListener(ln, serverTLS))
	}()
	return s, nil
}

// literal is a message being appended.
type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }

// Addr is where the server listens ("127.0.0.1:port").
func (s *Server) Addr() string { return s.addr.String() }

// TLSConfig trusts the server's certificate, made for this run, and no
// other: pass it as archive.Options.TLSConfig.
func (s *Server) TLSConfig() *tls.Config { return s.client.Clone() }

// Keyring holds the demo mailbox's password, in memory only: pass it as
// archive.Options.Keyring.
func (s *Server) Keyring() auth.Keyring {
	return auth.MemoryKeyring(map[string]string{auth.PasswordKey(User, host): password})
}

// Messages are the messages the server holds, each folder's in UID order.
func (s *Server) Messages() []Message { return s.messages }

// Account is an account called name that archives the demo mailbox, signing
// in with the password Keyring holds, over TLS.
func (s *Server) Account(name string) archive.Account {
	return archive.Account{
		Name:     name,
		Protocol: archive.IMAP,
		Host:     host,
		Port:     s.addr.Port,
		Security: archive.SecurityTLS,
		User:     User,
		Auth:     archive.AuthPassword,
		Secret:   auth.SecretRef{Keyring: auth.PasswordKey(User, host)},
		Exclude:  []string{}, // every folder
	}
}

// Close stops the server and ends its connections.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		err = s.srv.Close()
		<-s.done
		if errors.Is(err, net.ErrClosed) {
			err = nil
		}
	})
	return err
}
