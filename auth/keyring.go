package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name Mailkeep's secrets are stored under.
const KeyringService = "mailkeep"

// EntraKey is the keyring key of an app registration's client secret. The
// secret belongs to the app, not to a mailbox: every mailbox archived with the
// app shares it.
func EntraKey(tenant, clientID string) string {
	return "entra:" + strings.ToLower(strings.TrimSpace(tenant)) + "/" + strings.ToLower(strings.TrimSpace(clientID))
}

// PasswordKey is the keyring key of a mailbox password.
func PasswordKey(user, host string) string {
	return "password:" + strings.TrimSpace(user) + "@" + strings.ToLower(strings.TrimSpace(host))
}

// DefaultKeyringTimeout is how long a keyring call may take when
// Keyring.Timeout is zero. A locked keyring on a desktop asks for its password
// in a prompt, and the call waits for the answer.
const DefaultKeyringTimeout = 60 * time.Second

// Keyring stores secrets in the OS keyring (Secret Service on Linux, Keychain
// on macOS, Credential Manager on Windows) under KeyringService.
//
// go-keyring cannot be interrupted: a call that times out keeps running in the
// background until the keyring answers, and its answer is dropped.
type Keyring struct {
	Timeout time.Duration // zero: DefaultKeyringTimeout

	backend keyringBackend // nil: the OS keyring (tests put a fake here)
}

// keyringBackend is the part of go-keyring Keyring uses.
type keyringBackend interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

type osKeyring struct{}

func (osKeyring) Set(s, u, p string) error        { return keyring.Set(s, u, p) }
func (osKeyring) Get(s, u string) (string, error) { return keyring.Get(s, u) }
func (osKeyring) Delete(s, u string) error        { return keyring.Delete(s, u) }

// ErrSecretNotFound means the keyring has no secret under that key.
var ErrSecretNotFound = errors.New("no secret is stored in the keyring under that name")

// NoKeyringError means no usable OS keyring answered. Its message says so in
// plain words and offers --secret-env.
type NoKeyringError struct {
	Op     string // "store", "read", "delete"
	Detail string // what the keyring layer said, in plain words; never the secret
	err    error
}

func (e *NoKeyringError) Error() string {
	return fmt.Sprintf("cannot %s the secret: no usable OS keyring is running on this computer (%s). "+
		"Start or unlock your keyring (on Linux: GNOME Keyring or KWallet, signed in to a desktop session), "+
		"or keep the secret in an environment variable instead and name it with --secret-env VAR "+
		"(for example --secret-env MAILKEEP_SECRET): Mailkeep then stores only the variable's name",
		e.Op, e.Detail)
}

// Unwrap returns the keyring layer's error.
func (e *NoKeyringError) Unwrap() error { return e.err }

// KeyringTimeoutError means the keyring did not answer in time; it is probably
// waiting for someone to unlock it.
type KeyringTimeoutError struct {
	Op      string
	Timeout time.Duration
}

func (e *KeyringTimeoutError) Error() string {
	return fmt.Sprintf("the OS keyring did not answer within %s when asked to %s a secret: it may be locked and waiting for its password in a prompt on the desktop; unlock it and try again, or use --secret-env VAR",
		e.Timeout, e.Op)
}

func (k Keyring) timeout() time.Duration {
	if k.Timeout > 0 {
		return k.Timeout
	}
	return DefaultKeyringTimeout
}

func (k Keyring) be() keyringBackend {
	if k.backend != nil {
		return k.backend
	}
	return osKeyring{}
}

// call runs f with a timeout: go-keyring blocks while a desktop prompt is open.
func keyringCall[T any](ctx context.Context, k Keyring, op string, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1) // buffered: an abandoned call can still finish
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	t := time.NewTimer(k.timeout())
	defer t.Stop()
	var zero T
	select {
	case r := <-ch:
		if r.err != nil {
			return zero, keyringError(op, r.err)
		}
		return r.v, nil
	case <-t.C:
		return zero, &KeyringTimeoutError{Op: op, Timeout: k.timeout()}
	case <-ctx.Done():
		return zero, fmt.Errorf("waiting for the OS keyring to %s a secret: %w", op, ctx.Err())
	}
}

