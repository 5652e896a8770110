package apptest

import (
	"strings"
	"time"
)

// Window finds the window whose title contains name, waiting for it to
// appear, and returns its X id.
func (d *Desktop) Window(name string) string {
	d.t.Helper()
	var id string
	d.waitFor("a window named "+name, func() bool {
		out, err := d.Output("xdotool", "search", "--onlyvisible", "--name", name)
		if err != nil {
			return false
		}
		ids := strings.Fields(out)
		if len(ids) == 0 {
			return false
		}
		id = ids[len(ids)-1]
		return true
	})
	return id
}

// Focus gives window the keyboard (Xvfb has no window manager to ask).
func (d *Desktop) Focus(window string) {
	d.t.Helper()
	// A window just mapped may refuse the focus for a moment (BadMatch).
	d.waitFor("the focus on window "+window, func() bool {
		_, err := d.Output("xdotool", "windowfocus", "--sync", window)
		return err == nil
	})
	time.Sleep(200 * time.Millisecond) // let the toolkit see the focus change
}

// Type types text (ASCII: Xvfb's default keymap has no other letters)
// into the focused widget.
func (d *Desktop) Type(text string) {
	d.t.Helper()
	d.Run("xdotool", "type", "--delay", "20", "--", text)
}

// Key presses keys, such as "Tab", "space", "Return" or "ctrl+a".
func (d *Desktop) Key(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.Run("xdotool", "key", "--", k)
		time.Sleep(50 * time.Millisecond)
	}
}

// Tab presses Tab n times, moving the focus n widgets on.
func (d *Desktop) Tab(n int) {
	d.t.Helper()
	for range n {
		d.Key("Tab")
	}
}

// Screenshot saves window (or the whole screen when window is "root") as a
// PNG at path.
func (d *Desktop) Screenshot(window, path string) {
	d.t.Helper()
	d.Run("import", "-window", window, path)
}
