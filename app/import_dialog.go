package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/store"
)

// importDialog takes mail files into the archive: .eml files, mbox files and
// Maildir folders (or folders holding them), with progress and a Cancel. The
// messages are kept under "Imported files"; importing the same files again
// adds nothing.
type importDialog struct {
	a   *App
	win fyne.Window

	paths   *widget.Entry // one path a line
	addFile *widget.Button
	addDir  *widget.Button
	start   *widget.Button
	close   *widget.Button

	jobDialog // progress, status, dlg, cancel
	// done, when set, is called when an import ends (tests wait for it).
	done func(store.ImportStats, error)
}

// showImport opens the import dialog over w; with no window (from the
// tray), in a window of its own that closes with it.
func (a *App) showImport(w fyne.Window) {
	own := w == nil
	if own {
		w = a.fyne.NewWindow("Import mail — Mailkeep")
		w.Resize(fyne.NewSize(700, 460))
		w.Show()
	}
	d := a.newImportDialog(w)
	if own {
		d.dlg.SetOnClosed(w.Close)
	}
	d.dlg.Show()
}

func (a *App) newImportDialog(w fyne.Window) *importDialog {
	d := &importDialog{a: a, win: w}
	d.paths = widget.NewMultiLineEntry()
	d.paths.SetPlaceHolder("One file or folder a line, or use the buttons")
	d.paths.SetMinRowsVisible(4)
	d.paths.Wrapping = fyne.TextWrapOff
	d.addFile = widget.NewButtonWithIcon("Add a file…", theme.FileIcon(), d.chooseFile)
	d.addDir = widget.NewButtonWithIcon("Add a folder…", theme.FolderIcon(), d.chooseFolder)
	d.progress = widget.NewProgressBar()
	d.progress.Hide()
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord
	d.start = widget.NewButton("Import", d.run)
	d.start.Importance = widget.HighImportance
	d.close = widget.NewButton("Close", d.closeOrCancel)
	intro := widget.NewLabel("Bring old mail into the archive: .eml files, mbox files (Thunderbird, Apple Mail, Google Takeout) " +
		"and Maildir folders. A folder is searched for all of them. Nothing is changed in the files.")
	intro.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(
		intro,
		d.paths,
		container.NewHBox(d.addFile, d.addDir),
		d.progress,
		d.status,
		container.NewHBox(layout.NewSpacer(), d.close, d.start),
	)
	d.dlg = dialog.NewCustomWithoutButtons("Import mail", body, w)
	d.dlg.Resize(fyne.NewSize(620, 0))
	return d
}

// addPath adds a line to the list of paths.
func (d *importDialog) addPath(p string) {
	text := strings.TrimRight(d.paths.Text, "\n")
	if text != "" {
		text += "\n"
	}
	d.paths.SetText(text + p)
}

func (d *importDialog) chooseFile() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		d.addPath(r.URI().Path())
	}, d.win)
}

func (d *importDialog) chooseFolder() {
	dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			d.addPath(u.Path())
		}
	}, d.win)
}

// pathList is the paths typed or chosen, one a line.
func (d *importDialog) pathList() []string {
	var out []string
	for _, line := range strings.Split(d.paths.Text, "\n") {
		if p := strings.TrimSpace(line); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// run imports in the background. The App holds the archive; the import
// writes through it, between the scheduled runs' commits.
func (d *importDialog) run() {
	paths := d.pathList()
	if len(paths) == 0 {
		d.status.SetText("Add the files or folders to import first.")
		return
	}
	ctx, cancel := context.WithCancel(d.a.ctx)
	d.cancel = cancel
	d.start.Disable()
	d.addFile.Disable()
	d.addDir.Disable()
	d.paths.Disable()
	d.close.SetText("Cancel")
	d.progress.SetValue(0)
	d.progress.Show()
	d.status.SetText("Looking at the files…")
	s := d.a.store
	d.a.background(func(context.Context) {
		stats, err := s.Import(ctx, paths, func(p store.ImportProgress) {
			d.a.do(func() {
				if p.Total > 0 {
					d.progress.SetValue(float64(p.Bytes) / float64(p.Total))
				}
				d.status.SetText(fmt.Sprintf("Imported %s…", howMany(p.Messages, "message", "messages")))
			})
		})
		if ctx.Err() != nil && err != nil {
			err = fmt.Errorf("%w: %w", context.Canceled, err) // stopped, whatever the failure says
		}
		d.a.do(func() { d.finished(stats, err) })
	})
}

func (d *importDialog) finished(stats store.ImportStats, err error) {
	if stats.New > 0 {
		d.a.board.mailChanged() // open searches read their results again
	}
	d.cancel()
	d.cancel = nil
	d.close.SetText("Close")
	d.start.Enable()
	d.addFile.Enable()
	d.addDir.Enable()
	d.paths.Enable()
	switch {
	case errors.Is(err, context.Canceled):
		d.status.SetText(fmt.Sprintf("Stopped. The %s read before were kept; importing the same files again adds the rest.",
			howMany(stats.Read, "message", "messages")))
	case err != nil:
		d.status.SetText("The import stopped: " + err.Error())
	case stats.Read == 0:
		d.status.SetText("No mail was found there. Choose .eml files, mbox files or Maildir folders.")
	default:
		d.progress.SetValue(1)
		msg := fmt.Sprintf("Done: %s read, %d of them new. Search finds them under %q.",
			howMany(stats.Read, "message", "messages"), stats.New, importedLabel)
		if stats.Problems > 0 {
			msg += fmt.Sprintf(" %s could not be read completely; they were kept as they are.", howMany(stats.Problems, "message", "messages"))
		}
		d.status.SetText(msg)
	}
	if d.done != nil {
		d.done(stats, err)
	}
}
