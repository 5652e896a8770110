package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// showMain shows the main window, making it the first time, and brings it
// to the front.
func (a *App) showMain() {
	if a.main == nil {
		w := a.fyne.NewWindow("Mailkeep")
		newMailboxesView(a, w).place(fyne.NewSize(780, 600))
		w.SetCloseIntercept(a.closeMain)
		a.main = w
	}
	a.main.Show()
	a.main.RequestFocus()
}

// closeMain is what closing the main window does: it hides it, and
// Mailkeep goes on archiving from the tray. The first time, it says so.
func (a *App) closeMain() {
	prefs := a.fyne.Preferences()
	if prefs.Bool(prefTrayToldYou) {
		a.main.Hide()
		return
	}
	prefs.SetBool(prefTrayToldYou, true)
	d := dialog.NewInformation("Mailkeep keeps running",
		"Closing this window does not stop Mailkeep: it goes on archiving on schedule, "+
			"from its icon in the tray (next to the clock).\n\n"+
			"To open this window again, click the tray icon and choose Open Mailkeep, or start Mailkeep again. "+
			"To stop Mailkeep, choose Quit in the tray icon's menu.", a.main)
	d.SetOnClosed(a.main.Hide)
	d.Show()
}
