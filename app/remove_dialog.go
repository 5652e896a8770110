package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

// The two answers of the Remove dialog.
const (
	removeKeepMail = "Keep its archived mail: it stays searchable in the archive."
	removeDropMail = "Delete its archived mail from the archive too (mail also archived from another mailbox stays)."
)

// removeDialog asks whether to remove a mailbox, and whether its archived
// mail goes with it.
type removeDialog struct {
	dialog *dialog.CustomDialog
	choice *widget.RadioGroup
	remove *widget.Button
	cancel *widget.Button
}

// confirmRemove asks, then removes the mailbox called name.
func (v *mailboxesView) confirmRemove(name string) {
	if m, ok := v.a.board.get(name); ok && m.Running {
		v.showProblem("“"+name+"” is being archived right now", fmt.Errorf("wait until the run has finished, then remove it"))
		return
	}
	v.removing = v.newRemoveDialog(name)
	v.removing.dialog.Show()
}

func (v *mailboxesView) newRemoveDialog(name string) *removeDialog {
	r := &removeDialog{}
	intro := widget.NewLabel(fmt.Sprintf("Mailkeep will stop archiving “%s” and forget its settings. "+
		"Nothing changes in the mailbox on the server.", name))
	intro.Wrapping = fyne.TextWrapWord
	if c, ok := v.counts[name]; ok && c.Messages > 0 {
		intro.SetText(intro.Text + fmt.Sprintf(" The archive holds %s from it.", messagesText(c.Messages, c.Bytes)))
	}
	r.choice = widget.NewRadioGroup([]string{removeKeepMail, removeDropMail}, nil)
	r.choice.SetSelected(removeKeepMail)
	r.choice.Required = true
	r.cancel = widget.NewButton("Cancel", func() { r.dialog.Hide() })
	r.remove = widget.NewButton("Remove", func() {
		drop := r.choice.Selected == removeDropMail
		r.dialog.Hide()
		v.removeMailbox(name, drop)
	})
	r.remove.Importance = widget.DangerImportance
	r.dialog = dialog.NewCustomWithoutButtons("Remove “"+name+"”?", container.NewVBox(intro, r.choice), v.w)
	r.dialog.SetButtons([]fyne.CanvasObject{r.cancel, r.remove})
	r.dialog.Resize(fyne.NewSize(520, 260))
	return r
}

// removeMailbox removes the mailbox, dropping its archived mail if asked,
// and says what was done.
func (v *mailboxesView) removeMailbox(name string, dropMail bool) {
	v.a.background(func(ctx context.Context) {
		rep, err := v.a.removeMailbox(ctx, name, dropMail)
		if err != nil {
			v.a.do(func() { v.showProblem("Mailkeep could not remove “"+name+"”", err) })
			return
		}
		v.loadCounts()
		if !dropMail {
			return
		}
		msg := fmt.Sprintf("“%s” was removed and %s deleted from the archive.", name, messagesText(rep.Messages, rep.Bytes))
		if rep.Kept > 0 {
			msg += fmt.Sprintf(" %s stay, because another mailbox has them too.", plural(rep.Kept, "message"))
		}
		v.a.do(func() { dialog.ShowInformation("Mailbox removed", msg, v.w) })
	})
}

// removeMailbox forgets the mailbox called name: its settings and sync
// state, and with dropMail also every message only it held. Its secret stays
// in the keyring (other mailboxes may use the same app or password).
func (a *App) removeMailbox(ctx context.Context, name string, dropMail bool) (store.ForgetReport, error) {
	var rep store.ForgetReport
	var err error
	if dropMail {
		rep, err = a.store.ForgetAccount(ctx, name)
	} else {
		err = archive.RemoveAccount(ctx, a.store, name)
	}
	if err != nil {
		return rep, err
	}
	a.sched.Reload()
	if dropMail {
		a.board.mailChanged() // open searches drop the messages that went
	}
	return rep, a.board.load(ctx, a.store)
}
