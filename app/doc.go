// Package app is what a person sees of Mailkeep: the guided setup and its
// doctor, the list of mailboxes with their jobs and live progress, the tray
// icon and its menu, and desktop notifications.
//
// It drives packages archive, store and auth and holds no archiving logic of
// its own: runs are archive's Scheduler, checks are archive.Check, advice is
// auth's. It uses Fyne's widgets but no Fyne driver: the caller hands New a
// fyne.App (the desktop driver in cmd/mailkeep, fyne.io/fyne/v2/test in the
// tests), so the package builds and tests without cgo.
//
// Engine work never runs on Fyne's goroutine. Events from the engine update
// the board (board.go), whose listeners repaint through App.do.
package app
