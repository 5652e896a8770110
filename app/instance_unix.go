//go:build !windows && !darwin

package app

import (
	"errors"
	"path/filepath"
)

// instanceDir is the user's runtime folder ($XDG_RUNTIME_DIR, private to the
// user and emptied at logout), else the user's cache folder.
func instanceDir(getenv func(string) string) (string, error) {
	if dir := getenv("XDG_RUNTIME_DIR"); dir != "" && filepath.IsAbs(dir) {
		return dir, nil
	}
	if dir := getenv("XDG_CACHE_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "mailkeep"), nil
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".cache", "mailkeep"), nil
	}
	return "", errors.New("neither XDG_RUNTIME_DIR nor HOME is set, so there is no folder for Mailkeep's socket")
}
