package apptest

import (
	"strings"
	"testing"
)

// The desktop's parts answer: the X server, the keyring (a secret stored
// with secret-tool comes back) and the tray's watcher.
func TestStartDesktop(t *testing.T) {
	d := StartDesktop(t)
	if out := d.Run("xdotool", "getdisplaygeometry"); strings.TrimSpace(out) != "1280 800" {
		t.Errorf("display geometry = %q, want 1280 800", out)
	}
	store := d.command("secret-tool", "store", "--label=apptest", "service", "apptest", "username", "probe")
	store.Env = d.Env()
	store.Stdin = strings.NewReader("s3cret")
	if out, err := store.CombinedOutput(); err != nil {
		t.Fatalf("secret-tool store: %v: %s", err, out)
	}
	if got := d.Run("secret-tool", "lookup", "service", "apptest", "username", "probe"); got != "s3cret" {
		t.Errorf("secret-tool lookup = %q, want s3cret", got)
	}
	items := d.Run("dbus-send", "--session", "--print-reply", "--dest=org.kde.StatusNotifierWatcher",
		"/StatusNotifierWatcher", "org.freedesktop.DBus.Properties.Get",
		"string:org.kde.StatusNotifierWatcher", "string:IsStatusNotifierHostRegistered")
	if !strings.Contains(items, "boolean") {
		t.Errorf("the watcher did not answer: %s", items)
	}
}
