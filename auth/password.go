package auth

import (
	"context"
	"log/slog"
	"strings"

	"github.com/emersion/go-sasl"
)

// Password signs in with a plain password (SASL PLAIN, or LOGIN for servers
// that know nothing else). Formatting it never shows Secret.
type Password struct {
	Secret string `json:"-"`
}

// SASL returns a PLAIN client for user.
func (p Password) SASL(ctx context.Context, user string) (sasl.Client, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return hiddenSASL{sasl.NewPlainClient("", user, p.Secret), "PLAIN", user}, nil
}

// SASLLogin returns a client for the older LOGIN mechanism, for servers that
// do not offer PLAIN.
func (p Password) SASLLogin(user string) sasl.Client {
	return hiddenSASL{&loginClient{user: user, password: p.Secret}, "LOGIN", user}
}

// loginClient speaks LOGIN as servers do: "Username:" then "Password:"
// challenges (go-sasl's client sends the user as an initial response and
// refuses the "Username:" challenge Dovecot and Exchange send).
type loginClient struct {
	user, password string
	step           int
}

func (c *loginClient) Start() (string, []byte, error) { return "LOGIN", nil, nil }

func (c *loginClient) Next(challenge []byte) ([]byte, error) {
	c.step++
	ch := strings.ToLower(string(challenge))
	switch {
	case strings.Contains(ch, "user"):
		return []byte(c.user), nil
	case strings.Contains(ch, "pass"):
		return []byte(c.password), nil
	case c.step == 1:
		return []byte(c.user), nil
	case c.step == 2:
		return []byte(c.password), nil
	}
	return nil, sasl.ErrUnexpectedServerChallenge
}

// String hides the password.
func (p Password) String() string {
	if p.Secret == "" {
		return "password (empty)"
	}
	return "password " + redacted
}

// GoString is String for %#v.
func (p Password) GoString() string { return "auth.Password{" + redacted + "}" }

// LogValue keeps the password out of slog output.
func (p Password) LogValue() slog.Value { return slog.StringValue(p.String()) }

// hiddenSASL wraps go-sasl's clients, whose fields hold the password, so that
// formatting one does not print it.
type hiddenSASL struct {
	c          sasl.Client // unexported: encoding/json must not see the password either
	mech, user string
}

func (h hiddenSASL) Start() (string, []byte, error)        { return h.c.Start() }
func (h hiddenSASL) Next(challenge []byte) ([]byte, error) { return h.c.Next(challenge) }

func (h hiddenSASL) String() string   { return h.mech + " client for " + h.user + " (password hidden)" }
func (h hiddenSASL) GoString() string { return h.String() }
