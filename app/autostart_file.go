//go:build linux || darwin

package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// On Linux and macOS a start at login is a file — a desktop entry in the
// XDG autostart folder, a LaunchAgent property list — and it is on while
// the file is there.

// autostartFileExists reports whether the start-at-login file at path is there.
func autostartFileExists(path string) (bool, error) {
	_, err := os.Stat(path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	}
	return false, err
}

// writeAutostartFile writes content to path under a temporary name first,
// so that a half-written file never starts anything.
func writeAutostartFile(path string, content []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("could not make the folder %s: %w", filepath.Dir(path), err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, content, 0o644); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	return nil
}

// removeAutostartFile removes the start-at-login file at path, if it is there.
func removeAutostartFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("could not remove %s: %w; delete the file by hand to stop Mailkeep starting at login", path, err)
	}
	return nil
}
