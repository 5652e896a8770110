package store

import (
	"errors"
	"path/filepath"
)

// DefaultPath, the archive file both programs use when none is named, is ~/Library/Application Support/Mailkeep/archive.mailkeep.
func DefaultPath(getenv func(string) string) (string, error) {
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("HOME is not set, so there is no per-user data folder")
	}
	return filepath.Join(home, "Library", "Application Support", "Mailkeep", DefaultFileName), nil
}
