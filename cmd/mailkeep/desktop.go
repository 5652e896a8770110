//go:build cgo

package main

import "runtime"

// noDesktop says why the window cannot open here, or "" when it can. On
// Linux and the BSDs a window needs an X11 or Wayland session (without one
// the graphics library panics).
func noDesktop(getenv func(string) string) string {
	switch runtime.GOOS {
	case "windows", "darwin":
		return ""
	}
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return "Mailkeep's window needs a desktop session; on a server use mailkeep-cli " +
			"(for example: mailkeep-cli account add, mailkeep-cli daemon, or mailkeep-cli demo to try it)"
	}
	return ""
}
