package app

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/assets"
	"github.com/mailkeep/mailkeep/store"
)

func TestTrayStateOf(t *testing.T) {
	ok := mailbox{Account: archive.Account{Name: "ok"}, Last: &store.RunRecord{Outcome: store.OutcomeOK}}
	running := mailbox{Account: archive.Account{Name: "busy"}, Running: true}
	failed := mailbox{Account: archive.Account{Name: "bad"}, Problem: "The password was refused. Enter it again."}
	expiring := []expiryWarning{{Key: "entra:t/c", Days: 3, Level: expirySoon}}
	for _, tc := range []struct {
		name     string
		boxes    []mailbox
		warnings []expiryWarning
		want     assets.TrayState
	}{
		{"no mailbox", nil, nil, assets.TrayIdle},
		{"all well", []mailbox{ok}, nil, assets.TrayIdle},
		{"one running", []mailbox{ok, running}, nil, assets.TrayRunning},
		{"one failed", []mailbox{ok, failed}, nil, assets.TrayAttention},
		{"failed wins over running", []mailbox{running, failed}, nil, assets.TrayAttention},
		{"a secret expires", []mailbox{ok}, expiring, assets.TrayAttention},
		{"a secret expires while running", []mailbox{running}, expiring, assets.TrayAttention},
	} {
		if got := trayStateOf(tc.boxes, tc.warnings); got != tc.want {
			t.Errorf("%s: trayStateOf = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestTrayStatus(t *testing.T) {
	ok := mailbox{Account: archive.Account{Name: "ok"}}
	running := mailbox{Account: archive.Account{Name: "busy"}, Running: true}
	failed := mailbox{Account: archive.Account{Name: "bad"}, Problem: "refused"}
	for _, tc := range []struct {
		boxes  []mailbox
		paused bool
		want   string
	}{
		{nil, false, "No mailbox set up yet"},
		{[]mailbox{ok}, false, "1 mailbox, no problems"},
		{[]mailbox{ok, ok}, true, "Archiving is paused"},
		{[]mailbox{ok, running}, false, "Archiving 1 mailbox…"},
		{[]mailbox{running, running}, true, "Archiving 2 mailboxes…"},
		{[]mailbox{failed, ok}, false, "1 mailbox needs attention"},
		{[]mailbox{failed, failed}, false, "2 mailboxes need attention"},
	} {
		if got := trayStatus(tc.boxes, tc.paused); got != tc.want {
			t.Errorf("trayStatus(%d boxes, paused %v) = %q, want %q", len(tc.boxes), tc.paused, got, tc.want)
		}
	}
}

// TestTrayFollowsTheBoard drives the tray through a run that goes well, one
// that fails (notified once, however often the board repaints), a secret that
// is about to expire, and Pause / Resume.
func TestTrayFollowsTheBoard(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the icon names assume a dark panel (Linux)")
	}
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	fa := &trayApp{App: test.NewTempApp(t)}
	acct := passwordAccount("office")
	a := newShellApp(t, fa, now, acct)
	a.startTray()

	if got := fa.iconName(); got != "tray-idle-dark-panel.png" {
		t.Errorf("icon at start = %q, want idle", got)
	}
	wantMenu := []string{"Open Mailkeep", "1 mailbox, no problems", "---", "Search…", "Run all now", "Pause archiving", "Settings…", "---", "Quit"}
	if got := fa.labels(); !slices.Equal(got, wantMenu) {
		t.Errorf("menu = %q, want %q", got, wantMenu)
	}
	if q := fa.item("Quit"); q == nil || !q.IsQuit || q.Action == nil {
		t.Error("the Quit item is not Fyne's quit item with Mailkeep's action")
	}
	if n := fa.takeNotes(); len(n) != 0 {
		t.Errorf("notified at start: %v", n)
	}

	// A first run that goes well: running, then idle, and "archived" once.
	acct = a.board.snapshot()[0].Account
	a.board.started(acct)
	if got := fa.iconName(); got != "tray-running-dark-panel.png" {
		t.Errorf("icon while running = %q", got)
	}
	menus := fa.menus
	for i := range 50 {
		a.board.event(archive.Event{Kind: archive.EventProgress, Account: "office", Folder: "INBOX", Done: i, Total: 50, Bytes: int64(i) * 1000})
	}
	if fa.menus != menus {
		t.Errorf("progress events rebuilt the tray menu %d times; it should change only when what it shows changes", fa.menus-menus)
	}
	a.board.ended(archive.RunReport{Account: "office", Started: now, Ended: now.Add(time.Minute), Outcome: store.OutcomeOK, Messages: 50}, nil)
	if got := fa.iconName(); got != "tray-idle-dark-panel.png" {
		t.Errorf("icon after a good run = %q", got)
	}
	notes := fa.takeNotes()
	if len(notes) != 1 || notes[0].Title != "office is archived" || !strings.Contains(notes[0].Content, "50 messages") {
		t.Errorf("after the first good run, notifications = %+v, want one saying office is archived with 50 messages", notes)
	}

	// A failed run: attention, and one notification with the fix, not one per repaint.
	runErr := errors.New("the server refused the password: enter the mailbox's password again in Edit")
	for range 3 {
		a.board.started(acct)
		a.board.ended(archive.RunReport{Account: "office", Outcome: store.OutcomeFailed}, runErr)
	}
	if got := fa.iconName(); got != "tray-attention-dark-panel.png" {
		t.Errorf("icon after a failed run = %q", got)
	}
	notes = fa.takeNotes()
	if len(notes) != 1 || notes[0].Title != "Mailkeep could not archive office" || notes[0].Content != runErr.Error() {
		t.Errorf("after three failures with the same problem, notifications = %+v, want one with the fix", notes)
	}
	if got := fa.labels()[1]; got != "1 mailbox needs attention" {
		t.Errorf("status line = %q", got)
	}

	// Pause flips the item and pauses the schedule; Resume undoes it.
	fa.item("Pause archiving").Action()
	if !a.sched.Paused() {
		t.Error("Pause archiving did not pause the scheduler")
	}
	if fa.item("Resume archiving") == nil {
		t.Fatalf("after Pause, menu = %q: no Resume archiving", fa.labels())
	}
	fa.item("Resume archiving").Action()
	if a.sched.Paused() || fa.item("Pause archiving") == nil {
		t.Errorf("after Resume: paused = %v, menu = %q", a.sched.Paused(), fa.labels())
	}
}

// TestTraySecretExpiry: a secret that expires within two weeks turns the
// icon to attention, adds a menu line, and notifies once (not again after a
// restart of the tray).
func TestTraySecretExpiry(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	fa := &trayApp{App: test.NewTempApp(t)}
	a := newShellApp(t, fa, now,
		entraAccount("shared1", "contoso.onmicrosoft.com", "11111111-2222-3333-4444-555555555555", "2026-11-30"),
		entraAccount("shared2", "contoso.onmicrosoft.com", "11111111-2222-3333-4444-555555555555", "2026-11-30"))
	a.startTray()
	if got := fa.iconName(); !strings.HasPrefix(got, "tray-attention-") {
		t.Errorf("icon = %q, want attention", got)
	}
	if fa.item("The client secret expires in 10 days (shared1, shared2): replace it…") == nil {
		t.Errorf("menu = %q: no line about the secret", fa.labels())
	}
	notes := fa.takeNotes()
	if len(notes) != 1 || !strings.Contains(notes[0].Title, "expires in 10 days") || !strings.Contains(notes[0].Content, "2 mailboxes") {
		t.Errorf("notifications = %+v, want one about the secret of 2 mailboxes", notes)
	}
	a.refreshShell()
	a.shell.shown = nil
	a.refreshShell()
	if n := fa.takeNotes(); len(n) != 0 {
		t.Errorf("notified again: %+v", n)
	}
}

// Without a session bus there is no tray and no notification (on Linux the
// tray's D-Bus library would panic on quit), and Mailkeep says so.
func TestTrayNeedsASessionBus(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the session bus matters on Linux")
	}
	fa := &trayApp{App: test.NewTempApp(t)}
	a := newShellApp(t, fa, time.Now(), passwordAccount("office"))
	a.cfg.Getenv = func(string) string { return "" }
	if a.HasTray() {
		t.Error("HasTray() = true without a session bus")
	}
	a.startTray()
	if fa.iconName() != "" || fa.labels() != nil {
		t.Errorf("a tray was set up without a session bus: icon %q, menu %q", fa.iconName(), fa.labels())
	}
}
