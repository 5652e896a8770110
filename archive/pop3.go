package archive

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	pop3 "github.com/knadh/go-pop3"
)

// POP3Conn is one POP3 session.
//
// It stands on github.com/knadh/go-pop3 (v1.0.0) for what that library does
// correctly: the greeting and the one-line commands USER, PASS, STAT, DELE
// and QUIT, and the short multi-line UIDL and LIST replies. Three things are
// done here instead, on the same stream:
//
//   - RETR. go-pop3 reads multi-line replies with bufio.Reader.ReadLine and
//     ignores isPrefix: it does not undo dot-stuffing, splits lines longer
//     than 4,096 bytes with an inserted CRLF, and takes the lone "." left at
//     the 4,096-byte boundary of a 4,097-byte line ending in "." for the end
//     of the message, which truncates it and leaves the connection out of
//     step. Any of these silently corrupts an archive.
//   - AUTH. go-pop3 rejects the "+" / "+ " continuations SASL needs.
//   - STLS and TLS settings (root CAs). go-pop3 has no STLS and builds its
//     own tls.Config.
//
// go-pop3 exposes neither its reader nor its writer, but lets the caller
// dial. So the connection it gets is popWire, which reads from this
// session's one bufio.Reader and never returns bytes past the end of a line:
// whenever go-pop3 has read a whole reply its own buffer is empty, and the
// two readers cannot disagree about where the stream is.
type POP3Conn struct {
	tcp    net.Conn      // the TCP connection (deadlines are set here)
	conn   net.Conn      // tcp, or TLS over it
	r      *bufio.Reader // the one read buffer over conn
	pc     *pop3.Conn    // go-pop3 over popWire
	broken error         // set once the stream is out of step or gone
}

// POP3Error is a -ERR reply to a command other than a sign-in.
type POP3Error struct {
	Command string
	Text    string // the server's words after -ERR
}

func (e *POP3Error) Error() string {
	return fmt.Sprintf("the POP3 server answered %s with an error: %s", e.Command, e.Text)
}

// POP3Message is one message of the maildrop as UIDL and LIST tell.
type POP3Message struct {
	Seq  int    // message number in this session, from 1
	UID  string // UIDL's unique id, stable across sessions
	Size int64  // size as LIST reports it (bytes with CRLF line ends)
}

// DialPOP3 connects to addr ("host:port"), reads the greeting and, with
// SecurityStartTLS, switches to TLS with STLS. tlsConfig may be nil (system
// roots, server name from addr).
func DialPOP3(ctx context.Context, addr string, security Security, tlsConfig *tls.Config) (*POP3Conn, error) {
	if err := security.valid(); err != nil {
		return nil, err
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("POP3 server address %q: %w", addr, err)
	}
	port, _ := strconv.Atoi(portStr)
	tcp, err := dialTCP(ctx, addr)
	if err != nil {
		return nil, err
	}
	c := &POP3Conn{tcp: tcp, conn: tcp}
	err = c.exchange(ctx, func() error {
		if security == SecurityTLS {
			tc := tls.Client(tcp, tlsConfigFor(tlsConfig, host))
			if err := tc.HandshakeContext(ctx); err != nil {
				return err
			}
			c.conn = tc
		}
		c.r = bufio.NewReaderSize(c.conn, 64<<10)
		pc, err := pop3.New(pop3.Opt{Host: host, Port: port, Dialer: popDialer{c}}).NewConn()
		if err != nil {
			return c.replyError("the greeting", err)
		}
		c.pc = pc
		if security == SecurityStartTLS {
			return c.startTLS(ctx, tlsConfigFor(tlsConfig, host))
		}
		return nil
	})
	if err != nil {
		tcp.Close()
		return nil, err
	}
	return c, nil
}

func (c *POP3Conn) startTLS(ctx context.Context, cfg *tls.Config) error {
	if _, err := c.pc.Cmd("STLS", false); err != nil {
		err = c.replyError("STLS", err)
		var perr *POP3Error
		if errors.As(err, &perr) {
			return fmt.Errorf("the server does not offer STLS (%s): use security tls (usually port 995) or ask its admin to enable TLS", perr.Text)
		}
		return err
	}
	// Anything already buffered was sent before TLS began and could have
	// been injected by an attacker on the path.
	if c.r.Buffered() > 0 {
		c.broken = errors.New("the POP3 server sent data after its STLS reply; refusing to continue")
		return c.broken
	}
	tc := tls.Client(c.tcp, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		c.broken = err
		return err
	}
	c.conn = tc
	c.r.Reset(tc)
	return nil
}

