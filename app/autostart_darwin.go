package app

import (
	"bytes"
	"encoding/xml"
	"errors"
	"path/filepath"
)

// launchAgent is the LaunchAgent that starts Mailkeep at login.
func launchAgent(getenv func(string) string) (string, error) {
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("HOME is not set, so there is no LaunchAgents folder")
	}
	return filepath.Join(home, "Library", "LaunchAgents", ID+".plist"), nil
}

// autostartEnabled reports whether Mailkeep starts at login.
func autostartEnabled(getenv func(string) string) (bool, error) {
	path, err := launchAgent(getenv)
	if err != nil {
		return false, err
	}
	return autostartFileExists(path)
}

// setAutostart makes launchd start exe --tray at login (on), or not.
func setAutostart(getenv func(string) string, exe string, on bool) error {
	path, err := launchAgent(getenv)
	if err != nil {
		return err
	}
	if !on {
		return removeAutostartFile(path)
	}
	esc := func(s string) string {
		var b bytes.Buffer
		xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	plist := `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>` + ID + `</string>
	<key>ProgramArguments</key>
	<array>
		<string>` + esc(exe) + `</string>
		<string>` + autostartArg + `</string>
	</array>
	<key>RunAtLoad</key>
	<true/>
	<key>ProcessType</key>
	<string>Interactive</string>
</dict>
</plist>
`
	return writeAutostartFile(path, []byte(plist))
}
