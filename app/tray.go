package app

// startTray puts Mailkeep in the system tray. (Stub: the tray replaces this file.)
func (a *App) startTray() {}
