package app

import (
	"encoding/json"
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
	seedRun(t, s, store.RunRecord{Account: "office", Started: now.Add(-26 * time.Hour), Ended: now.Add(-26*time.Hour + 3*time.Second),
		Outcome: store.OutcomeFailed, Error: "account \"office\": gave up after 5 attempts: The mail server did not answer. Check the internet connection."})
	details, _ := json.Marshal(runDetailsJSON{Attempts: 1, New: 1200, Folders: []archive.FolderReport{
		{Folder: "INBOX", Messages: 900, New: 880, Bytes: 60 << 20}, {Folder: "Sent Items", Messages: 340, New: 320, Bytes: 26 << 20},
		{Folder: "Junk"}}})
	seedRun(t, s, store.RunRecord{Account: "office", Started: now.Add(-65 * time.Minute), Ended: now.Add(-64 * time.Minute),
		Outcome: store.OutcomeOK, Messages: 1240, Bytes: 86 << 20, Details: details})

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

	f.onUI(func() {
		f.w.Resize(fyne.NewSize(780, 1000))
		f.capture("main-window-progress.png")
		c := f.v.cards["office"]
		if !c.progress.box.Visible() || c.progress.step.Text != "Archiving “INBOX”: 300 of 820 messages" {
			t.Errorf("progress: %q", c.progress.step.Text)
		}
		if want := "Archived so far in this run: " + messagesText(610, 40<<20); c.progress.sofar.Text != want {
			t.Errorf("so far: %q, want %q", c.progress.sofar.Text, want)
		}
	})

	// The dialogs, over a window of the usual size.
	f.onUI(func() { f.w.Resize(fyne.NewSize(780, 600)) })
	f.tap(f.card("old-shop").remove)
	f.onUI(func() { f.capture("remove-dialog.png"); f.v.removing.dialog.Hide() })
	f.tap(f.card("office").history)
	f.eventually("the history is shown", func() bool { return f.v.history != nil })
	f.onUI(func() { f.capture("history.png") })
}
