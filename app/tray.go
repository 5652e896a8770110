package app

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"github.com/mailkeep/mailkeep/assets"
)

// shell is the App's state outside its windows: the tray, what was
// notified, and quitting.
type shell struct {
	mu      sync.Mutex
	tray    desktop.App // nil: no tray on this desktop
	shown   *trayView   // what the tray shows now; nil: nothing yet
	notices noticeTracker

	closeOnce sync.Once
	closeErr  error
}

// trayView is everything the tray shows; the tray is redrawn only when it
// changes (not on every progress event).
type trayView struct {
	State    assets.TrayState
	Status   string // a line at the top of the menu
	Paused   bool
	Accounts int
	Expiry   []expiryWarning
}

func (v *trayView) equal(w trayView) bool {
	return v.State == w.State && v.Status == w.Status && v.Paused == w.Paused && v.Accounts == w.Accounts &&
		slices.EqualFunc(v.Expiry, w.Expiry, func(a, b expiryWarning) bool {
			return a.Key == b.Key && a.Days == b.Days && len(a.Mailboxes) == len(b.Mailboxes)
		})
}

// trayStateOf is the icon for the mailboxes and the secret warnings:
// attention when a run failed or a secret expires within two weeks (it needs
// the person), else running while any mailbox is archived, else idle.
func trayStateOf(boxes []mailbox, warnings []expiryWarning) assets.TrayState {
	if len(warnings) > 0 {
		return assets.TrayAttention
	}
	running := false
	for _, m := range boxes {
		if m.Problem != "" {
			return assets.TrayAttention
		}
		running = running || m.Running
	}
	if running {
		return assets.TrayRunning
	}
	return assets.TrayIdle
}

// trayStatus is the menu's first line: what Mailkeep is doing.
func trayStatus(boxes []mailbox, paused bool) string {
	running, failed := 0, 0
	for _, m := range boxes {
		if m.Running {
			running++
		}
		if m.Problem != "" {
			failed++
		}
	}
	plural := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	switch {
	case len(boxes) == 0:
		return "No mailbox set up yet"
	case running > 0:
		return "Archiving " + plural(running, "mailbox", "mailboxes") + "…"
	case failed > 0:
		return plural(failed, "mailbox needs", "mailboxes need") + " attention"
	case paused:
		return "Archiving is paused"
	}
	return plural(len(boxes), "mailbox", "mailboxes") + ", no problems"
}

// trayView is what the tray should show now.
func (a *App) trayView() trayView {
	boxes := a.board.snapshot()
	warnings := a.expiryWarnings()
	paused := a.sched.Paused()
	return trayView{State: trayStateOf(boxes, warnings), Status: trayStatus(boxes, paused), Paused: paused,
		Accounts: len(boxes), Expiry: warnings}
}

// trayMenu is the tray's menu for v.
func (a *App) trayMenu(v trayView) *fyne.Menu {
	status := fyne.NewMenuItem(v.Status, a.open)
	items := []*fyne.MenuItem{fyne.NewMenuItem("Open Mailkeep", a.open), status}
	for _, w := range v.Expiry {
		items = append(items, fyne.NewMenuItem(w.MenuLine(), func() { a.showExpiry(w) }))
	}
	runAll := fyne.NewMenuItem("Run all now", func() {
		a.background(func(ctx context.Context) {
			if err := a.sched.RunNow(ctx); err != nil {
				a.log.Error("run all now", "err", err)
			}
		})
	})
	runAll.Disabled = v.Accounts == 0
	pause := fyne.NewMenuItem("Pause archiving", func() { a.setPaused(true) })
	if v.Paused {
		pause = fyne.NewMenuItem("Resume archiving", func() { a.setPaused(false) })
	}
	quit := fyne.NewMenuItem("Quit", a.quit)
	quit.IsQuit = true
	items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem("Search…", a.showSearch), runAll, pause,
		fyne.NewMenuItem("Settings…", a.showSettings), fyne.NewMenuItemSeparator(), quit)
	return fyne.NewMenu("Mailkeep", items...)
}

