package app

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

// mailboxCard is one mailbox in the main window: its status in plain words,
// its live progress, and its buttons.
type mailboxCard struct {
	name string
	card *widget.Card

	attention *widget.Icon    // shown when the last run failed
	last      *widget.Label   // "Last run: today at 14:02, finished: 120 messages (3.4 MB)"
	next      *widget.Label   // "Next run: today at 15:02 (every hour)" or "Paused"
	total     *widget.Label   // "In the archive: 1,234 messages (56 MB)"
	problem   *widget.Label   // the last error in one line, with what to do
	trouble   *fyne.Container // attention and problem
	progress  *progressView

	runNow, pause, history, folders, edit, remove *widget.Button
	paused                                        bool // as last shown
}

// cardActions are what a card's buttons do, by mailbox name.
type cardActions struct {
	runNow, history, folders, edit, remove func(name string)
	pause                                  func(name string, paused bool)
}

func newMailboxCard(name string, do cardActions) *mailboxCard {
	c := &mailboxCard{
		name:      name,
		attention: widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon())),
		last:      widget.NewLabel(""),
		next:      widget.NewLabel(""),
		total:     widget.NewLabel(""),
		problem:   widget.NewLabel(""),
		progress:  newProgressView(),
	}
	c.attention.Hide()
	for _, l := range []*widget.Label{c.last, c.next, c.total} {
		l.Truncation = fyne.TextTruncateEllipsis
	}
	c.problem.Wrapping = fyne.TextWrapWord
	c.problem.Importance = widget.DangerImportance
	c.problem.Hide()

	c.runNow = widget.NewButtonWithIcon("Run now", theme.MediaPlayIcon(), func() { do.runNow(c.name) })
	c.runNow.Importance = widget.HighImportance
	c.pause = widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), func() { do.pause(c.name, !c.paused) })
	c.history = widget.NewButtonWithIcon("History", theme.HistoryIcon(), func() { do.history(c.name) })
	c.folders = widget.NewButtonWithIcon("Folders", theme.FolderIcon(), func() { do.folders(c.name) })
	c.edit = widget.NewButtonWithIcon("Edit", theme.DocumentCreateIcon(), func() { do.edit(c.name) })
	c.remove = widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), func() { do.remove(c.name) })
	for _, b := range []*widget.Button{c.pause, c.history, c.folders, c.edit, c.remove} {
		b.Importance = widget.LowImportance
	}

	lines := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), c.last, c.next, c.total)
	c.trouble = container.NewBorder(nil, nil, container.NewVBox(c.attention), nil, c.problem)
	c.trouble.Hide()
	buttons := container.NewHBox(c.runNow, c.pause, c.history, c.folders, c.edit, c.remove)
	c.card = widget.NewCard(name, "", container.NewVBox(lines, c.trouble, c.progress.box, c.progress.finished, buttons))
	return c
}

// show brings the card up to date. Call it on Fyne's goroutine.
func (c *mailboxCard) show(m mailbox, archived store.AccountCount, now time.Time) {
	acct := m.Account
	c.card.SetSubTitle(serverText(acct))

	if m.Last == nil {
		c.last.SetText("Last run: never — press Run now to archive it for the first time.")
	} else {
		c.last.SetText(lastRunText(*m.Last, now))
	}
	switch {
	case acct.Paused:
		c.next.SetText("Paused: not archived on its schedule until you press Resume.")
		c.next.Importance = widget.WarningImportance
	case m.Running:
		c.next.SetText("Archiving now; then " + scheduleText(acct) + ".")
		c.next.Importance = widget.MediumImportance
	case m.Next.IsZero():
		c.next.SetText("Next run: " + scheduleText(acct) + ".")
		c.next.Importance = widget.MediumImportance
	default:
		when := whenText(m.Next, now)
		if !m.Next.After(now) {
			when = "now"
		}
		c.next.SetText(fmt.Sprintf("Next run: %s (%s).", when, scheduleText(acct)))
		c.next.Importance = widget.MediumImportance
	}
	c.next.Refresh()
	c.total.SetText("In the archive: " + messagesText(archived.Messages, archived.Bytes) + ".")

	if m.Problem != "" && !m.Running {
		c.card.SetTitle(c.name + " — needs attention")
		c.problem.SetText(oneLine(m.Problem))
		c.problem.Show()
		c.attention.Show()
		c.trouble.Show()
	} else {
		c.card.SetTitle(c.name)
		c.problem.Hide()
		c.attention.Hide()
		c.trouble.Hide()
	}
	c.progress.show(m)

	if m.Running {
		c.runNow.SetText("Archiving…")
		c.runNow.Disable()
		c.remove.Disable()
	} else {
		c.runNow.SetText("Run now")
		c.runNow.Enable()
		c.remove.Enable()
	}
	c.paused = acct.Paused
	if acct.Paused {
		c.pause.SetText("Resume")
		c.pause.SetIcon(theme.MediaPlayIcon())
	} else {
		c.pause.SetText("Pause")
		c.pause.SetIcon(theme.MediaPauseIcon())
	}
	if acct.Protocol == archive.POP3 {
		c.folders.Hide() // POP3 has the inbox only
	} else {
		c.folders.Show()
	}
}

// serverText is where a mailbox is: "shared@contoso.com on outlook.office365.com".
func serverText(a archive.Account) string {
	if a.User == "" {
		return a.Host
	}
	return a.User + " on " + a.Host
}

// lastRunText is a run in one line: "Last run: today at 14:02, finished:
// 120 messages (3.4 MB)."
func lastRunText(r store.RunRecord, now time.Time) string {
	s := "Last run: " + whenText(r.Started, now) + ", " + outcomeText(r.Outcome)
	if r.Outcome == store.OutcomeOK && r.Messages == 0 {
		return s + ": no new mail."
	}
	return s + ": " + messagesText(r.Messages, r.Bytes) + " archived."
}