// Login signs in with USER and PASS.
func (c *POP3Conn) Login(ctx context.Context, user, pass string) error {
	if strings.ContainsAny(user, "\r\n") || strings.ContainsAny(pass, "\r\n") {
		return errors.New("the user name or password contains a line break: correct it")
	}
	return c.exchange(ctx, func() error {
		if err := c.pc.User(user); err != nil {
			return c.signInError("USER/PASS", err)
		}
		if err := c.pc.Pass(pass); err != nil {
			return c.signInError("USER/PASS", err)
		}
		return nil
	})
}

func (c *POP3Conn) signInError(mech string, err error) error {
	err = c.replyError("PASS", err)
	var perr *POP3Error
	if errors.As(err, &perr) {
		return &SignInError{Protocol: POP3, Mechanism: mech, ServerText: perr.Text}
	}
	return err
}

// Authenticate signs in with any SASL mechanism (RFC 5034). It always sends
// "AUTH <MECH>" alone and the initial response after the server's "+"
// continuation: Exchange Online refuses the one-line form. A "+ <base64>"
// challenge (XOAUTH2's JSON error) goes to client.Next and its answer is
// sent, an empty answer as an empty line. A -ERR ends it with *SignInError.
func (c *POP3Conn) Authenticate(ctx context.Context, client sasl.Client) error {
	return c.exchange(ctx, func() error {
		mech, ir, err := client.Start()
		if err != nil {
			return fmt.Errorf("start the %s sign-in: %w", mech, err)
		}
		if mech == "" || strings.ContainsAny(mech, " \r\n") {
			return fmt.Errorf("SASL mechanism %q is not a valid name", mech)
		}
		if err := c.pc.Send("AUTH " + mech); err != nil {
			return c.replyError("AUTH", err)
		}
		var lastChallenge string
		for {
			line, err := c.readReplyLine()
			if err != nil {
				return err
			}
			switch {
			case line == "+OK" || strings.HasPrefix(line, "+OK "):
				return nil
			case line == "-ERR" || strings.HasPrefix(line, "-ERR "):
				return &SignInError{Protocol: POP3, Mechanism: mech, ServerText: strings.TrimSpace(strings.TrimPrefix(line, "-ERR")), Challenge: lastChallenge}
			case line == "+" || strings.HasPrefix(line, "+ "):
				data := strings.TrimSpace(line[1:])
				var resp []byte
				if ir != nil {
					resp, ir = ir, nil
				} else {
					challenge, err := base64.StdEncoding.DecodeString(data)
					if err != nil {
						return c.abortAuth(fmt.Errorf("the POP3 server sent a SASL challenge that is not base64: %q", data))
					}
					if bytes.HasPrefix(challenge, []byte("{")) {
						lastChallenge = string(challenge) // an error report (XOAUTH2), no secret
					}
					if resp, err = client.Next(challenge); err != nil {
						return c.abortAuth(fmt.Errorf("%s sign-in: %w", mech, err))
					}
				}
				if err := c.pc.Send(base64.StdEncoding.EncodeToString(resp)); err != nil {
					return c.replyError("AUTH", err)
				}
			default:
				c.broken = fmt.Errorf("the POP3 server answered AUTH with %q, which is not POP3", line)
				return c.broken
			}
		}
	})
}

// abortAuth cancels a SASL exchange with "*" and returns err once the
// server has answered.
func (c *POP3Conn) abortAuth(err error) error {
	if serr := c.pc.Send("*"); serr != nil {
		return c.replyError("AUTH", serr)
	}
	if _, rerr := c.readReplyLine(); rerr != nil {
		return rerr
	}
	return err
}

