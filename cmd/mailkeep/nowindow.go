//go:build cgo

package main

import (
	"fmt"
	"os"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// unmadeWindow reports whether a window Mailkeep has shown could not be
// made, which happens when the graphics driver offers no OpenGL 2.1: a
// Windows virtual machine or Remote Desktop session without a graphics
// driver, an X server without GLX. Fyne then only logs "window creation
// error" and, when that happens before fyne.App.Run (Mailkeep shows its
// first window before), carries on: Mailkeep would sit in the tray, or
// nowhere, with no window and no word.
//
// Call it after showing a window and before Run: Mailkeep makes windows
// only to show them, so every window the app has by then was shown, and a
// shown window that was made has a native handle.
func unmadeWindow(fa fyne.App) bool {
	for _, w := range fa.Driver().AllWindows() {
		if nw, ok := w.(driver.NativeWindow); ok && !hasNativeHandle(nw) {
			return true
		}
	}
	return false
}

// hasNativeHandle reports whether w has a window of the operating system
// behind it (true for a platform it does not know).
func hasNativeHandle(w driver.NativeWindow) bool {
	made := true
	w.RunNative(func(ctx any) {
		switch c := ctx.(type) {
		case driver.WindowsWindowContext:
			made = c.HWND != 0
		case driver.X11WindowContext:
			made = c.WindowHandle != 0
		case driver.WaylandWindowContext:
			made = c.WaylandSurface != 0
		case driver.MacWindowContext:
			made = c.NSWindow != 0
		}
	})
	return made
}

// noWindowTitle and noWindowText tell a person why Mailkeep's window did
// not open, and what to do.
const noWindowTitle = "Mailkeep cannot open its window"

func noWindowText(goos string) string {
	const cli = "Until then, mailkeep-cli archives, searches and exports without a window (mailkeep-cli --help)."
	if goos == "windows" {
		return "Mailkeep cannot open its window: this computer's graphics driver offers no OpenGL (version 2.1 or newer), " +
			"which Mailkeep draws its window with. This happens in virtual machines and Remote Desktop sessions without a " +
			"graphics driver, and with Windows' basic display driver. Install the graphics card's driver from its maker " +
			"(in a virtual machine: the guest tools, with 3D acceleration turned on), then start Mailkeep again. " + cli
	}
	return "Mailkeep cannot open its window: the display offers no OpenGL (version 2.1 or newer; on X11 the GLX extension), " +
		"which Mailkeep draws its window with. Install the graphics driver (on Debian and Ubuntu: the package " +
		"libgl1-mesa-dri), or start Mailkeep on a desktop with OpenGL, then try again. " + cli
}

// tellNoWindow says why the window did not open: on standard error, and
// on Windows, where a program started from the Start menu has no console,
// in a message box too.
func tellNoWindow() {
	text := noWindowText(runtime.GOOS)
	fmt.Fprintln(os.Stderr, text)
	showMessageBox(noWindowTitle, text)
}
