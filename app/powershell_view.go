package app

import (
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// oauthHelpURL is Microsoft's page on app access to IMAP and POP.
const oauthHelpURL = "https://learn.microsoft.com/en-us/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth"

// powerShellView is the panel with the Exchange Online PowerShell that lets
// the app read the mailboxes, a button that copies it, and Microsoft's page
// on the subject.
type powerShellView struct {
	clipboard fyne.Clipboard
	script    string
	text      *widget.TextGrid
	copy      *widget.Button
	copied    *widget.Label
	link      *widget.Hyperlink
	accordion *widget.Accordion
	root      *fyne.Container
}

func newPowerShellView(fa fyne.App) *powerShellView {
	v := &powerShellView{clipboard: fa.Clipboard()}
	v.text = widget.NewTextGrid()
	v.copy = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), v.copyScript)
	v.copied = widget.NewLabel("")
	v.copied.Importance = widget.LowImportance
	u, _ := url.Parse(oauthHelpURL)
	v.link = widget.NewHyperlink("Microsoft: Authenticate an IMAP, POP or SMTP connection using OAuth", u)
	v.link.Wrapping = fyne.TextWrapWord
	explain := widget.NewLabel("An Exchange administrator runs these commands once in PowerShell: they let the app read exactly these mailboxes. Changes can take up to an hour to work.")
	explain.Wrapping = fyne.TextWrapWord
	scroll := container.NewScroll(v.text)
	scroll.SetMinSize(fyne.NewSize(0, 220))
	body := container.NewVBox(explain, container.NewHBox(v.copy, v.copied), scroll, v.link)
	v.accordion = widget.NewAccordion(widget.NewAccordionItem("PowerShell for the Exchange administrator", body))
	v.root = container.NewVBox(v.accordion)
	v.root.Hide()
	return v
}

func (v *powerShellView) content() fyne.CanvasObject { return v.root }

// set shows script; "" hides the panel.
func (v *powerShellView) set(script string) {
	v.script = script
	v.text.SetText(script)
	v.copied.SetText("")
	if script == "" {
		v.accordion.CloseAll()
		v.root.Hide()
		return
	}
	v.root.Show()
}

// open unfolds the panel.
func (v *powerShellView) open() { v.accordion.Open(0) }

func (v *powerShellView) copyScript() {
	v.clipboard.SetContent(v.script)
	v.copied.SetText("Copied: paste it into PowerShell.")
}
