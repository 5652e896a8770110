package auth

import (
	"context"
	"errors"

	"github.com/emersion/go-sasl"
)

// Credentials sign a user in to a mail server.
type Credentials interface {
	// SASL returns a SASL client (github.com/emersion/go-sasl's sasl.Client) that signs
	// user in; for Entra it first gets a (cached) token.
	SASL(ctx context.Context, user string) (sasl.Client, error)
}

// Errors a caller decides on with errors.Is.
var (
	// ErrCredentials marks a permanent failure: the setup or the secret is wrong.
	// Retrying will not help (and repeated failed sign-ins get an account
	// throttled): stop and show the doctor's advice.
	ErrCredentials = errors.New("the credentials or the setup are wrong")

	// ErrService marks a transient failure: the identity provider or the network
	// did not answer properly. Retry later.
	ErrService = errors.New("the sign-in service is unavailable for now")

	// ErrNetwork marks a failure to reach the identity provider at all (DNS, TCP,
	// TLS). Errors marked ErrNetwork are also marked ErrService.
	ErrNetwork = errors.New("the sign-in service could not be reached")
)
