package app

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
)

// The connection securities as the form offers them.
var securityChoices = []struct {
	label    string
	security archive.Security
}{
	{"TLS (recommended)", archive.SecurityTLS},
	{"STARTTLS", archive.SecurityStartTLS},
	{"None — unencrypted", archive.SecurityNone},
}

// serverForm is the setup of one mailbox on any IMAP or POP3 server,
// signing in with a password.
type serverForm struct {
	protocol      *widget.RadioGroup // "IMAP", "POP3"
	host, port    *widget.Entry
	security      *widget.Select
	allowPlain    *widget.Check
	plainWarning  *widget.Label
	user          *widget.Entry
	password      *widget.Entry
	deleteAfter   *widget.Check
	deleteWarning *widget.Label

	plainBox, deleteBox *fyne.Container
	editing             *archive.Account
	root                fyne.CanvasObject
}

func newServerForm() *serverForm {
	f := &serverForm{}
	f.protocol = widget.NewRadioGroup([]string{"IMAP", "POP3"}, func(string) { f.update() })
	f.protocol.Horizontal = true
	f.protocol.Required = true
	f.protocol.SetSelected("IMAP")
	f.host = widget.NewEntry()
	f.host.SetPlaceHolder("imap.example.com")
	f.port = widget.NewEntry()
	var labels []string
	for _, c := range securityChoices {
		labels = append(labels, c.label)
	}
	f.security = widget.NewSelect(labels, func(string) { f.update() })
	f.allowPlain = widget.NewCheck("Send the password unencrypted anyway (trusted network only)", nil)
	f.plainWarning = widget.NewLabel("Without encryption the password and every message cross the network readable by anyone on the way. Use this only on a network you trust, such as a server in the same room.")
	f.plainWarning.Wrapping = fyne.TextWrapWord
	f.plainWarning.Importance = widget.WarningImportance
	f.user = widget.NewEntry()
	f.user.SetPlaceHolder("you@example.com")
	f.password = widget.NewPasswordEntry()
	f.password.SetPlaceHolder("The mailbox's password (or an app password)")
	f.deleteAfter = widget.NewCheck("Delete each message from the server after archiving it", nil)
	f.deleteWarning = widget.NewLabel("Mailkeep deletes a message on the server only once it is safely in the archive — but then it is gone from the server for every other program reading this mailbox too. Leave this off unless the server's space runs out.")
	f.deleteWarning.Wrapping = fyne.TextWrapWord
	f.deleteWarning.Importance = widget.WarningImportance

	f.plainBox = container.NewVBox(f.allowPlain, f.plainWarning)
	f.deleteBox = container.NewVBox(f.deleteAfter, f.deleteWarning)
	f.security.SetSelectedIndex(0)
	form := widget.NewForm(
		&widget.FormItem{Text: "Protocol", Widget: f.protocol,
			HintText: "IMAP archives every folder; POP3 only the inbox."},
		&widget.FormItem{Text: "Server", Widget: f.host, HintText: "Your provider's incoming mail server."},
		&widget.FormItem{Text: "Security", Widget: container.NewVBox(f.security, f.plainBox)},
		&widget.FormItem{Text: "Port", Widget: f.port, HintText: "Leave empty for the usual port."},
		&widget.FormItem{Text: "User", Widget: f.user, HintText: "Usually the full mail address."},
		&widget.FormItem{Text: "Password", Widget: f.password,
			HintText: "Kept in this computer's keyring, never in a file."},
	)
	f.root = container.NewVBox(form, f.deleteBox)
	f.update()
	return f
}

func (f *serverForm) title() string { return "Another IMAP or POP3 server" }

func (f *serverForm) content() fyne.CanvasObject { return f.root }

func (f *serverForm) selectedProtocol() archive.Protocol {
	if f.protocol.Selected == "POP3" {
		return archive.POP3
	}
	return archive.IMAP
}

func (f *serverForm) selectedSecurity() archive.Security {
	i := f.security.SelectedIndex()
	if i < 0 {
		return archive.SecurityTLS
	}
	return securityChoices[i].security
}

