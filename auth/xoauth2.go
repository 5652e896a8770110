package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/emersion/go-sasl"
)

// XOAUTH2 is the SASL mechanism name of Google's and Microsoft's bearer-token
// sign-in.
const XOAUTH2 = "XOAUTH2"

// NewXOAUTH2Client returns a SASL client for mechanism XOAUTH2. Its initial
// response is "user=<user>\x01auth=Bearer <token>\x01\x01". When the server
// refuses the token it first sends a JSON challenge; the client answers it with
// an empty response (as the mechanism requires) and keeps the decoded JSON,
// which SASLError joins to the protocol's failure.
//
// Formatting the client never shows the token.
func NewXOAUTH2Client(user, token string) sasl.Client {
	return &xoauth2Client{user: user, token: token}
}

// XOAUTH2Error is the server's JSON challenge after it refused a token, e.g.
// {"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}.
type XOAUTH2Error struct {
	Status, Schemes, Scope string
}

func (e *XOAUTH2Error) Error() string {
	var b strings.Builder
	b.WriteString("the mail server refused the access token")
	if e.Status != "" {
		fmt.Fprintf(&b, " (status %s", e.Status)
		if e.Schemes != "" {
			fmt.Fprintf(&b, ", schemes %s", e.Schemes)
		}
		if e.Scope != "" {
			fmt.Fprintf(&b, ", scope %s", e.Scope)
		}
		b.WriteString(")")
	}
	return b.String()
}

// Is makes an XOAUTH2Error an ErrCredentials: retrying the same token will not
// help.
func (e *XOAUTH2Error) Is(target error) bool { return target == ErrCredentials }

type xoauth2Client struct {
	user, token string

	mu      sync.Mutex
	failure *XOAUTH2Error
	answers int
}

func (c *xoauth2Client) Start() (mech string, ir []byte, err error) {
	if strings.ContainsAny(c.user, "\x01\r\n") {
		return "", nil, fmt.Errorf("the mailbox name %q contains control characters", c.user)
	}
	return XOAUTH2, []byte("user=" + c.user + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

// Next answers the server's error challenge with an empty response and keeps
// the decoded challenge. XOAUTH2 has no other challenge.
func (c *xoauth2Client) Next(challenge []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answers++
	if c.answers > 1 {
		return nil, sasl.ErrUnexpectedServerChallenge
	}
	var raw struct {
		Status  any    `json:"status"` // "401" (Google, Dovecot) or 401 (some servers)
		Schemes string `json:"schemes"`
		Scope   string `json:"scope"`
	}
	f := &XOAUTH2Error{}
	if err := json.Unmarshal(challenge, &raw); err == nil {
		switch s := raw.Status.(type) {
		case string:
			f.Status = s
		case float64:
			f.Status = fmt.Sprint(s)
		}
		f.Schemes, f.Scope = raw.Schemes, raw.Scope
	} else {
		f.Status = "unreadable challenge"
	}
	c.failure = f
	return []byte{}, nil
}

// Failure is the server's decoded error challenge, or nil if none came.
func (c *xoauth2Client) Failure() *XOAUTH2Error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failure
}

func (c *xoauth2Client) String() string {
	return fmt.Sprintf("XOAUTH2 client for %s (token hidden)", c.user)
}

func (c *xoauth2Client) GoString() string { return c.String() }

// SASLError joins err, what an AUTHENTICATE (IMAP) or AUTH (POP3) exchange
// with c ended with, to what the server said during it: for XOAUTH2, the
// decoded JSON challenge (errors.As(err, new(*XOAUTH2Error))). It returns nil
// when err is nil and err itself when the server said nothing more.
func SASLError(c sasl.Client, err error) error {
	if err == nil {
		return nil
	}
	x, ok := c.(interface{ Failure() *XOAUTH2Error })
	if !ok {
		return err
	}
	f := x.Failure()
	if f == nil {
		return err
	}
	var already *XOAUTH2Error
	if errors.As(err, &already) {
		return err
	}
	return fmt.Errorf("%w: %w", f, err)
}
