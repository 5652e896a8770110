package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// setupChoice is the setup's first screen: Microsoft 365, another server,
// or the demo mailbox.
type setupChoice struct {
	microsoft, server, demo *widget.Button
}

func newSetupChoice(microsoft, server, demo func()) *setupChoice {
	c := &setupChoice{
		microsoft: widget.NewButtonWithIcon("Microsoft 365 / Exchange Online (app access)", theme.AccountIcon(), microsoft),
		server:    widget.NewButtonWithIcon("Another IMAP or POP3 server", theme.MailComposeIcon(), server),
		demo:      widget.NewButtonWithIcon("Try with a demo mailbox", theme.MediaPlayIcon(), demo),
	}
	c.microsoft.Importance = widget.HighImportance
	for _, b := range []*widget.Button{c.microsoft, c.server, c.demo} {
		b.Alignment = widget.ButtonAlignLeading
	}
	return c
}

func (c *setupChoice) content() fyne.CanvasObject {
	explain := func(text string) *widget.Label {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	title := widget.NewLabelWithStyle("Welcome to Mailkeep", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	return container.NewPadded(container.NewVBox(
		title,
		explain("Mailkeep keeps a copy of every message of your mailboxes in one archive file on this computer. Which mailboxes shall it archive?"),
		widget.NewSeparator(),
		c.microsoft,
		explain("Shared or personal mailboxes of your organisation, read with an app registered in Microsoft Entra ID (client ID and secret). One app can archive many mailboxes."),
		c.server,
		explain("Any mail server with a user name and password: your provider's, or your own."),
		widget.NewSeparator(),
		c.demo,
		explain("No account needed: a made-up mailbox on this computer, archived into a separate demo file, to see how Mailkeep works."),
	))
}
