package app

// showMain shows the main window. (Stub: the mailboxes screen replaces this file.)
func (a *App) showMain() {}
