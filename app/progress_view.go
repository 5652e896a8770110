package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"github.com/mailkeep/mailkeep/store"
)

// progressView is the live progress of one mailbox's run: what it is doing,
// a bar for the current folder, and what it has archived so far. When the
// run ends it says what the run archived, until the next run begins.
type progressView struct {
	box      *fyne.Container
	step     *widget.Label // "Archiving “INBOX”: 40 of 120 messages"
	bar      *widget.ProgressBar
	spinner  *widget.ProgressBarInfinite // while the folder's total is not known
	sofar    *widget.Label               // "So far: 340 messages (12 MB)"
	finished *widget.Label               // "Done: 340 messages archived (12 MB)"

	watched bool // a run was seen running since this view was made
}

func newProgressView() *progressView {
	p := &progressView{
		step:     widget.NewLabel(""),
		bar:      widget.NewProgressBar(),
		spinner:  widget.NewProgressBarInfinite(),
		sofar:    widget.NewLabel(""),
		finished: widget.NewLabel(""),
	}
	p.step.Truncation = fyne.TextTruncateEllipsis
	p.spinner.Stop()
	p.spinner.Hide()
	p.finished.Importance = widget.SuccessImportance
	p.finished.Hide()
	p.box = container.New(layout.NewCustomPaddedVBoxLayout(0), p.step, container.NewStack(p.bar, p.spinner), p.sofar)
	p.box.Hide()
	return p
}

// show brings the view up to date with m. Call it on Fyne's goroutine.
func (p *progressView) show(m mailbox) {
	if !m.Running {
		p.stopSpinner()
		p.box.Hide()
		if p.watched && m.Last != nil {
			p.finished.SetText(finishedText(m))
			if m.Last.Outcome == store.OutcomeOK {
				p.finished.Importance = widget.SuccessImportance
			} else {
				p.finished.Importance = widget.WarningImportance
			}
			p.finished.Refresh()
			p.finished.Show()
		}
		return
	}
	p.watched = true
	p.finished.Hide()
	switch {
	case m.Folder == "":
		p.step.SetText("Connecting to the server and signing in…")
	case m.Total == 0:
		p.step.SetText(fmt.Sprintf("Checking “%s” for new mail…", m.Folder))
	default:
		p.step.SetText(fmt.Sprintf("Archiving “%s”: %s of %s", m.Folder, humanCount(m.Done), plural(m.Total, "message")))
	}
	if m.Total > 0 {
		p.stopSpinner()
		p.bar.Max = float64(m.Total)
		p.bar.SetValue(float64(min(m.Done, m.Total)))
		p.bar.Show()
	} else {
		p.bar.Hide()
		if !p.spinner.Visible() {
			p.spinner.Show()
			p.spinner.Start()
		}
	}
	p.sofar.SetText("Archived so far in this run: " + messagesText(m.Count, m.Bytes))
	p.box.Show()
}

func (p *progressView) stopSpinner() {
	if p.spinner.Visible() {
		p.spinner.Stop()
		p.spinner.Hide()
	}
}

// finishedText says what the run that just ended archived.
func finishedText(m mailbox) string {
	switch m.Last.Outcome {
	case store.OutcomeOK:
		if m.Count == 0 {
			return "Done: no new mail to archive."
		}
		return "Done: " + plural(m.Count, "message") + " archived (" + bytesText(m.Bytes) + ")."
	case store.OutcomeCancelled:
		return "Stopped: " + plural(m.Count, "message") + " archived before it stopped; the next run continues from there."
	}
	return "The run did not finish: " + plural(m.Count, "message") + " archived before the problem below; the next run continues from there."
}

func humanCount(n int) string { return humanize.Comma(int64(n)) }
