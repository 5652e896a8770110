//go:build !unix && !windows

package main

import "errors"

// defaultDBPath: this system has no per-user data folder Mailkeep knows of.
func defaultDBPath(getenv func(string) string) (string, error) {
	return "", errors.New("this system has no per-user data folder Mailkeep knows of")
}
