package app

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
)

// trayApp is a test fyne.App with a system tray and a notification log: it
// records what the App puts in the tray and the notifications it sends.
type trayApp struct {
	fyne.App

	// settle waits until the App's UI goroutine has run what was handed
	// over to it (set by newShellApp); the readers below call it first.
	settle func()

	mu    sync.Mutex
	icon  fyne.Resource
	menu  *fyne.Menu
	menus int // SetSystemTrayMenu calls
	notes []*fyne.Notification
}

func (t *trayApp) SetSystemTrayMenu(m *fyne.Menu) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.menu, t.menus = m, t.menus+1
}

func (t *trayApp) SetSystemTrayIcon(r fyne.Resource) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.icon = r
}

func (t *trayApp) SetSystemTrayWindow(fyne.Window) {}

func (t *trayApp) SendNotification(n *fyne.Notification) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.notes = append(t.notes, n)
}

func (t *trayApp) settled() {
	if t.settle != nil {
		t.settle()
	}
}

// labels are the tray menu's item labels ("---" for a separator).
func (t *trayApp) labels() []string {
	t.settled()
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	if t.menu == nil {
		return nil
	}
	for _, it := range t.menu.Items {
		if it.IsSeparator {
			out = append(out, "---")
			continue
		}
		out = append(out, it.Label)
	}
	return out
}

// item is the tray menu's item labelled label, or nil.
func (t *trayApp) item(label string) *fyne.MenuItem {
	t.settled()
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, it := range t.menu.Items {
		if it.Label == label {
			return it
		}
	}
	return nil
}

func (t *trayApp) iconName() string {
	t.settled()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.icon == nil {
		return ""
	}
	return t.icon.Name()
}

// takeNotes returns the notifications sent since the last call.
func (t *trayApp) takeNotes() []*fyne.Notification {
	t.settled()
	t.mu.Lock()
	defer t.mu.Unlock()
	out := t.notes
	t.notes = nil
	return out
}

// shellEnv is a desktop session's environment: a session bus is there.
func shellEnv(vars map[string]string) func(string) string {
	return func(k string) string {
		if k == "DBUS_SESSION_BUS_ADDRESS" {
			return "unix:path=/nonexistent/test-bus"
		}
		return vars[k]
	}
}

// newShellApp is an App on a fresh archive holding accounts, with the
// tray app fa (nil: a plain test app) and the clock now.
func newShellApp(t *testing.T, fa fyne.App, now time.Time, accounts ...archive.Account) *App {
	t.Helper()
	if fa == nil {
		fa = test.NewTempApp(t)
	}
	a, err := New(fa, Config{
		ArchivePath: filepath.Join(t.TempDir(), "archive.mailkeep"),
		Getenv:      shellEnv(nil),
		Now:         func() time.Time { return now },
		UI:          newUILoop(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Shutdown() })
	if ta, ok := fa.(*trayApp); ok {
		ta.settle = func() { onUI(a, func() {}) }
	}
	ctx := context.Background()
	for _, acct := range accounts {
		if err := archive.SaveAccount(ctx, a.store, acct); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.board.load(ctx, a.store); err != nil {
		t.Fatal(err)
	}
	return a
}

// entraAccount is a Microsoft 365 mailbox of the app clientID, whose secret
// expires on expires ("" unknown).
func entraAccount(name, tenant, clientID, expires string) archive.Account {
	return archive.Account{Name: name, Protocol: archive.IMAP, Host: "outlook.office365.com", Security: archive.SecurityTLS,
		User: name + "@contoso.com", Auth: archive.AuthEntra, Tenant: tenant, ClientID: clientID,
		Secret: auth.SecretRef{Keyring: auth.EntraKey(tenant, clientID)}, SecretExpires: expires}
}

func passwordAccount(name string) archive.Account {
	return archive.Account{Name: name, Protocol: archive.IMAP, Host: "imap.example.com", Security: archive.SecurityTLS,
		User: name + "@example.com", Auth: archive.AuthPassword, Secret: auth.SecretRef{Env: "UNUSED_TEST_SECRET"}}
}
