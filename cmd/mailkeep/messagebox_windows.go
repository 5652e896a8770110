//go:build cgo

package main

import (
	"syscall"
	"unsafe"
)

// showMessageBox shows text in a Windows message box with an error icon
// and waits until it is closed. It needs no OpenGL, so it works where
// Mailkeep's own window cannot open.
func showMessageBox(title, text string) {
	t, err := syscall.UTF16PtrFromString(title)
	if err != nil {
		return
	}
	m, err := syscall.UTF16PtrFromString(text)
	if err != nil {
		return
	}
	const mbOK, mbIconError, mbSetForeground = 0x0, 0x10, 0x10000
	messageBox := syscall.NewLazyDLL("user32.dll").NewProc("MessageBoxW")
	messageBox.Call(0, uintptr(unsafe.Pointer(m)), uintptr(unsafe.Pointer(t)), mbOK|mbIconError|mbSetForeground)
}