// hasSessionBus reports whether the desktop's D-Bus session bus, which the
// tray and notifications speak over on Linux and the BSDs, is there. Without
// it the tray's D-Bus library panics on quit, and starts a bus of its own
// that outlives Mailkeep.
func (a *App) hasSessionBus() bool {
	switch runtime.GOOS {
	case "windows", "darwin":
		return true
	}
	return a.cfg.Getenv("DBUS_SESSION_BUS_ADDRESS") != ""
}

// HasTray reports whether Mailkeep has a tray icon on this desktop (after
// Start). Without one, starting hidden would leave no way in.
func (a *App) HasTray() bool {
	if _, ok := a.fyne.(desktop.App); !ok {
		return false
	}
	return a.hasSessionBus()
}

// startTray puts Mailkeep in the system tray, when the desktop has one, and
// keeps its icon, its menu and the notifications up to date with the board.
func (a *App) startTray() {
	if tray, ok := a.fyne.(desktop.App); ok && a.hasSessionBus() {
		a.shell.mu.Lock()
		a.shell.tray = tray
		a.shell.mu.Unlock()
	} else {
		a.log.Info("no system tray: Mailkeep lives in its window (on Linux the tray needs a D-Bus session)")
	}
	a.board.subscribe(a.refreshShell)
	a.refreshShell()
	// The day changes without any run: look again each hour, for the
	// secrets' expiry.
	a.background(func(ctx context.Context) {
		tick := time.NewTicker(time.Hour)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				a.refreshShell()
			}
		}
	})
}

// refreshShell brings the tray and the notifications up to date. Any
// goroutine may call it (the board's listeners run on the engine's).
func (a *App) refreshShell() {
	if a.ctx.Err() != nil {
		return // closing
	}
	a.shell.mu.Lock()
	defer a.shell.mu.Unlock()
	v := a.trayView()
	var notices []*fyne.Notification
	if a.hasSessionBus() {
		notices = append(a.shell.notices.next(a.board.snapshot()), a.expiryNotices(v.Expiry)...)
	}
	tray := a.shell.tray
	changed := a.shell.shown == nil || !a.shell.shown.equal(v)
	if changed {
		a.shell.shown = &v
	}
	if !changed && len(notices) == 0 {
		return
	}
	a.do(func() {
		for _, n := range notices {
			a.fyne.SendNotification(n)
		}
		if tray != nil && changed {
			tray.SetSystemTrayIcon(assets.TrayIcon(v.State, a.darkPanel()))
			tray.SetSystemTrayMenu(a.trayMenu(v))
		}
	})
}

// darkPanel guesses whether the tray sits on a dark panel: Linux desktops'
// panels mostly are (GNOME's always); elsewhere the panel follows the
// system's light or dark mode.
func (a *App) darkPanel() bool {
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		return true
	}
	return a.fyne.Settings().ThemeVariant() == theme.VariantDark
}

// setPaused pauses or resumes the schedule of every mailbox.
func (a *App) setPaused(paused bool) {
	a.sched.SetPaused(paused)
	a.log.Info("archiving schedule", "paused", paused)
	a.refreshShell()
}

// open shows the main window, or the setup when there is no mailbox yet.
func (a *App) open() {
	if len(a.board.snapshot()) == 0 {
		a.showSetup()
		return
	}
	a.showMain()
}

// Raise brings Mailkeep's window forward (a second start asked for it). Any
// goroutine may call it.
func (a *App) Raise() { a.do(a.open) }

// Shutdown is Close, once: the tray's Quit and the end of the program both
// call it.
func (a *App) Shutdown() error {
	a.shell.closeOnce.Do(func() { a.shell.closeErr = a.Close() })
	return a.shell.closeErr
}

// quit is the tray's Quit: runs in progress stop at their next commit, then
// the program ends.
func (a *App) quit() {
	for _, w := range a.fyne.Driver().AllWindows() {
		w.Hide()
	}
	go func() {
		if err := a.Shutdown(); err != nil {
			a.log.Error("closing the archive", "err", err)
		}
		a.do(a.fyne.Quit)
	}()
}