// Stat returns the number of messages and their total size.
func (c *POP3Conn) Stat(ctx context.Context) (count int, size int64, err error) {
	err = c.exchange(ctx, func() error {
		b, err := c.pc.Cmd("STAT", false)
		if err != nil {
			return c.replyError("STAT", err)
		}
		f := strings.Fields(b.String())
		if len(f) < 2 {
			return &POP3Error{Command: "STAT", Text: "reply without count and size: " + b.String()}
		}
		if count, err = strconv.Atoi(f[0]); err != nil {
			return &POP3Error{Command: "STAT", Text: "bad count: " + b.String()}
		}
		if size, err = strconv.ParseInt(f[1], 10, 64); err != nil {
			return &POP3Error{Command: "STAT", Text: "bad size: " + b.String()}
		}
		return nil
	})
	return count, size, err
}

// Messages lists the maildrop with UIDL and LIST.
func (c *POP3Conn) Messages(ctx context.Context) ([]POP3Message, error) {
	out, err := c.UIDs(ctx)
	if err != nil {
		return nil, err
	}
	sizes, err := c.Sizes(ctx)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Size = sizes[out[i].Seq]
	}
	return out, nil
}

// UIDs lists the maildrop's messages by UIDL, without their sizes: all a run
// needs to see that nothing is new.
func (c *POP3Conn) UIDs(ctx context.Context) ([]POP3Message, error) {
	var out []POP3Message
	err := c.exchange(ctx, func() error {
		uids, err := c.pc.Uidl(0)
		if err != nil {
			return c.replyError("UIDL", err)
		}
		for _, u := range uids {
			out = append(out, POP3Message{Seq: u.ID, UID: u.UID})
		}
		return nil
	})
	return out, err
}

// Sizes lists each message's size by its number (LIST).
func (c *POP3Conn) Sizes(ctx context.Context) (map[int]int64, error) {
	var size map[int]int64
	err := c.exchange(ctx, func() error {
		sizes, err := c.pc.List(0)
		if err != nil {
			return c.replyError("LIST", err)
		}
		size = make(map[int]int64, len(sizes))
		for _, s := range sizes {
			size[s.ID] = int64(s.Size)
		}
		return nil
	})
	return size, err
}

// Retr streams message seq into w exactly as the server holds it: the
// multi-line reply with one leading "." removed from each dot-stuffed line
// and the terminating "." line dropped, every other byte (NULs, bare CRs,
// lines of any length) as sent. It returns the number of bytes written. If
// w fails, the rest of the message is still read so the session stays
// usable, and w's error is returned.
func (c *POP3Conn) Retr(ctx context.Context, seq int, w io.Writer) (int64, error) {
	var n int64
	err := c.exchange(ctx, func() error {
		if err := c.pc.Send("RETR " + strconv.Itoa(seq)); err != nil {
			return c.replyError("RETR", err)
		}
		line, err := c.readReplyLine()
		if err != nil {
			return err
		}
		if line == "-ERR" || strings.HasPrefix(line, "-ERR ") {
			return &POP3Error{Command: "RETR " + strconv.Itoa(seq), Text: strings.TrimSpace(strings.TrimPrefix(line, "-ERR"))}
		}
		if line != "+OK" && !strings.HasPrefix(line, "+OK ") {
			c.broken = fmt.Errorf("the POP3 server answered RETR with %q, which is not POP3", line)
			return c.broken
		}
		n, err = readDotStuffed(c.r, w)
		if err != nil && !errors.Is(err, errWriter) {
			c.broken = err
		}
		return err
	})
	return n, err
}

// errWriter marks a failure of the destination, not of the connection.
var errWriter = errors.New("writing the message failed")

// readDotStuffed copies a POP3 multi-line body from r to w (RFC 1939 3):
// lines end at "\n"; a line that is exactly ".\r\n" (or ".\n") ends the
// body; any other line starting with "." loses that first ".". Lines longer
// than r's buffer are copied in pieces without ever being split or
// reinterpreted.
func readDotStuffed(r *bufio.Reader, w io.Writer) (int64, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	var n int64
	var werr error
	atLineStart := true
	for {
		chunk, err := r.ReadSlice('\n')
		full := errors.Is(err, bufio.ErrBufferFull)
		if err != nil && !full {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return n, fmt.Errorf("the connection ended in the middle of a message: %w", err)
		}
		if atLineStart && len(chunk) > 0 && chunk[0] == '.' {
			if !full && (string(chunk) == ".\r\n" || string(chunk) == ".\n") {
				break
			}
			chunk = chunk[1:]
		}
		atLineStart = !full
		if werr == nil {
			var m int
			m, werr = bw.Write(chunk)
			n += int64(m)
		}
	}
	if werr == nil {
		werr = bw.Flush()
		n -= int64(bw.Buffered())
	}
	if werr != nil {
		return n, fmt.Errorf("%w: %w", errWriter, werr)
	}
	return n, nil
}

