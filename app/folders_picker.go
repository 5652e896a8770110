package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

// folderPicker lets a person choose which folders of a mailbox are archived,
// from the folders its server lists.
type folderPicker struct {
	name    string
	dialog  *dialog.CustomDialog
	body    *fyne.Container // "asking the server…", then the checkboxes or the problem
	save    *widget.Button
	folders []archive.FolderInfo
	checks  []*widget.Check // one per folder, in the server's order
	newToo  *widget.Check   // also archive folders created later
	cancel  context.CancelFunc
	closed  bool
}

// roleWords say what a special folder is for, next to its name.
var roleWords = map[string]string{
	"sent": "sent mail", "drafts": "drafts", "trash": "deleted items", "junk": "junk mail",
	"archive": "archive", "all": "all mail", "flagged": "flagged mail",
}

// pickFolders asks the server for the mailbox's folders and shows them with
// a checkbox each.
func (v *mailboxesView) pickFolders(name string) {
	p := &folderPicker{name: name}
	waiting := widget.NewProgressBarInfinite()
	p.body = container.NewVBox(widget.NewLabel("Asking the server for the folders of “"+name+"”…"), waiting)
	p.save = widget.NewButton("Save", func() { v.saveFolders(p) })
	p.save.Importance = widget.HighImportance
	p.save.Disable()
	cancel := widget.NewButton("Cancel", func() { p.close() })
	p.dialog = dialog.NewCustomWithoutButtons("Folders to archive", container.NewVScroll(p.body), v.w)
	p.dialog.SetButtons([]fyne.CanvasObject{cancel, p.save})
	p.dialog.Resize(fyne.NewSize(520, 480))
	v.picker = p

	ctx, stop := context.WithCancel(v.a.ctx)
	p.cancel = stop
	p.dialog.Show()
	v.a.background(func(context.Context) {
		acct, err := archive.LoadAccount(ctx, v.a.store, name)
		var folders []archive.FolderInfo
		if err == nil {
			opt := v.a.runOptions()
			opt.Progress = nil
			folders, err = archive.Folders(ctx, acct, opt)
		}
		v.a.do(func() {
			waiting.Stop()
			if ctx.Err() != nil {
				return // closed meanwhile
			}
			if err != nil {
				msg := widget.NewLabel("Mailkeep could not get the list of folders: " + problemLine(err))
				msg.Wrapping = fyne.TextWrapWord
				msg.Importance = widget.DangerImportance
				p.body.Objects = []fyne.CanvasObject{msg}
				p.body.Refresh()
				return
			}
			p.fill(folders, len(acct.Folders) == 0)
		})
	})
}

// fill shows a checkbox for each folder, ticked when the mailbox's settings
// archive it now.
func (p *folderPicker) fill(folders []archive.FolderInfo, newToo bool) {
	folders = slices.Clone(folders)
	slices.SortStableFunc(folders, func(a, b archive.FolderInfo) int {
		if ai, bi := strings.EqualFold(a.Name, "INBOX"), strings.EqualFold(b.Name, "INBOX"); ai != bi {
			if ai {
				return -1
			}
			return 1
		}
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	p.folders = folders
	intro := widget.NewLabel("Tick the folders Mailkeep archives. Untick a folder to leave it out; " +
		"what is already in the archive stays.")
	intro.Wrapping = fyne.TextWrapWord
	objects := []fyne.CanvasObject{intro}
	p.checks = nil
	for _, f := range folders {
		label := f.Name
		if w := roleWords[f.Role]; w != "" {
			label = fmt.Sprintf("%s (%s)", f.Name, w)
		}
		if slices.ContainsFunc(archive.DefaultExclude, func(g string) bool { return store.MatchName(g, f.Name) }) {
			label = fmt.Sprintf("%s (Microsoft 365 keeps copies of attachments here, not mail)", f.Name)
		}
		c := widget.NewCheck(label, nil)
		c.SetChecked(f.Included)
		p.checks = append(p.checks, c)
		objects = append(objects, c)
	}
	p.newToo = widget.NewCheck("Also archive folders created later", nil)
	p.newToo.SetChecked(newToo)
	objects = append(objects, widget.NewSeparator(), p.newToo)
	p.body.Objects = objects
	p.body.Refresh()
	p.save.Enable()
}

func (p *folderPicker) close() {
	p.closed = true
	p.cancel()
	p.dialog.Hide()
}

// folderChoice turns the ticks into an account's Folders and Exclude: with
// newToo, every folder but the unticked ones (new folders are archived too);
// else exactly the ticked ones. The settings hold patterns: each name is
// quoted, so that a folder called "Old*" stands for itself alone.
func folderChoice(folders []archive.FolderInfo, ticked []bool, newToo bool) (include, exclude []string) {
	exclude = []string{} // not nil: nil would mean DefaultExclude
	for i, f := range folders {
		switch {
		case newToo && !ticked[i]:
			exclude = append(exclude, store.QuoteName(f.Name))
		case !newToo && ticked[i]:
			include = append(include, store.QuoteName(f.Name))
		}
	}
	return include, exclude
}

// saveFolders stores the choice in the mailbox's settings.
func (v *mailboxesView) saveFolders(p *folderPicker) {
	ticked := make([]bool, len(p.checks))
	anyTicked := false
	for i, c := range p.checks {
		ticked[i] = c.Checked
		anyTicked = anyTicked || c.Checked
	}
	if !anyTicked {
		v.showProblem("No folder is ticked", fmt.Errorf("tick at least one folder to archive, or pause the mailbox instead"))
		return
	}
	include, exclude := folderChoice(p.folders, ticked, p.newToo.Checked)
	p.save.Disable()
	v.a.background(func(ctx context.Context) {
		err := v.a.setFolders(ctx, p.name, include, exclude)
		v.a.do(func() {
			if err != nil {
				p.save.Enable()
				v.showProblem("Mailkeep could not save the folders", err)
				return
			}
			p.close()
		})
	})
}

// setFolders changes which folders the mailbox called name archives.
func (a *App) setFolders(ctx context.Context, name string, include, exclude []string) error {
	acct, err := archive.LoadAccount(ctx, a.store, name)
	if err != nil {
		return err
	}
	acct.Folders, acct.Exclude = include, exclude
	if err := archive.SaveAccount(ctx, a.store, acct); err != nil {
		return err
	}
	a.sched.Reload()
	return a.board.load(ctx, a.store)
}
