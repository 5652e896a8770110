package app

// showSetup shows the guided setup. (Stub: the setup screens replace this file.)
func (a *App) showSetup() {}
