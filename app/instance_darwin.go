package app

import (
	"errors"
	"path/filepath"
)

// instanceDir is the user's Application Support folder of Mailkeep.
func instanceDir(getenv func(string) string) (string, error) {
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("HOME is not set, so there is no folder for Mailkeep's socket")
	}
	return filepath.Join(home, "Library", "Application Support", "Mailkeep"), nil
}
