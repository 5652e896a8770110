package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// autostartFile is the XDG autostart entry that starts Mailkeep at login:
// $XDG_CONFIG_HOME/autostart/<ID>.desktop.
func autostartFile(getenv func(string) string) (string, error) {
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home := getenv("HOME")
		if home == "" {
			return "", errors.New("neither XDG_CONFIG_HOME nor HOME is set, so there is no autostart folder")
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", ID+".desktop"), nil
}

// autostartEnabled reports whether Mailkeep starts at login.
func autostartEnabled(getenv func(string) string) (bool, error) {
	path, err := autostartFile(getenv)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	}
	return false, err
}

// setAutostart makes the desktop start exe --tray at login (on), or not.
func setAutostart(getenv func(string) string, exe string, on bool) error {
	path, err := autostartFile(getenv)
	if err != nil {
		return err
	}
	if !on {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("could not remove %s: %w; delete the file by hand to stop Mailkeep starting at login", path, err)
		}
		return nil
	}
	entry := strings.Join([]string{
		"[Desktop Entry]",
		"Type=Application",
		"Name=Mailkeep",
		"Comment=Archive mailboxes on a schedule, from the system tray",
		"Exec=" + desktopExecQuote(exe) + " " + autostartArg,
		"Icon=" + ID,
		"Terminal=false",
		"X-GNOME-Autostart-enabled=true",
		"",
	}, "\n")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("could not make the autostart folder: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(entry), 0o644); err != nil {
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	return nil
}

// desktopExecQuote quotes a program path for a desktop entry's Exec key, as
// the Desktop Entry Specification says: in double quotes when it holds a
// reserved character, with ", `, $ and \ escaped; % doubled.
func desktopExecQuote(s string) string {
	s = strings.ReplaceAll(s, "%", "%%")
	if !strings.ContainsAny(s, " \t\n\"'\\><~|&;$*?#()`") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if strings.ContainsRune("\"`$\\", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}
