package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

// historyLimit is how many runs the history shows.
const historyLimit = 200

// historyView is the run history of one mailbox: a list of its runs, newest
// first, and the details of the one selected.
type historyView struct {
	content fyne.CanvasObject
	list    *widget.List
	details *widget.Label
	runs    []store.RunRecord
}

func newHistoryView(runs []store.RunRecord, now time.Time) *historyView {
	h := &historyView{runs: runs, details: widget.NewLabel("")}
	h.details.Wrapping = fyne.TextWrapWord
	h.list = widget.NewList(
		func() int { return len(h.runs) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(runLine(h.runs[i], now)) },
	)
	h.list.OnSelected = func(i widget.ListItemID) { h.details.SetText(runDetails(h.runs[i], now)) }
	if len(runs) == 0 {
		h.details.SetText("This mailbox has not been archived yet. Press Run now to archive it.")
		h.content = h.details
		return h
	}
	split := container.NewVSplit(h.list, container.NewVScroll(h.details))
	split.Offset = 0.45
	h.content = split
	h.list.Select(0)
	return h
}

// runLine is a run in the list: when, how it ended, how much.
func runLine(r store.RunRecord, now time.Time) string {
	s := whenText(r.Started, now) + " — " + outcomeText(r.Outcome)
	if r.Messages > 0 {
		s += ", " + messagesText(r.Messages, r.Bytes)
	}
	if !r.Ended.IsZero() {
		s += ", took " + durationText(r.Ended.Sub(r.Started))
	}
	return s
}

// runDetailsJSON is RunRecord.Details as archive.Run writes it.
type runDetailsJSON struct {
	Attempts int                    `json:"attempts"`
	New      int                    `json:"new"`
	SetAside int                    `json:"set_aside"`
	Deleted  int                    `json:"deleted"`
	Folders  []archive.FolderReport `json:"folders"`
}

// runDetails is everything about one run, in plain words.
func runDetails(r store.RunRecord, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Started %s", whenText(r.Started, now))
	if !r.Ended.IsZero() {
		fmt.Fprintf(&b, ", took %s", durationText(r.Ended.Sub(r.Started)))
	}
	fmt.Fprintf(&b, ": %s.\n", outcomeText(r.Outcome))
	var d runDetailsJSON
	_ = json.Unmarshal(r.Details, &d) // details of an older or unfinished run may be empty
	fmt.Fprintf(&b, "Archived %s", messagesText(r.Messages, r.Bytes))
	if r.Messages > 0 {
		fmt.Fprintf(&b, "; %s new to the archive (the others were already in it, from another folder or mailbox)", humanCount(d.New))
	}
	b.WriteString(".\n")
	if d.Attempts > 1 {
		fmt.Fprintf(&b, "The connection was tried %d times.\n", d.Attempts)
	}
	if d.SetAside > 0 {
		fmt.Fprintf(&b, "%s could not be fetched and will be tried again next time.\n", plural(d.SetAside, "message"))
	}
	if d.Deleted > 0 {
		fmt.Fprintf(&b, "%s deleted on the server after archiving.\n", plural(d.Deleted, "message"))
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "\nProblem: %s\n", oneLine(r.Error))
	}
	if len(d.Folders) > 0 {
		b.WriteString("\nFolders:\n")
		for _, f := range d.Folders {
			fmt.Fprintf(&b, "• %s: ", f.Folder)
			switch {
			case f.Error != "":
				fmt.Fprintf(&b, "could not be read (%s)", f.Error)
			case f.Messages == 0:
				b.WriteString("nothing new")
			default:
				fmt.Fprintf(&b, "%s, %s new", messagesText(f.Messages, f.Bytes), humanCount(f.New))
			}
			if f.Rescanned {
				b.WriteString("; read again from the start, because the server renumbered the folder")
			}
			if f.SetAside > 0 {
				fmt.Fprintf(&b, "; %s set aside", plural(f.SetAside, "message"))
			}
			b.WriteString("\n")
		}
	}
	return strings.TrimSpace(b.String())
}

// showHistory shows the run history of the mailbox called name.
func (v *mailboxesView) showHistory(name string) {
	v.a.background(func(ctx context.Context) {
		runs, err := v.a.store.Runs(ctx, name, historyLimit)
		if err != nil {
			v.a.do(func() { v.showProblem("Mailkeep could not read the run history", err) })
			return
		}
		v.a.do(func() {
			h := newHistoryView(runs, v.a.cfg.Now())
			v.history = h
			d := dialog.NewCustom("Run history of “"+name+"”", "Close", h.content, v.w)
			d.Resize(fyne.NewSize(680, 500))
			d.Show()
		})
	})
}
