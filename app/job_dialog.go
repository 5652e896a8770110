package app

import (
	"context"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// jobDialog is what the export and import dialogs share: a long job shown
// with a progress bar and a status line, which the dialog's Close button
// stops while it runs.
type jobDialog struct {
	progress *widget.ProgressBar
	status   *widget.Label
	dlg      dialog.Dialog

	cancel context.CancelFunc // of the job running; nil when none is
}

// closeOrCancel stops a running job, or closes the dialog.
func (d *jobDialog) closeOrCancel() {
	if d.cancel != nil {
		d.cancel()
		d.status.SetText("Stopping…")
		return
	}
	d.dlg.Hide()
}
