package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The banner shows a line per warning, with its mailboxes, and hides when
// there is none.
func TestExpiryBanner(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	w := test.NewWindow(nil)
	b := newExpiryBanner(&App{fyne: a}, w)
	warnings := []expiryWarning{
		{Key: "entra:t/c1", Tenant: "t", ClientID: "c1", Expires: "2026-12-05", Days: 6, Level: expirySoon, Mailboxes: []string{"sales"}},
		{Key: "entra:t/c2", Tenant: "t", ClientID: "c2", Expires: "2026-11-01", Days: -28, Level: expiryExpired, Mailboxes: []string{"info", "hr"}},
	}
	b.show(warnings)
	if !b.box.Visible() || len(b.box.Objects) != 2 {
		t.Fatalf("banner visible %v with %d lines, want 2 lines", b.box.Visible(), len(b.box.Objects))
	}
	for i, want := range []string{"expires in 6 days", "has expired"} {
		text := b.box.Objects[i].(*fyne.Container).Objects[0].(*widget.Label).Text
		if !strings.Contains(text, want) || !strings.Contains(text, warnings[i].Mailboxes[0]) {
			t.Errorf("line %d = %q, want it to say %q and name %s", i, text, want, warnings[i].Mailboxes[0])
		}
	}
	b.show(nil)
	if b.box.Visible() {
		t.Error("the banner is still shown without warnings")
	}
}
