//go:build !unix && !windows

package store

import "errors"

// DefaultPath: this system has no per-user data folder Mailkeep knows of.
func DefaultPath(getenv func(string) string) (string, error) {
	return "", errors.New("this system has no per-user data folder Mailkeep knows of")
}
