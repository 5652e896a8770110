package app

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

// The main window renders with a run in progress, a failed mailbox and a
// paused one. The picture goes to MAILKEEP_SCREENSHOTS (a folder) when set,
// else to the test's temporary folder: look at it after changing the layout.
func TestMainWindowRendersWithProgress(t *testing.T) {
	now := time.Date(2026, 3, 10, 14, 5, 0, 0, time.Local)
	f := newBoxesFixture(t, boxesOptions{now: func() time.Time { return now }})
	f.onUI(func() { f.a.fyne.Settings().SetTheme(theme.DefaultTheme()) })
	s := f.a.store

	office := seedAccount("office")
	office.User, office.Host, office.Every = "office@contoso.com", "outlook.office365.com", archive.Interval(time.Hour)
	f.save(office)
	seedRun(t, s, store.RunRecord{Account: "office", Started: now.Add(-65 * time.Minute), Ended: now.Add(-64 * time.Minute),
		Outcome: store.OutcomeOK, Messages: 1240, Bytes: 86 << 20})

	sales := seedAccount("sales")
	sales.User, sales.Host, sales.Daily = "sales@contoso.com", "outlook.office365.com", "02:30"
	f.save(sales)
	seedRun(t, s, store.RunRecord{Account: "sales", Started: now.Add(-695 * time.Minute), Ended: now.Add(-694 * time.Minute),
		Outcome: store.OutcomeFailed, Error: "Microsoft 365 refused the app's client secret: it has expired. Make a new secret in the Entra admin center and paste it in Edit."})

	old := seedAccount("old-shop")
	old.Paused, old.Every = true, archive.Interval(24*time.Hour)
	f.save(old)
	seedMail(t, s, "old-shop", 12)
	f.reload()
	f.v.loadCounts()
	f.eventually("the counts are read", func() bool { return f.v.counts["old-shop"].Messages == 12 })

	// office is archiving its INBOX.
	acct, _ := f.a.board.get("office")
	f.a.board.started(acct.Account)
	f.a.board.event(archive.Event{Kind: archive.EventProgress, Account: "office", Folder: "Sent Items", Done: 310, Total: 310, Bytes: 21 << 20})
	f.a.board.event(archive.Event{Kind: archive.EventFolder, Account: "office", Folder: "INBOX", Total: 820})
	f.a.board.event(archive.Event{Kind: archive.EventProgress, Account: "office", Folder: "INBOX", Done: 300, Total: 820, Bytes: 19 << 20})

	var shot []byte
	f.onUI(func() {
		f.w.Resize(fyne.NewSize(780, 1000))
		img := f.w.Canvas().Capture()
		dir := os.Getenv("MAILKEEP_SCREENSHOTS")
		if dir == "" {
			dir = t.TempDir()
		}
		path := filepath.Join(dir, "main-window-progress.png")
		out, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		if err := png.Encode(out, img); err != nil {
			t.Fatal(err)
		}
		t.Logf("main window: %s", path)
		shot = []byte(path)
		c := f.v.cards["office"]
		if !c.progress.box.Visible() || c.progress.step.Text != "Archiving “INBOX”: 300 of 820 messages" {
			t.Errorf("progress: %q", c.progress.step.Text)
		}
		if want := "Archived so far in this run: " + messagesText(610, 40<<20); c.progress.sofar.Text != want {
			t.Errorf("so far: %q, want %q", c.progress.sofar.Text, want)
		}
	})
	if len(shot) == 0 {
		t.Fatal("no picture")
	}
}
