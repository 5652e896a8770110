//go:build unix && !darwin

package main

import (
	"errors"
	"path/filepath"
)

// defaultDBPath is $XDG_DATA_HOME/mailkeep/archive.mailkeep, falling back to
// ~/.local/share/mailkeep/archive.mailkeep as the XDG Base Directory
// specification says (a relative XDG_DATA_HOME is ignored, as it requires).
func defaultDBPath(getenv func(string) string) (string, error) {
	if dir := getenv("XDG_DATA_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "mailkeep", archiveFileName), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("neither XDG_DATA_HOME nor HOME is set, so there is no per-user data folder")
	}
	return filepath.Join(home, ".local", "share", "mailkeep", archiveFileName), nil
}
