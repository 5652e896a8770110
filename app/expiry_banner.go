package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// expiryBanner is the main window's line for each client secret that
// expires within two weeks (or has), with a button that replaces it once
// for every mailbox of that app.
type expiryBanner struct {
	a     *App
	w     fyne.Window
	box   *fyne.Container
	shown []expiryWarning
}

func newExpiryBanner(a *App, w fyne.Window) *expiryBanner {
	b := &expiryBanner{a: a, w: w, box: container.NewVBox()}
	b.box.Hide()
	return b
}

// show paints warnings, when they differ from what is shown.
func (b *expiryBanner) show(warnings []expiryWarning) {
	if slices.EqualFunc(warnings, b.shown, func(x, y expiryWarning) bool {
		return x.Key == y.Key && x.Level == y.Level && x.Days == y.Days && slices.Equal(x.Mailboxes, y.Mailboxes)
	}) {
		return
	}
	b.shown = warnings
	b.box.Objects = nil
	for _, warning := range warnings {
		text := widget.NewLabel(warning.Title() + " (" + warning.Who() + ", on " + warning.Expires + ").")
		text.Wrapping = fyne.TextWrapWord
		text.Importance = widget.WarningImportance
		if warning.Level == expiryExpired {
			text.Importance = widget.DangerImportance
		}
		replace := widget.NewButtonWithIcon("Replace the secret…", theme.WarningIcon(), func() {
			b.a.showReplaceSecret(b.w, warning)
		})
		steps := widget.NewButton("How?", func() { b.a.showExpiry(warning) })
		b.box.Add(container.NewBorder(nil, nil, nil, container.NewHBox(steps, replace), text))
	}
	if len(warnings) == 0 {
		b.box.Hide()
	} else {
		b.box.Show()
	}
	b.box.Refresh()
}
