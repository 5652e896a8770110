// Package app is what a person sees of Mailkeep: the guided setup and its
// doctor, the list of mailboxes with their jobs and live progress, the tray
// icon and its menu, desktop notifications, and the search window with its
// message viewer, export and import.
//
// It drives packages archive, store and auth and holds no archiving logic of
// its own: runs are archive's Scheduler, checks are archive.Check, advice is
// auth's. It uses Fyne's widgets but no Fyne driver: the caller hands New a
// fyne.App (the desktop driver in cmd/mailkeep, fyne.io/fyne/v2/test in the
// tests), so the package builds and tests without cgo.
//
// Engine work never runs on Fyne's goroutine. Events from the engine update
// the board (board.go), whose listeners repaint through App.do; every change
// of a window from background work goes through App.do, which is fyne.Do on
// the desktop and, in the tests, one goroutine of their own (Config.UI):
// Fyne's test driver would run each change on the goroutine that asks.
package app
