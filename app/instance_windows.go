package app

import (
	"errors"
	"path/filepath"
)

// instanceDir is Mailkeep's folder in the user's local application data.
func instanceDir(getenv func(string) string) (string, error) {
	dir := getenv("LOCALAPPDATA")
	if dir == "" {
		return "", errors.New("LOCALAPPDATA is not set, so there is no folder for Mailkeep's socket")
	}
	return filepath.Join(dir, "Mailkeep"), nil
}
