//go:build cgo && !windows

package main

// showMessageBox does nothing outside Windows: there the message goes to
// standard error only, which desktops keep in the session's log (the
// systemd journal); Mailkeep has no dialog that works without OpenGL.
func showMessageBox(title, text string) {}