// Dele marks message seq for deletion; the server deletes it at Quit.
func (c *POP3Conn) Dele(ctx context.Context, seq int) error {
	return c.exchange(ctx, func() error {
		if err := c.pc.Dele(seq); err != nil {
			return c.replyError("DELE "+strconv.Itoa(seq), err)
		}
		return nil
	})
}

// Quit ends the session (committing any Dele) and closes the connection.
func (c *POP3Conn) Quit(ctx context.Context) error {
	defer c.conn.Close()
	return c.exchange(ctx, func() error {
		if err := c.pc.Quit(); err != nil {
			return c.replyError("QUIT", err)
		}
		return nil
	})
}

// Close closes the connection without QUIT: marked deletions are not done.
func (c *POP3Conn) Close() error { return c.conn.Close() }

// readReplyLine reads one status or continuation line, without its line end.
func (c *POP3Conn) readReplyLine() (string, error) {
	line, err := c.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		c.broken = errors.New("the POP3 server sent a reply line longer than 64 KiB")
		return "", c.broken
	}
	if err != nil {
		c.broken = fmt.Errorf("the POP3 connection was lost: %w", err)
		return "", c.broken
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

// exchange runs one command's exchange; ctx ending interrupts it (and
// leaves the session unusable: the stream is then out of step).
func (c *POP3Conn) exchange(ctx context.Context, f func() error) error {
	if c.broken != nil {
		return fmt.Errorf("the POP3 session can no longer be used: %w", c.broken)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { c.tcp.SetDeadline(time.Unix(1, 0)) })
	err := f()
	if !stop() {
		c.broken = fmt.Errorf("interrupted: %w", ctx.Err())
		if err != nil {
			return fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
	}
	return err
}

// replyError turns an error from go-pop3 into a *POP3Error when the server
// answered -ERR (or something that is not POP3), or into a connection error.
func (c *POP3Conn) replyError(cmd string, err error) error {
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded) {
		c.broken = fmt.Errorf("the POP3 connection was lost during %s: %w", cmd, err)
		return c.broken
	}
	return &POP3Error{Command: cmd, Text: err.Error()}
}

// popDialer hands go-pop3 this session's stream instead of dialing.
type popDialer struct{ c *POP3Conn }

func (d popDialer) Dial(network, address string) (net.Conn, error) { return popWire{d.c}, nil }

// popWire is the connection go-pop3 reads and writes. Read returns at most
// one line: go-pop3 never holds bytes of a reply it has not asked for.
type popWire struct{ c *POP3Conn }

func (w popWire) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if _, err := w.c.r.Peek(1); err != nil {
		return 0, err
	}
	n := min(len(p), w.c.r.Buffered())
	buf, _ := w.c.r.Peek(n)
	if i := bytes.IndexByte(buf, '\n'); i >= 0 {
		n = i + 1
	}
	return w.c.r.Read(p[:n])
}

func (w popWire) Write(p []byte) (int, error)        { return w.c.conn.Write(p) }
func (w popWire) Close() error                       { return w.c.conn.Close() }
func (w popWire) LocalAddr() net.Addr                { return w.c.conn.LocalAddr() }
func (w popWire) RemoteAddr() net.Addr               { return w.c.conn.RemoteAddr() }
func (w popWire) SetDeadline(t time.Time) error      { return w.c.conn.SetDeadline(t) }
func (w popWire) SetReadDeadline(t time.Time) error  { return w.c.conn.SetReadDeadline(t) }
func (w popWire) SetWriteDeadline(t time.Time) error { return w.c.conn.SetWriteDeadline(t) }
