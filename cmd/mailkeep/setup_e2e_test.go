//go:build cgo

package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/app"
	"github.com/mailkeep/mailkeep/app/apptest"
	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/auth/authtest"
	"github.com/mailkeep/mailkeep/internal/buildtest"
)

// e2eShots is where the end-to-end test saves its screenshots: the folder
// named by MAILKEEP_SCREENSHOTS (docs/screenshots when refreshing them),
// else the test's own temporary folder.
func e2eShots(t *testing.T) string {
	if dir := os.Getenv("MAILKEEP_SCREENSHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// caBundle writes one PEM file trusting both the mail server and the
// identity provider, for SSL_CERT_FILE.
func caBundle(t *testing.T, pems ...[]byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca-bundle.pem")
	var all []byte
	for _, p := range pems {
		all = append(all, p...)
		all = append(all, '\n')
	}
	if err := os.WriteFile(path, all, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// e2eMessage is the i-th message of the test mailbox.
func e2eMessage(i int) []byte {
	return []byte(fmt.Sprintf("From: Anna Example <anna@example.com>\r\nTo: shared@contoso.com\r\n"+
		"Subject: Delivery note %d\r\nDate: Mon, 2 Jan 2023 10:%02d:00 +0100\r\nMessage-ID: <e2e-%d@example.com>\r\n"+
		"\r\nHello,\r\nthe pallets for order %d leave on Monday.%s\r\n", i, i%60, i, 1000+i, planted(i)))
}

// plantedAt is the one message of the test mailbox with the word
// "zanzibar", which the end-to-end test searches for.
const plantedAt = 7

func planted(i int) string {
	if i == plantedAt {
		return "\r\nThe spices come from Zanzibar."
	}
	return ""
}

// TestSetupEndToEnd is an office admin's first hour, through the real
// window on a desktop of its own: start Mailkeep, choose Microsoft 365, fill
// in the form with a wrong secret, press Test and read the doctor's advice,
// correct the secret, Test again, Save, and wait for the first run; then
// the archive holds every message (read through mailkeep-cli), and the
// secret is in the desktop's keyring and nowhere else.
func TestSetupEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: slow")
	}
	d := apptest.StartDesktop(t)
	idp := authtest.New(t)
	entra := idp.AddApp(authtest.App{})
	const mailbox = "shared@contoso.com"
	idp.Grant(entra.ClientID, mailbox)
	dc := archivetest.StartDovecot(t, archivetest.DovecotOptions{ValidateURL: idp.ValidateURL(), ValidateCAFile: idp.CACertFile()})
	const messages = 40
	for i := range messages {
		folder := "INBOX"
		if i%4 == 3 {
			folder = "Sent Items"
		}
		dc.Deliver(mailbox, folder, e2eMessage(i))
	}
	imapsPort := dc.IMAPSAddr[strings.LastIndex(dc.IMAPSAddr, ":")+1:]

	bin, cli := buildMailkeep(t), buildtest.CLI(t, runtime.GOOS)
	shots := e2eShots(t)
	db := filepath.Join(d.Dir, "archive.mailkeep")
	gui := exec.Command(bin, "--db", db, "--verbose")
	gui.Env = append(d.Env(), "SSL_CERT_FILE="+caBundle(t, dc.CAPEM(), idp.CACertPEM()))
	d.Start(gui, "mailkeep.log")
	logText := func() string {
		b, _ := os.ReadFile(filepath.Join(d.Dir, "mailkeep.log"))
		return string(b)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("mailkeep's log:\n%s", logText())
		}
	})

	win := d.Window("Mailkeep")
	d.Focus(win)
	time.Sleep(time.Second)
	d.Screenshot(win, filepath.Join(shots, "choice.png"))

	// The first choice: Microsoft 365.
	d.Tab(1)
	d.Key("space")
	time.Sleep(500 * time.Millisecond)
	d.Tab(1)
	d.Type(entra.Tenant)
	d.Tab(1)
	d.Type(entra.ClientID)
	d.Tab(1)
	d.Type("not-the-secret")
	d.Tab(3) // the certificate check, the expiry date, the cloud
	d.Tab(1)
	d.Type(mailbox)
	d.Tab(1) // Advanced
	d.Key("space")
	time.Sleep(300 * time.Millisecond)
	d.Tab(2) // the protocol, the server
	d.Key("ctrl+a")
	d.Type("127.0.0.1")
	d.Tab(1)
	d.Key("ctrl+a")
	d.Type(imapsPort)
	d.Tab(1)
	d.Type(idp.URL())
	d.Screenshot(win, filepath.Join(shots, "setup.png"))
	d.Tab(2) // Back, Test
	d.Key("space")
	waitLog := func(what string) {
		t.Helper()
		if !apptest.WaitUntil(2*time.Minute, func() bool { return strings.Contains(logText(), what) }) {
			t.Fatalf("gave up waiting for %q in mailkeep's log", what)
		}
	}
	waitLog("setup test failed")
	time.Sleep(time.Second)
	d.Screenshot(win, filepath.Join(shots, "doctor-failure.png"))

	// Tab from Test wraps round to the tenant: the secret is the third field.
	d.Tab(4)
	d.Key("ctrl+a")
	d.Type(entra.Secret)
	d.Key("shift+Tab", "shift+Tab", "shift+Tab", "shift+Tab") // back round to Test
	d.Key("space")
	waitLog("setup test passed")
	time.Sleep(500 * time.Millisecond)
	d.Screenshot(win, filepath.Join(shots, "doctor-passed.png"))
	d.Tab(1) // Save
	d.Key("space")
	waitLog("run ended")
	// The desktop's notification server is told, once, that the mailbox is
	// archived (the tray app sends it through D-Bus).
	archivedNote := func(n apptest.Notification) bool { return n.Summary == mailbox+" is archived" }
	note := d.WaitNotification(t, "that "+mailbox+" is archived", archivedNote)
	if note.App != app.ID || !strings.Contains(note.Body, fmt.Sprintf("%d messages", messages)) {
		t.Errorf("the first run's notification: %+v; want it from %s, saying %d messages", note, app.ID, messages)
	}
	time.Sleep(time.Second)
	main := d.Window("Mailkeep")
	d.Screenshot(main, filepath.Join(shots, "main.png"))

	// Search for the planted word, and open the message with the keyboard.
	d.Focus(main)
	d.Key("ctrl+f")
	search := d.Window("Search — Mailkeep")
	d.Focus(search)
	d.Type("zanzibar")
	time.Sleep(2 * time.Second) // the search runs after a pause in typing
	d.Screenshot(search, filepath.Join(shots, "search.png"))
	d.Key("Down", "space")
	viewer := d.Window(fmt.Sprintf("Delivery note %d — Mailkeep", plantedAt)) // the viewer, named after the subject
	time.Sleep(time.Second)
	d.Screenshot(viewer, filepath.Join(shots, "viewer.png"))

	// Export what the search found (Ctrl+E in the search window), to the
	// place the dialog suggests.
	d.Run("xdotool", "windowunmap", "--sync", viewer) // out of the way: the desktop has no window manager
	d.Focus(search)
	d.Key("ctrl+e")
	time.Sleep(time.Second)
	d.Screenshot(search, filepath.Join(shots, "export.png"))
	d.Tab(6) // the two formats, the place, Choose…, Close, Export
	d.Key("space")
	exported := filepath.Join(d.Dir, "home", "Documents", "Mailkeep export.mbox")
	if !apptest.WaitUntil(time.Minute, func() bool { _, err := os.Stat(exported); return err == nil }) {
		d.Screenshot(search, filepath.Join(shots, "export-failed.png"))
		t.Fatalf("the export did not write %s", exported)
	}
	cliExport := filepath.Join(t.TempDir(), "cli.mbox")
	d.Run(cli, "--db", db, "export", "zanzibar", "--out", cliExport, "--format", "mbox")
	gotExport, _ := os.ReadFile(exported)
	wantExport, _ := os.ReadFile(cliExport)
	if len(wantExport) == 0 || !bytes.Equal(gotExport, wantExport) {
		t.Errorf("the window's export (%d bytes) differs from mailkeep-cli export of the same search (%d bytes)", len(gotExport), len(wantExport))
	}
	if !bytes.Contains(gotExport, e2eMessage(plantedAt)[:40]) {
		t.Error("the export lacks the planted message")
	}

	// The archive holds every message, byte for byte: mailkeep-cli reads
	// it while the app holds it.
	want := map[string]bool{}
	for i := range messages {
		sum := sha256.Sum256(e2eMessage(i))
		want[hex.EncodeToString(sum[:])] = true
	}
	out := d.Run(cli, "--db", db, "search", "", "--json", "--limit", "1000")
	got := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m struct {
			SHA256  string   `json:"sha256"`
			Folders []string `json:"folders"`
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("mailkeep-cli search --json: %v in %q", err, line)
		}
		got[m.SHA256] = true
	}
	if !maps.Equal(got, want) {
		t.Errorf("the archive holds %d messages, want the %d served, byte for byte", len(got), len(want))
	}
	if out := d.Run(cli, "--db", db, "search", "folder:\"Sent Items\" pallets", "--json"); strings.Count(out, "\n") != messages/4 {
		t.Errorf("search in Sent Items found %d, want %d", strings.Count(out, "\n"), messages/4)
	}

	// The secret is in the desktop's keyring, and nowhere else.
	key := auth.EntraKey(entra.Tenant, entra.ClientID)
	if got := d.Run("secret-tool", "lookup", "service", auth.KeyringService, "username", key); got != entra.Secret {
		t.Errorf("the keyring holds %q under %s, want the app's secret", got, key)
	}
	// Told once, however often the window repainted since; and nothing
	// failed.
	var archived int
	for _, n := range d.Notifications() {
		if archivedNote(n) {
			archived++
		} else {
			t.Errorf("an unexpected notification: %+v", n)
		}
	}
	if archived != 1 {
		t.Errorf("%d notifications that %s is archived, want 1", archived, mailbox)
	}
	d.Stop(gui)
	for _, dir := range []string{d.Dir, filepath.Dir(db)} {
		err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || strings.HasSuffix(path, ".png") {
				return err
			}
			b, err := os.ReadFile(path)
			if err == nil && bytes.Contains(b, []byte(entra.Secret)) {
				t.Errorf("the client secret is in %s", path)
			}
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}
}
