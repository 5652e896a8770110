package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAutostartLinux(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  func(dir string) map[string]string
		file func(dir string) string
	}{
		{"XDG_CONFIG_HOME", func(dir string) map[string]string {
			return map[string]string{"XDG_CONFIG_HOME": dir + "/cfg", "HOME": dir + "/home"}
		},
			func(dir string) string { return dir + "/cfg/autostart/org.mailkeep.Mailkeep.desktop" }},
		{"HOME only", func(dir string) map[string]string { return map[string]string{"HOME": dir + "/home"} },
			func(dir string) string { return dir + "/home/.config/autostart/org.mailkeep.Mailkeep.desktop" }},
		{"relative XDG_CONFIG_HOME is ignored", func(dir string) map[string]string {
			return map[string]string{"XDG_CONFIG_HOME": "cfg", "HOME": dir + "/home"}
		}, func(dir string) string { return dir + "/home/.config/autostart/org.mailkeep.Mailkeep.desktop" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			env := tc.env(dir)
			getenv := func(k string) string { return env[k] }
			exe := filepath.Join(dir, "My Programs", "mailkeep")
			if on, err := autostartEnabled(getenv); err != nil || on {
				t.Fatalf("before: enabled = %v, %v", on, err)
			}
			if err := setAutostart(getenv, exe, true); err != nil {
				t.Fatal(err)
			}
			content, err := os.ReadFile(tc.file(dir))
			if err != nil {
				t.Fatalf("the autostart file is not where the desktop looks: %v", err)
			}
			wantExec := `Exec="` + exe + `" --tray`
			for _, line := range []string{"[Desktop Entry]", "Type=Application", wantExec, "Name=Mailkeep"} {
				if !strings.Contains(string(content), line+"\n") {
					t.Errorf("the file lacks %q:\n%s", line, content)
				}
			}
			if on, err := autostartEnabled(getenv); err != nil || !on {
				t.Errorf("after turning on: enabled = %v, %v", on, err)
			}
			if err := setAutostart(getenv, exe, true); err != nil { // again: still one file
				t.Fatal(err)
			}
			if err := setAutostart(getenv, exe, false); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(tc.file(dir)); !os.IsNotExist(err) {
				t.Errorf("after turning off, the file is still there: %v", err)
			}
			if on, err := autostartEnabled(getenv); err != nil || on {
				t.Errorf("after turning off: enabled = %v, %v", on, err)
			}
			if err := setAutostart(getenv, exe, false); err != nil {
				t.Errorf("turning off twice: %v", err)
			}
		})
	}
	if err := setAutostart(func(string) string { return "" }, "/usr/bin/mailkeep", true); err == nil {
		t.Error("with neither XDG_CONFIG_HOME nor HOME, setAutostart succeeded")
	}
}

func TestDesktopExecQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/usr/bin/mailkeep", "/usr/bin/mailkeep"},
		{"/home/ann/My Apps/mailkeep", `"/home/ann/My Apps/mailkeep"`},
		{`/opt/a"b/mailkeep`, `"/opt/a\"b/mailkeep"`},
		{`/opt/$HOME/x`, `"/opt/\$HOME/x"`},
		{`/opt/back\slash`, `"/opt/back\\slash"`},
		{"/opt/100%/mailkeep", "/opt/100%%/mailkeep"},
	} {
		if got := desktopExecQuote(tc.in); got != tc.want {
			t.Errorf("desktopExecQuote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