// update shows what depends on the protocol and the security: the usual
// port, the unencrypted warning, the POP3 delete option.
func (f *serverForm) update() {
	if f.plainBox == nil {
		return
	}
	f.port.SetPlaceHolder(strconv.Itoa(archive.DefaultPort(f.selectedProtocol(), f.selectedSecurity())))
	if f.selectedSecurity() == archive.SecurityNone {
		f.plainBox.Show()
	} else {
		f.plainBox.Hide()
		f.allowPlain.SetChecked(false)
	}
	if f.selectedProtocol() == archive.POP3 {
		f.deleteBox.Show()
	} else {
		f.deleteBox.Hide()
		f.deleteAfter.SetChecked(false)
	}
}

// fill shows acct in the form, for editing; the password stays empty.
func (f *serverForm) fill(acct archive.Account) {
	f.editing = &acct
	if acct.Protocol == archive.POP3 {
		f.protocol.SetSelected("POP3")
	}
	for i, c := range securityChoices {
		if c.security == acct.Security {
			f.security.SetSelectedIndex(i)
		}
	}
	f.host.SetText(acct.Host)
	if acct.Port != 0 {
		f.port.SetText(strconv.Itoa(acct.Port))
	}
	f.allowPlain.SetChecked(acct.AllowPlaintextPassword)
	f.user.SetText(acct.User)
	f.password.SetPlaceHolder("Leave empty to keep the stored password")
	f.deleteAfter.SetChecked(acct.DeleteAfterArchive)
	f.update()
}

// draft is the one account the form describes.
func (f *serverForm) draft(every archive.Interval) (setupDraft, error) {
	d := setupDraft{secret: f.password.Text}
	host := strings.TrimSpace(f.host.Text)
	user := strings.TrimSpace(f.user.Text)
	switch {
	case host == "":
		return d, formErrorf("Enter the mail server, such as imap.example.com (your provider's help pages name it).")
	case user == "":
		return d, formErrorf("Enter the user name, usually the full mail address.")
	case f.selectedSecurity() == archive.SecurityNone && !f.allowPlain.Checked:
		return d, formErrorf("Without encryption the password crosses the network readable by anyone: choose TLS or STARTTLS, or tick “Send the password unencrypted anyway” if this is a network you trust.")
	}
	port := 0
	if p := strings.TrimSpace(f.port.Text); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return d, formErrorf("The port “" + p + "” is not a number from 1 to 65535: leave it empty for the usual one.")
		}
		port = n
	}
	var acct archive.Account
	if f.editing != nil {
		acct = *f.editing // keeps its name, schedule and folders
	} else {
		acct = archive.Account{Every: every}
	}
	acct.Protocol, acct.Host, acct.Port, acct.Security = f.selectedProtocol(), host, port, f.selectedSecurity()
	acct.AllowPlaintextPassword = acct.Security == archive.SecurityNone && f.allowPlain.Checked
	acct.User, acct.Auth = user, archive.AuthPassword
	acct.Tenant, acct.ClientID, acct.Cloud, acct.AuthorityHost, acct.CertFile, acct.SecretExpires = "", "", "", "", "", ""
	acct.DeleteAfterArchive = acct.Protocol == archive.POP3 && f.deleteAfter.Checked
	if acct.Protocol == archive.POP3 {
		acct.Folders, acct.Exclude = nil, nil
	}
	key := auth.PasswordKey(user, host)
	acct.Secret = auth.SecretRef{Keyring: key}
	if f.editing != nil && d.secret == "" {
		if f.editing.Secret.Keyring != "" && f.editing.Secret.Keyring != key {
			return d, formErrorf("The server or user changed, so the stored password does not fit any more: enter the password.")
		}
		d.keepSecret = true
		acct.Secret = f.editing.Secret
	}
	if !d.keepSecret && d.secret == "" {
		return d, formErrorf("Enter the mailbox's password.")
	}
	d.accounts = []archive.Account{acct}
	return d, nil
}

func (f *serverForm) powerShell(setupDraft) string { return "" }
