package store

import (
	"errors"
	"path/filepath"
)

// DefaultPath, the archive file both programs use when none is named, is %LOCALAPPDATA%\Mailkeep\archive.mailkeep: local, not roaming,
// because an archive can grow to gigabytes.
func DefaultPath(getenv func(string) string) (string, error) {
	dir := getenv("LOCALAPPDATA")
	if dir == "" {
		return "", errors.New("LOCALAPPDATA is not set, so there is no per-user data folder")
	}
	return filepath.Join(dir, "Mailkeep", DefaultFileName), nil
}
