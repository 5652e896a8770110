package archive

import (
	"fmt"
	"strings"
)

// SignInError is a mail server's refusal of a sign-in: the credentials, the
// token or the mailbox's permissions are wrong, so retrying will not help.
// It never carries a secret.
type SignInError struct {
	Protocol  Protocol
	Mechanism string // "XOAUTH2", "PLAIN", "USER/PASS", ...
	// ServerText is the server's own words, such as
	// "[AUTH] Authentication failed." or "AUTHENTICATE failed.".
	ServerText string
	// Challenge is the error challenge a server sent before refusing a
	// bearer token (XOAUTH2's JSON, e.g. {"status":"401",...}), if any.
	Challenge string
}

func (e *SignInError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the %s server refused the sign-in (%s)", e.Protocol, e.Mechanism)
	if e.ServerText != "" {
		fmt.Fprintf(&b, ": %s", e.ServerText)
	}
	if e.Challenge != "" {
		fmt.Fprintf(&b, " %s", e.Challenge)
	}
	b.WriteString("; check the user name and secret and the mailbox's permissions (`mailkeep-cli account test NAME` shows each step)")
	return b.String()
}
