package main

import (
	"errors"
	"path/filepath"
)

// defaultDBPath is ~/Library/Application Support/Mailkeep/archive.mailkeep.
func defaultDBPath(getenv func(string) string) (string, error) {
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("HOME is not set, so there is no per-user data folder")
	}
	return filepath.Join(home, "Library", "Application Support", "Mailkeep", archiveFileName), nil
}
