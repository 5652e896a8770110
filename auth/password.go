package auth

import (
	"context"
	"log/slog"

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
	return hiddenSASL{sasl.NewLoginClient(user, p.Secret), "LOGIN", user}
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
	sasl.Client
	mech, user string
}

func (h hiddenSASL) String() string   { return h.mech + " client for " + h.user + " (password hidden)" }
func (h hiddenSASL) GoString() string { return h.String() }