func keyringError(op string, err error) error {
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return ErrSecretNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("the secret is too long for the OS keyring: %w", err)
	}
	return &NoKeyringError{Op: op, Detail: plainKeyringError(err), err: err}
}

// plainKeyringError translates the Secret Service's messages.
func plainKeyringError(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "was not provided by any .service files"),
		strings.Contains(msg, "ServiceUnknown"):
		return "no Secret Service answers on the session bus"
	case strings.Contains(msg, "failed to unlock correct collection"):
		return "the keyring could not be unlocked, or it has no default collection"
	case strings.Contains(msg, "DBUS_SESSION_BUS_ADDRESS"),
		strings.Contains(msg, "dbus"), strings.Contains(msg, "D-Bus"),
		strings.Contains(msg, "no such file or directory"), strings.Contains(msg, "connection refused"):
		return "no D-Bus session bus is reachable"
	case strings.Contains(msg, "unsupported platform"):
		return "this system has no keyring Mailkeep can use"
	}
	return "the keyring said: " + msg
}

// Set stores secret under key, replacing any secret stored there.
func (k Keyring) Set(ctx context.Context, key, secret string) error {
	if key == "" {
		return errors.New("cannot store a secret without a name")
	}
	_, err := keyringCall(ctx, k, "store", func() (struct{}, error) {
		return struct{}{}, k.be().Set(KeyringService, key, secret)
	})
	return err
}

// Get returns the secret stored under key, or ErrSecretNotFound.
func (k Keyring) Get(ctx context.Context, key string) (string, error) {
	return keyringCall(ctx, k, "read", func() (string, error) {
		return k.be().Get(KeyringService, key)
	})
}

// Delete removes the secret stored under key; ErrSecretNotFound if none was.
func (k Keyring) Delete(ctx context.Context, key string) error {
	_, err := keyringCall(ctx, k, "delete", func() (struct{}, error) {
		return struct{}{}, k.be().Delete(KeyringService, key)
	})
	return err
}

// SecretRef says where a secret is: a keyring key or an environment variable's
// name. Exactly one is set. It is what a config file holds, never the secret.
type SecretRef struct {
	Keyring string `json:"keyring,omitempty"` // e.g. EntraKey(tenant, clientID)
	Env     string `json:"env,omitempty"`     // e.g. "MAILKEEP_SECRET"
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate checks that exactly one place is named, and that Env is a valid
// variable name.
func (r SecretRef) Validate() error {
	switch {
	case r.Keyring == "" && r.Env == "":
		return errors.New("no secret is configured: store one in the keyring (--secret-stdin) or name an environment variable with --secret-env VAR")
	case r.Keyring != "" && r.Env != "":
		return errors.New("the secret is configured twice (keyring and --secret-env): keep one")
	case r.Env != "" && !envName.MatchString(r.Env):
		return fmt.Errorf("%q is not an environment variable name: use letters, digits and _ (for example MAILKEEP_SECRET)", r.Env)
	}
	return nil
}

// Resolve returns the secret r points to.
func (r SecretRef) Resolve(ctx context.Context, k Keyring) (string, error) {
	if err := r.Validate(); err != nil {
		return "", err
	}
	if r.Env != "" {
		v, ok := os.LookupEnv(r.Env)
		switch {
		case !ok:
			return "", fmt.Errorf("the environment variable %s, which should hold the secret, is not set: set it in the environment Mailkeep runs in: %w", r.Env, ErrSecretNotFound)
		case v == "":
			return "", fmt.Errorf("the environment variable %s, which should hold the secret, is empty: %w", r.Env, ErrSecretNotFound)
		}
		return v, nil
	}
	s, err := k.Get(ctx, r.Keyring)
	if errors.Is(err, ErrSecretNotFound) {
		return "", fmt.Errorf("the keyring holds no secret named %s: store it again (mailkeep-cli account add ... --secret-stdin): %w", r.Keyring, err)
	}
	return s, err
}

// String names where the secret is.
func (r SecretRef) String() string {
	switch {
	case r.Env != "":
		return "environment variable " + r.Env
	case r.Keyring != "":
		return "keyring " + KeyringService + "/" + r.Keyring
	}
	return "no secret"
}
