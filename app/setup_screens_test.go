package app

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
)

// screenshotDir is where TestSetupScreens leaves its PNGs: a temporary
// folder, or MAILKEEP_SCREENSHOTS when set (to look at them).
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("MAILKEEP_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// capture renders the window's content (all of it: the scroll's content
// unscrolled) and saves it as name.png.
func capture(t *testing.T, dir, name string, content fyne.CanvasObject, width float32) image.Image {
	t.Helper()
	w := test.NewWindow(content)
	defer w.Close()
	// Wrapped labels know their height only once laid out at their
	// width: lay out, measure again, and size the window to that.
	for range 3 {
		size := content.MinSize()
		if size.Width < width {
			size.Width = width
		}
		w.Resize(size)
	}
	img := w.Canvas().Capture()
	if err := writePNG(filepath.Join(dir, name+".png"), img); err != nil {
		t.Fatal(err)
	}
	return img
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// TestSetupScreens renders each screen of the setup once. The images are
// for people to look at; the test checks only that each screen lays out
// to a sensible size (a broken layout collapses or explodes).
func TestSetupScreens(t *testing.T) {
	dir := screenshotDir(t)
	a := newTestApp(t, Config{})

	shots := map[string]fyne.CanvasObject{"setup-choice": newSetupChoice(func() {}, func() {}, func() {}).content()}

	ms := newMicrosoftForm(a.fyne, test.NewWindow(nil))
	ms.tenant.SetText("contoso.onmicrosoft.com")
	ms.clientID.SetText("0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00")
	ms.secret.SetText("6c2a1e3f-0d4b-4a5c-8e9f-1a2b3c4d5e6f") // a secret ID: the warning shows
	ms.mailboxes.SetText("sales@contoso.com\ninfo@contoso.com\nsupport@contoso.com")
	ms.advanced.Open(0)
	shots["setup-microsoft"] = ms.content()

	srv := newServerForm()
	srv.protocol.SetSelected("POP3")
	srv.security.SetSelectedIndex(2)
	srv.host.SetText("mail.example.com")
	srv.user.SetText("alice@example.com")
	shots["setup-server"] = srv.content()

	// The doctor's view of a failed and a passed mailbox, with the
	// PowerShell panel open.
	v := newDoctorView(a, func(f func()) { f() })
	d := setupDraft{accounts: []archive.Account{
		{User: "sales@contoso.com", Protocol: archive.IMAP, Auth: archive.AuthEntra},
		{User: "info@contoso.com", Protocol: archive.IMAP, Auth: archive.AuthEntra},
	}}
	for _, acct := range d.accounts {
		c := newMailboxCheck(acct, d.checkAccount(acct, a.cfg).Steps())
		v.addCheck(c)
	}
	all := []auth.Step{auth.StepSecret, auth.StepToken, auth.StepClaims, auth.StepConnect, auth.StepSignIn, auth.StepList}
	var good, bad []auth.Advice
	for _, st := range all {
		good = append(good, auth.Advice{Step: st, OK: true})
		switch st {
		case auth.StepSignIn:
			bad = append(bad, auth.Advice{Step: st, Problem: "The mail server refused the app's token.",
				Fix: "Grant the mailbox with Add-MailboxPermission (the commands are below).", Code: "AUTHENTICATIONFAILED"})
		case auth.StepList:
			bad = append(bad, auth.Advice{Step: st, Code: archive.NotRun})
		default:
			bad = append(bad, auth.Advice{Step: st, OK: true})
		}
	}
	v.checks[0].show(bad)
	v.checks[1].show(good)
	v.finish(auth.PowerShell(auth.PowerShellParams{Tenant: "contoso.onmicrosoft.com", ClientID: "0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00",
		Mailboxes: []string{"sales@contoso.com", "info@contoso.com"}, Protocols: []string{"imap"}}))
	shots["setup-doctor"] = v.content()

	// The whole window: the form, its doctor and the buttons.
	s := openTestSetup(t, a)
	s.showMicrosoft()
	s.win.Resize(fyne.NewSize(760, 720))
	if err := writePNG(filepath.Join(dir, "setup-window.png"), s.win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}

	for name, content := range shots {
		img := capture(t, dir, name, content, 720)
		b := img.Bounds()
		if b.Dx() < 300 || b.Dy() < 150 || b.Dy() > 4000 {
			t.Errorf("%s renders %dx%d", name, b.Dx(), b.Dy())
		}
	}
	t.Logf("screenshots in %s", dir)
}
