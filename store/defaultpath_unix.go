//go:build unix && !darwin

package store

import (
	"errors"
	"path/filepath"
)

// DefaultPath, the archive file both programs use when none is named, is $XDG_DATA_HOME/mailkeep/archive.mailkeep, falling back to
// ~/.local/share/mailkeep/archive.mailkeep as the XDG Base Directory
// specification says (a relative XDG_DATA_HOME is ignored, as it requires).
func DefaultPath(getenv func(string) string) (string, error) {
	if dir := getenv("XDG_DATA_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "mailkeep", DefaultFileName), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("neither XDG_DATA_HOME nor HOME is set, so there is no per-user data folder")
	}
	return filepath.Join(home, ".local", "share", "mailkeep", DefaultFileName), nil
}
