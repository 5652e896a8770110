package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// mainWindowSize is the main window's size when it first opens.
var mainWindowSize = fyne.NewSize(780, 700)

// mainWindow is the App's window, made the first time it is needed: the
// setup and the list of mailboxes take turns in it.
func (a *App) mainWindow() fyne.Window {
	if a.main == nil {
		a.main = a.fyne.NewWindow("Mailkeep")
		a.main.Resize(mainWindowSize)
		a.main.SetCloseIntercept(a.closeMain)
	}
	return a.main
}

// showMain shows the list of mailboxes in the main window and brings it to
// the front.
func (a *App) showMain() {
	w := a.mainWindow()
	if a.mailboxes == nil {
		a.mailboxes = newMailboxesView(a, w)
	}
	a.mailboxes.place()
	w.SetTitle("Mailkeep")
	w.Show()
	w.RequestFocus()
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
