package app

import (
	"errors"
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
	return autostartFileExists(path)
}

// setAutostart makes the desktop start exe --tray at login (on), or not.
func setAutostart(getenv func(string) string, exe string, on bool) error {
	path, err := autostartFile(getenv)
	if err != nil {
		return err
	}
	if !on {
		return removeAutostartFile(path)
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
	return writeAutostartFile(path, []byte(entry))
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
