package apptest

import (
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
)

// The desktop's parts answer: the X server, the keyring (a secret stored
// with secret-tool comes back), the tray's watcher and the notification
// server (a notification sent as Fyne sends it is kept).
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

	conn, err := dbus.Connect(d.Bus)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	call := conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications").Call(
		"org.freedesktop.Notifications.Notify", 0, "org.example.Probe", uint32(0), "", "Hello", "from the test",
		[]string{}, map[string]dbus.Variant{}, int32(0))
	var id uint32
	if err := call.Store(&id); err != nil || id == 0 {
		t.Fatalf("Notify: id %d, %v", id, err)
	}
	want := Notification{App: "org.example.Probe", Summary: "Hello", Body: "from the test"}
	if got := d.Notifications(); len(got) != 1 || got[0] != want {
		t.Errorf("notifications = %+v, want [%+v]", got, want)
	}
}
