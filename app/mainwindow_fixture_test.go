package app

import (
	"context"
	"crypto/tls"
	"fmt"
	"image/png"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

// boxesFixture is an App on a fresh archive in t.TempDir(), headless, with
// the main window's view, and optionally a real Dovecot to archive from.
type boxesFixture struct {
	t *testing.T
	a *App
	w fyne.Window
	v *mailboxesView

	dovecot *archivetest.Dovecot
	user    string // Dovecot's password user
}

// boxesOptions configure newBoxesFixture.
type boxesOptions struct {
	dovecot bool             // start a Dovecot with a password user
	now     func() time.Time // the App's clock (nil: time.Now)
}

func newBoxesFixture(t *testing.T, opt boxesOptions) *boxesFixture {
	t.Helper()
	f := &boxesFixture{t: t}
	cfg := Config{ArchivePath: filepath.Join(t.TempDir(), "archive.mailkeep"), Now: opt.now, UI: newUILoop(t)}
	if opt.dovecot {
		f.dovecot = archivetest.StartDovecot(t, archivetest.DovecotOptions{})
		f.user = "boxes@example.com"
		pass := "boxes-pw-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		f.dovecot.AddPasswordUser(f.user, pass)
		t.Setenv("MAILKEEP_TEST_BOXES_PW", pass)
		cfg.TLSConfig = &tls.Config{RootCAs: f.dovecot.CertPool()}
	}
	fa := test.NewTempApp(t)
	a, err := New(fa, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	f.a = a
	f.w = test.NewTempWindow(t, nil)
	onUI(a, func() {
		f.v = newMailboxesView(a, f.w)
		f.v.place()
		f.w.Resize(mainWindowSize)
	})
	return f
}

// startScheduler runs the App's scheduler, as Start does.
func (f *boxesFixture) startScheduler() {
	f.a.jobs.Go(func() {
		if err := f.a.sched.Run(f.a.ctx); err != nil {
			f.t.Errorf("scheduler: %v", err)
		}
	})
}

// imapAccount is an account of Dovecot's password user over IMAPS.
func (f *boxesFixture) imapAccount(name string) archive.Account {
	host, p, err := net.SplitHostPort(f.dovecot.IMAPSAddr)
	if err != nil {
		f.t.Fatal(err)
	}
	port, _ := strconv.Atoi(p)
	return archive.Account{Name: name, Protocol: archive.IMAP, Host: host, Port: port, Security: archive.SecurityTLS,
		User: f.user, Auth: archive.AuthPassword, Secret: auth.SecretRef{Env: "MAILKEEP_TEST_BOXES_PW"}}
}

// deliver puts n generated messages into folder.
func (f *boxesFixture) deliver(folder string, n int) {
	for i := range n {
		f.dovecot.Deliver(f.user, folder, fmt.Appendf(nil,
			"From: Office <office@example.com>\r\nTo: %s\r\nSubject: %s report %d\r\nMessage-ID: <%s-%d@example.com>\r\n"+
				"Date: Mon, 2 Mar 2026 09:%02d:00 +0000\r\n\r\nReport number %d of folder %s.\r\n",
			f.user, folder, i, strings.ReplaceAll(folder, " ", "-"), i, i%60, i, folder))
	}
}

// save stores acct in the archive and shows it on the board.
func (f *boxesFixture) save(acct archive.Account) {
	f.t.Helper()
	ctx := context.Background()
	if err := archive.SaveAccount(ctx, f.a.store, acct); err != nil {
		f.t.Fatal(err)
	}
	f.reload()
}

func (f *boxesFixture) reload() {
	f.t.Helper()
	if err := f.a.board.load(context.Background(), f.a.store); err != nil {
		f.t.Fatal(err)
	}
	f.a.sched.Reload()
}

// onUI runs g on the App's UI goroutine and waits for it.
func (f *boxesFixture) onUI(g func()) { onUI(f.a, g) }

// tap presses a button of the view.
func (f *boxesFixture) tap(b fyne.Tappable) { f.onUI(func() { test.Tap(b) }) }

// card is the card of the mailbox called name.
func (f *boxesFixture) card(name string) *mailboxCard {
	f.t.Helper()
	var c *mailboxCard
	f.onUI(func() { c = f.v.cards[name] })
	if c == nil {
		f.t.Fatalf("no card for %q", name)
	}
	return c
}

// text reads a label on Fyne's goroutine.
func (f *boxesFixture) text(get func() string) string {
	var s string
	f.onUI(func() { s = get() })
	return s
}

// eventually waits until cond holds (checked on Fyne's goroutine), failing
// the test after a generous timeout with what was seen last.
func (f *boxesFixture) eventually(what string, cond func() bool) {
	f.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var ok bool
		f.onUI(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// lastRun is the newest run of account in the archive.
func (f *boxesFixture) runs(account string) []store.RunRecord {
	f.t.Helper()
	runs, err := f.a.store.Runs(context.Background(), account, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	return runs
}

func (f *boxesFixture) counts() map[string]store.AccountCount {
	f.t.Helper()
	c, err := f.a.store.AccountCounts(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// capture saves the window as a PNG named name in the folder
// MAILKEEP_SCREENSHOTS, or the test's temporary folder, to be looked at.
// Call it on Fyne's goroutine (onUI).
func (f *boxesFixture) capture(name string) {
	f.t.Helper()
	dir := os.Getenv("MAILKEEP_SCREENSHOTS")
	if dir == "" {
		dir = f.t.TempDir()
	}
	path := filepath.Join(dir, name)
	out, err := os.Create(path)
	if err != nil {
		f.t.Fatal(err)
	}
	defer out.Close()
	if err := png.Encode(out, f.w.Canvas().Capture()); err != nil {
		f.t.Fatal(err)
	}
	f.t.Logf("%s", path)
}
