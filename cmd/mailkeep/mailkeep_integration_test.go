//go:build cgo

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/app"
	"github.com/mailkeep/mailkeep/app/apptest"
	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

// buildMailkeep builds this command into a temporary folder the way the
// Makefile does: with the Fyne of scripts/fyne-patched.sh. It is built with
// the race detector, as the suite's tests are: the real window's goroutines
// are checked too, and on a clean machine the packages compiled for the
// tests serve this build as well.
func buildMailkeep(t *testing.T) string {
	t.Helper()
	modfile, err := exec.Command("bash", "../../scripts/fyne-patched.sh").Output()
	if err != nil {
		t.Fatalf("scripts/fyne-patched.sh: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "mailkeep")
	out, err := exec.Command("go", "build", "-race", "-modfile="+strings.TrimSpace(string(modfile)), "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Without a display Mailkeep says to use mailkeep-cli, and fails.
func TestNoDisplay(t *testing.T) {
	bin := buildMailkeep(t)
	cmd := exec.Command(bin)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("exit: %v, want status 1", err)
	}
	if !strings.Contains(string(out), "needs a desktop session; on a server use mailkeep-cli") {
		t.Errorf("output does not point to mailkeep-cli:\n%s", out)
	}
}

// TestTrayOnADesktop starts the real program in the tray on a desktop of
// its own: the tray icon registers with the StatusNotifierWatcher and its
// menu has Mailkeep's items; a second start asks the first to come forward
// and exits; SIGTERM ends it cleanly and frees the archive.
func TestTrayOnADesktop(t *testing.T) {
	d := apptest.StartDesktop(t)
	bin := buildMailkeep(t)
	db := filepath.Join(d.Dir, "archive.mailkeep")
	ctx := context.Background()
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := archive.SaveAccount(ctx, s, archive.Account{Name: "office", Protocol: archive.IMAP, Host: "imap.example.com",
		Security: archive.SecurityTLS, User: "office@example.com", Auth: archive.AuthPassword,
		Secret: auth.SecretRef{Env: "UNUSED_TEST_SECRET"}}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	first := exec.Command(bin, "--tray", "--db", db)
	d.Start(first, "mailkeep.log")

	watcherItems := func() string {
		out, _ := d.Output("dbus-send", "--session", "--print-reply", "--dest=org.kde.StatusNotifierWatcher",
			"/StatusNotifierWatcher", "org.freedesktop.DBus.Properties.Get",
			"string:org.kde.StatusNotifierWatcher", "string:RegisteredStatusNotifierItems")
		// Items are a bus name, or a bus name and an object path.
		m := regexp.MustCompile(`string "([^"]+)"`).FindStringSubmatch(out)
		if m == nil {
			return ""
		}
		return m[1]
	}
	var item string
	if !apptest.WaitUntil(time.Minute, func() bool { item = watcherItems(); return item != "" }) {
		log, _ := os.ReadFile(filepath.Join(d.Dir, "mailkeep.log"))
		t.Fatalf("the tray icon did not register; mailkeep's log:\n%s", log)
	}
	svc, path, ok := strings.Cut(item, "/")
	if !ok {
		path = "StatusNotifierItem"
	}
	menuOut := d.Run("dbus-send", "--session", "--print-reply", "--dest="+svc, "/"+path,
		"org.freedesktop.DBus.Properties.Get", "string:org.kde.StatusNotifierItem", "string:Menu")
	menuPath := regexp.MustCompile(`"(/[^"]*)"`).FindStringSubmatch(menuOut)
	if menuPath == nil {
		t.Fatalf("the tray item has no menu: %s", menuOut)
	}
	// menu reads the tray menu over D-Bus: each item's label and id.
	menu := func() map[string]string {
		layout, err := d.Output("dbus-send", "--session", "--print-reply", "--dest="+svc, menuPath[1],
			"com.canonical.dbusmenu.GetLayout", "int32:0", "int32:-1", "array:string:")
		if err != nil {
			return nil
		}
		items := map[string]string{}
		for _, m := range regexp.MustCompile(`(?s)struct \{\s*int32 (\d+)\s*array \[(.*?)\]\s*array \[`).FindAllStringSubmatch(layout, -1) {
			if l := regexp.MustCompile(`"label"\s*variant\s+string\s+"([^"]*)"`).FindStringSubmatch(m[2]); l != nil {
				items[l[1]] = m[1]
			}
		}
		return items
	}
	click := func(items map[string]string, label string) {
		t.Helper()
		id, ok := items[label]
		if !ok {
			t.Fatalf("the tray menu has no %q: %v", label, items)
		}
		d.Run("dbus-send", "--session", "--print-reply", "--dest="+svc, menuPath[1],
			"com.canonical.dbusmenu.Event", "int32:"+id, "string:clicked", "variant:int32:0", "uint32:0")
	}
	var items map[string]string
	apptest.WaitUntil(30*time.Second, func() bool { items = menu(); return items["Pause archiving"] != "" })
	for _, want := range []string{"Open Mailkeep", "1 mailbox, no problems", "Search…", "Run all now", "Pause archiving", "Settings…", "Quit"} {
		if _, ok := items[want]; !ok {
			t.Errorf("tray menu %v lacks %q", items, want)
		}
	}
	click(items, "Pause archiving")
	if !apptest.WaitUntil(30*time.Second, func() bool { items = menu(); return items["Resume archiving"] != "" }) {
		t.Errorf("after Pause archiving, the menu is %v: no Resume archiving", items)
	}

	second := exec.Command(bin, "--db", db)
	second.Env = d.Env()
	out, err := second.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "already running") {
		t.Errorf("second start: %v, output:\n%s\nwant exit 0 saying Mailkeep is already running", err, out)
	}

	// Quit in the tray ends Mailkeep cleanly.
	click(menu(), "Quit")
	waitExit(t, first, "Quit")

	// So does SIGTERM (a session ending).
	again := exec.Command(bin, "--tray", "--db", db)
	d.Start(again, "mailkeep-again.log")
	if !apptest.WaitUntil(time.Minute, func() bool { return watcherItems() != "" }) {
		t.Fatal("the second run's tray icon did not register")
	}
	if err := again.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, again, "SIGTERM")
	if _, err := os.Stat(filepath.Join(d.Dir, "runtime", app.ID+".sock")); !os.IsNotExist(err) {
		t.Errorf("the single-instance socket is still there: %v", err)
	}
	lock, err := store.LockArchive(db)
	if err != nil {
		t.Fatalf("the archive is still locked after mailkeep ended: %v", err)
	}
	lock.Release()
}

// waitExit waits for cmd to end after why, and fails unless it ended well.
func waitExit(t *testing.T, cmd *exec.Cmd, why string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after %s: %v, want a clean exit", why, err)
		}
	case <-time.After(time.Minute):
		t.Fatalf("mailkeep did not end within a minute of %s", why)
	}
}
