package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/store"
)

// exportRequest is what to export: the chosen messages (ids), or when ids is
// nil every message the query finds.
type exportRequest struct {
	query string
	ids   []int64
}

// The export dialog's two formats, as a person reads them.
const (
	exportMboxChoice = "One mbox file (Thunderbird, Apple Mail and most mail programs open it)"
	exportEMLChoice  = "A folder of .eml files (Outlook opens each with a double click)"
)

// exportDialog asks where and how to export, and shows the export's
// progress, with a Cancel.
type exportDialog struct {
	a   *App
	win fyne.Window
	req exportRequest

	format *widget.RadioGroup
	path   *widget.Entry
	choose *widget.Button
	start  *widget.Button
	close  *widget.Button

	jobDialog // progress, status, dlg, cancel
	// done, when set, is called when an export ends (tests wait for it).
	done func(n int, err error)
}

// showExport opens the export dialog over w.
func (a *App) showExport(w fyne.Window, req exportRequest) *exportDialog {
	d := a.newExportDialog(w, req)
	d.dlg.Show()
	return d
}

func (a *App) newExportDialog(w fyne.Window, req exportRequest) *exportDialog {
	d := &exportDialog{a: a, win: w, req: req}
	d.format = widget.NewRadioGroup([]string{exportMboxChoice, exportEMLChoice}, func(string) { d.suggestPath() })
	d.format.Required = true
	d.path = widget.NewEntry()
	d.choose = widget.NewButton("Choose…", d.choosePath)
	d.progress = widget.NewProgressBar()
	d.progress.Hide()
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord
	d.start = widget.NewButton("Export", d.run)
	d.start.Importance = widget.HighImportance
	d.close = widget.NewButton("Close", d.closeOrCancel)
	d.format.SetSelected(exportMboxChoice)

	what := "Every message this search finds"
	if req.query == "" {
		what = "Every message in the archive"
	}
	if req.ids != nil {
		what = fmt.Sprintf("The %s you ticked", howMany(len(req.ids), "message", "messages"))
	}
	body := container.NewVBox(
		widget.NewLabelWithStyle(what+", exactly as received.", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		d.format,
		widget.NewLabel("Save to:"),
		container.NewBorder(nil, nil, nil, d.choose, d.path),
		d.progress,
		d.status,
		container.NewHBox(layout.NewSpacer(), d.close, d.start),
	)
	d.dlg = dialog.NewCustomWithoutButtons("Export mail", body, w)
	d.dlg.Resize(fyne.NewSize(620, 0))
	return d
}

// plural writes "1 message" or "3 messages".
func howMany(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

func (d *exportDialog) formatChosen() store.ExportFormat {
	if d.format.Selected == exportEMLChoice {
		return store.FormatEML
	}
	return store.FormatMbox
}

// suggestPath fills in a place in the Documents folder (or home) when the
// person has not typed one, or switches its ending with the format.
func (d *exportDialog) suggestPath() {
	if d.path == nil {
		return
	}
	p := d.path.Text
	if p == "" {
		p = filepath.Join(homeDocuments(d.a.cfg.Getenv), "Mailkeep export")
	}
	p = strings.TrimSuffix(p, ".mbox")
	if d.formatChosen() == store.FormatMbox {
		p += ".mbox"
	}
	d.path.SetText(p)
}

// homeDocuments is the Documents folder in the home folder, or the home
// folder.
func homeDocuments(getenv func(string) string) string {
	home := getenv("HOME")
	if home == "" {
		home = getenv("USERPROFILE")
	}
	return filepath.Join(home, "Documents")
}

// choosePath opens the system's file or folder chooser.
func (d *exportDialog) choosePath() {
	if d.formatChosen() == store.FormatEML {
		dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				d.path.SetText(filepath.Join(u.Path(), "Mailkeep export"))
			}
		}, d.win)
		return
	}
	fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		// The chooser made an empty file; the export fills it (it never
		// overwrites a file that holds something).
		w.Close()
		d.path.SetText(w.URI().Path())
	}, d.win)
	fd.SetFileName(filepath.Base(d.path.Text))
	fd.Show()
}

// run exports in the background, showing progress.
func (d *exportDialog) run() {
	out := strings.TrimSpace(d.path.Text)
	if out == "" {
		d.status.SetText("Choose where to save the export first.")
		return
	}
	format := d.formatChosen()
	ctx, cancel := context.WithCancel(d.a.ctx)
	d.cancel = cancel
	d.start.Disable()
	d.choose.Disable()
	d.path.Disable()
	d.format.Disable()
	d.close.SetText("Cancel")
	d.progress.SetValue(0)
	d.progress.Show()
	d.status.SetText("Exporting…")
	s := d.a.store
	req := d.req
	progress := func(p store.ImportProgress) {
		d.a.do(func() {
			if p.Total > 0 {
				d.progress.SetValue(float64(p.Bytes) / float64(p.Total))
			}
			d.status.SetText(fmt.Sprintf("Exported %s…", howMany(p.Messages, "message", "messages")))
		})
	}
	d.a.background(func(context.Context) {
		var n int
		var err error
		if req.ids == nil {
			// The whole result set: the very call mailkeep-cli export makes.
			n, err = s.Export(ctx, req.query, out, format, progress)
		} else {
			n, err = s.ExportIDs(ctx, req.ids, out, format, progress)
		}
		if ctx.Err() != nil && err != nil {
			err = fmt.Errorf("%w: %w", context.Canceled, err) // stopped, whatever the failure says
		}
		d.a.do(func() { d.finished(n, err, out, format) })
	})
}

func (d *exportDialog) finished(n int, err error, out string, format store.ExportFormat) {
	d.cancel()
	d.cancel = nil
	d.close.SetText("Close")
	d.start.Enable()
	d.choose.Enable()
	d.path.Enable()
	d.format.Enable()
	switch {
	case errors.Is(err, context.Canceled) && format == store.FormatEML:
		d.status.SetText(fmt.Sprintf("Stopped. The %s written before are in the folder; exporting again into it adds the rest.", howMany(n, "message", "messages")))
	case errors.Is(err, context.Canceled):
		d.status.SetText("Stopped. Nothing was written.")
	case err != nil:
		d.status.SetText("The export failed: " + err.Error())
	case n == 0:
		d.status.SetText("No messages to export; nothing was written.")
	case format == store.FormatEML:
		d.progress.SetValue(1)
		d.status.SetText(fmt.Sprintf("Done: %s saved as .eml files in %s.", howMany(n, "message", "messages"), out))
	default:
		d.progress.SetValue(1)
		d.status.SetText(fmt.Sprintf("Done: %s saved in %s.", howMany(n, "message", "messages"), out))
	}
	if d.done != nil {
		d.done(n, err)
	}
}
