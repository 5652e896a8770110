package app

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
)

// The clouds as the form offers them.
var cloudChoices = []struct {
	label string
	cloud auth.Cloud
}{
	{"Worldwide (most organisations)", auth.CloudGlobal},
	{"US Government (GCC High, DoD)", auth.CloudUSGov},
	{"China (operated by 21Vianet)", auth.CloudChina},
}

// microsoftForm is the setup of Microsoft 365 mailboxes read with an Entra
// app registration: every mailbox listed becomes an account, and all of
// them share the app's one secret in the keyring.
type microsoftForm struct {
	tenant, clientID *widget.Entry
	secret           *widget.Entry // password entry with its reveal button
	secretWarning    *widget.Label // shown while the secret looks like a secret ID
	useCert          *widget.Check
	certFile         *widget.Entry
	certBrowse       *widget.Button
	certPassword     *widget.Entry
	cloud            *widget.Select
	expires          *widget.Entry
	mailboxes        *addressListEntry
	mailboxCount     *widget.Label

	// Advanced: where tests (and private endpoints) point it.
	advanced  *widget.Accordion
	protocol  *widget.Select
	host      *widget.Entry
	port      *widget.Entry
	authority *widget.Entry

	secretBox, certBox *fyne.Container
	editing            *archive.Account
	win                fyne.Window
	root               fyne.CanvasObject
}

func newMicrosoftForm(fa fyne.App, win fyne.Window) *microsoftForm {
	f := &microsoftForm{win: win}
	f.tenant = widget.NewEntry()
	f.tenant.SetPlaceHolder("contoso.onmicrosoft.com or the Directory (tenant) ID")
	f.clientID = widget.NewEntry()
	f.clientID.SetPlaceHolder("Application (client) ID, such as 0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00")
	f.secret = widget.NewPasswordEntry()
	f.secret.SetPlaceHolder("The secret's Value (not its Secret ID)")
	f.secretWarning = widget.NewLabel("This looks like the secret's ID (a GUID), not its value. In the Entra admin center open Certificates & secrets and copy the Value column instead — it is shown only right after the secret is created.")
	f.secretWarning.Wrapping = fyne.TextWrapWord
	f.secretWarning.Importance = widget.WarningImportance
	f.secretWarning.Hide()
	f.secret.OnChanged = func(string) { f.updateSecretWarning() }

	f.certFile = widget.NewEntry()
	f.certFile.SetPlaceHolder("/path/to/certificate.pfx or .pem")
	f.certBrowse = widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), f.chooseCert)
	f.certPassword = widget.NewPasswordEntry()
	f.certPassword.SetPlaceHolder("The certificate file's password, if it has one")
	f.useCert = widget.NewCheck("Use a certificate instead of a secret", func(bool) { f.updateCredential() })

	f.cloud = widget.NewSelect(cloudLabels(), func(string) { f.updateDefaults() })
	f.cloud.SetSelectedIndex(0)
	f.expires = widget.NewEntry()
	f.expires.SetPlaceHolder("YYYY-MM-DD (optional)")

	f.mailboxes = newAddressListEntry()
	f.mailboxes.SetPlaceHolder("sales@contoso.com\ninfo@contoso.com\n…")
	f.mailboxes.SetMinRowsVisible(4)
	f.mailboxCount = widget.NewLabel("")
	f.mailboxCount.Importance = widget.LowImportance
	f.mailboxes.OnChanged = func(string) { f.updateCount() }

	f.protocol = widget.NewSelect([]string{"IMAP", "POP3"}, func(string) { f.updateDefaults() })
	f.protocol.SetSelected("IMAP")
	f.host = widget.NewEntry()
	f.port = widget.NewEntry()
	f.authority = widget.NewEntry()
	f.updateDefaults()
	f.updateCount()
	f.build()
	f.updateCredential()
	return f
}

func cloudLabels() []string {
	var out []string
	for _, c := range cloudChoices {
		out = append(out, c.label)
	}
	return out
}

func (f *microsoftForm) title() string { return "Microsoft 365 / Exchange Online" }

func (f *microsoftForm) content() fyne.CanvasObject { return f.root }

func (f *microsoftForm) build() {
	secretHint := widget.NewLabel("Certificates & secrets: the Value of the client secret. It is kept in this computer's keyring, never in a file.")
	secretHint.SizeName = theme.SizeNameCaptionText
	secretHint.Importance = widget.LowImportance
	f.secretBox = container.NewVBox(f.secret, f.secretWarning, secretHint)
	f.certBox = container.NewVBox(
		container.NewBorder(nil, nil, nil, f.certBrowse, f.certFile),
		f.certPassword)
	credential := container.NewVBox(f.secretBox, f.certBox, f.useCert)

	form := widget.NewForm(
		&widget.FormItem{Text: "Tenant", Widget: f.tenant,
			HintText: "On the app's Overview page in the Entra admin center: Directory (tenant) ID."},
		&widget.FormItem{Text: "Client ID", Widget: f.clientID,
			HintText: "Same page: Application (client) ID."},
		&widget.FormItem{Text: "Client secret", Widget: credential},
		&widget.FormItem{Text: "Secret expires", Widget: f.expires,
			HintText: "The Entra admin center shows it next to the secret; Mailkeep reminds you two weeks ahead."},
		&widget.FormItem{Text: "Cloud", Widget: f.cloud},
		&widget.FormItem{Text: "Mailboxes", Widget: container.NewVBox(f.mailboxes, f.mailboxCount),
			HintText: "One address per line; shared mailboxes are fine. All of them use this app."},
	)

	advancedForm := widget.NewForm(
		&widget.FormItem{Text: "Protocol", Widget: f.protocol},
		&widget.FormItem{Text: "Server", Widget: f.host, HintText: "Exchange Online's own server unless you know better."},
		&widget.FormItem{Text: "Port", Widget: f.port},
		&widget.FormItem{Text: "Sign-in service", Widget: f.authority, HintText: "Only for private endpoints and tests."},
	)
	f.advanced = widget.NewAccordion(widget.NewAccordionItem("Advanced", advancedForm))

	note := widget.NewLabel("Good to know: Exchange Online's In-Place (Online) Archive mailbox cannot be reached over IMAP or POP — " +
		"Microsoft offers it to neither — so Mailkeep archives each mailbox itself, not mail moved to its online archive.")
	note.Wrapping = fyne.TextWrapWord

	f.root = container.NewVBox(form, f.advanced,
		container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.InfoIcon())), nil, note))
}

// chooseCert opens a file chooser for the certificate.
func (f *microsoftForm) chooseCert() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		f.certFile.SetText(r.URI().Path())
		r.Close()
	}, f.win)
	d.Show()
}

// updateSecretWarning shows the warning while the secret is GUID-shaped.
func (f *microsoftForm) updateSecretWarning() {
	advice := auth.CheckEntraConfig(auth.EntraConfig{Tenant: "contoso.com", Secret: f.secret.Text})
	guid := false
	for _, a := range advice {
		if a.Code == "AADSTS7000215" {
			guid = true
		}
	}
	if guid && !f.useCert.Checked {
		f.secretWarning.Show()
	} else {
		f.secretWarning.Hide()
	}
}

func (f *microsoftForm) updateCredential() {
	if f.useCert.Checked {
		f.secretBox.Hide()
		f.certBox.Show()
	} else {
		f.secretBox.Show()
		f.certBox.Hide()
	}
	f.updateSecretWarning()
}

func (f *microsoftForm) updateCount() {
	n := len(mailboxList(f.mailboxes.Text))
	switch n {
	case 0:
		f.mailboxCount.SetText("No mailbox yet.")
	case 1:
		f.mailboxCount.SetText("1 mailbox.")
	default:
		f.mailboxCount.SetText(fmt.Sprintf("%d mailboxes; each is archived on its own.", n))
	}
}

// selectedCloud is the cloud chosen.
func (f *microsoftForm) selectedCloud() auth.Cloud {
	i := f.cloud.SelectedIndex()
	if i < 0 {
		return auth.CloudGlobal
	}
	return cloudChoices[i].cloud
}

func (f *microsoftForm) selectedProtocol() archive.Protocol {
	if f.protocol.Selected == "POP3" {
		return archive.POP3
	}
	return archive.IMAP
}

// updateDefaults shows the cloud's server, port and sign-in service as the
// advanced fields' placeholders.
func (f *microsoftForm) updateDefaults() {
	if f.host == nil {
		return
	}
	info, _ := auth.CloudFor(f.selectedCloud())
	host := info.IMAPHost
	if f.selectedProtocol() == archive.POP3 {
		host = info.POPHost
	}
	f.host.SetPlaceHolder(host)
	f.port.SetPlaceHolder(strconv.Itoa(archive.DefaultPort(f.selectedProtocol(), archive.SecurityTLS)))
	f.authority.SetPlaceHolder(info.AuthorityHost)
}

// fill shows acct in the form, for editing; the secret stays empty.
func (f *microsoftForm) fill(acct archive.Account) {
	f.editing = &acct
	f.tenant.SetText(acct.Tenant)
	f.clientID.SetText(acct.ClientID)
	f.secret.SetPlaceHolder("Leave empty to keep the stored secret")
	f.certPassword.SetPlaceHolder("Leave empty to keep the stored password")
	if acct.CertFile != "" {
		f.useCert.SetChecked(true)
		f.certFile.SetText(acct.CertFile)
	}
	for i, c := range cloudChoices {
		if c.cloud == acct.Cloud || (acct.Cloud == "" && c.cloud == auth.CloudGlobal) {
			f.cloud.SetSelectedIndex(i)
		}
	}
	f.expires.SetText(acct.SecretExpires)
	f.mailboxes.SetText(acct.User)
	if acct.Protocol == archive.POP3 {
		f.protocol.SetSelected("POP3")
	}
	f.updateDefaults()
	info, _ := auth.CloudFor(acct.Cloud)
	if acct.Host != info.IMAPHost && acct.Host != info.POPHost {
		f.host.SetText(acct.Host)
	}
	if acct.Port != 0 {
		f.port.SetText(strconv.Itoa(acct.Port))
	}
	f.authority.SetText(acct.AuthorityHost)
	if f.host.Text != "" || f.port.Text != "" || f.authority.Text != "" || acct.Protocol == archive.POP3 {
		f.advanced.Open(0)
	}
}

// addressListEntry is a multi-line entry of mail addresses, one a line,
// where Tab moves on to the next field as everywhere else in the form (a
// tab character has no place in an address list).
type addressListEntry struct{ widget.Entry }

func newAddressListEntry() *addressListEntry {
	e := &addressListEntry{}
	e.MultiLine = true
	e.ExtendBaseWidget(e)
	return e
}

// AcceptsTab lets Tab move the focus on.
func (e *addressListEntry) AcceptsTab() bool { return false }

// draft is one account per mailbox listed.
func (f *microsoftForm) draft(every archive.Interval) (setupDraft, error) {
	tenant := strings.TrimSpace(f.tenant.Text)
	clientID := strings.TrimSpace(f.clientID.Text)
	d := setupDraft{}
	if f.useCert.Checked {
		d.certFile = strings.TrimSpace(f.certFile.Text)
		d.secret = f.certPassword.Text
		if d.certFile == "" {
			return d, formErrorf("Choose the certificate file (.pfx or .pem) the app registration uses, or untick “Use a certificate”.")
		}
	} else {
		d.secret = strings.TrimSpace(f.secret.Text)
	}
	switch {
	case tenant == "":
		return d, formErrorf("Enter the tenant: the Directory (tenant) ID from the app's Overview page in the Entra admin center, or your domain such as contoso.onmicrosoft.com.")
	case clientID == "":
		return d, formErrorf("Enter the client ID: the Application (client) ID from the app's Overview page in the Entra admin center.")
	}
	key := auth.EntraKey(tenant, clientID)
	ref := auth.SecretRef{Keyring: key}
	if f.editing != nil && d.secret == "" && (d.certFile == "" || d.certFile == f.editing.CertFile) {
		// An edit that leaves the secret empty keeps the stored one — as
		// long as it belongs to the same app.
		if f.editing.Secret.Keyring != "" && f.editing.Secret.Keyring != key {
			return d, formErrorf("The tenant or client ID changed, so the stored secret does not fit any more: enter the new app's client secret.")
		}
		d.keepSecret = true
		ref = f.editing.Secret
	}
	if !d.keepSecret && d.secret == "" && d.certFile == "" {
		return d, formErrorf("Enter the client secret: in the Entra admin center open the app, Certificates & secrets, and copy the Value of a client secret.")
	}
	mailboxes := mailboxList(f.mailboxes.Text)
	if len(mailboxes) == 0 {
		return d, formErrorf("Add at least one mailbox address, such as sales@contoso.com.")
	}
	for _, m := range mailboxes {
		if p := checkMailboxAddress(m); p != "" {
			return d, formErrorf(p)
		}
	}
	port := 0
	if p := strings.TrimSpace(f.port.Text); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return d, formErrorf("The port “" + p + "” is not a number from 1 to 65535: leave it empty for the usual one.")
		}
		port = n
	}
	protocol := f.selectedProtocol()
	cloud := f.selectedCloud()
	info, _ := auth.CloudFor(cloud)
	host := strings.TrimSpace(f.host.Text)
	if host == "" {
		host = info.IMAPHost
		if protocol == archive.POP3 {
			host = info.POPHost
		}
	}
	authority := strings.TrimRight(strings.TrimSpace(f.authority.Text), "/")
	if authority != "" && !strings.Contains(authority, "://") {
		authority = "https://" + authority
	}
	for i, m := range mailboxes {
		var acct archive.Account
		if f.editing != nil && i == 0 {
			acct = *f.editing // keeps its name, schedule and folders
		} else {
			acct = archive.Account{Every: every}
		}
		acct.Protocol, acct.Host, acct.Port, acct.Security = protocol, host, port, archive.SecurityTLS
		acct.AllowPlaintextPassword = false
		acct.User, acct.Auth = m, archive.AuthEntra
		acct.Tenant, acct.ClientID, acct.Cloud, acct.AuthorityHost = tenant, clientID, cloud, authority
		acct.Secret = ref
		acct.CertFile = d.certFile
		acct.SecretExpires = strings.TrimSpace(f.expires.Text)
		if protocol == archive.POP3 {
			acct.Folders, acct.Exclude = nil, nil
		} else {
			acct.DeleteAfterArchive = false
		}
		d.accounts = append(d.accounts, acct)
	}
	return d, nil
}

// powerShell is the Exchange Online PowerShell that grants the app the
// draft's mailboxes.
func (f *microsoftForm) powerShell(d setupDraft) string {
	if len(d.accounts) == 0 {
		return ""
	}
	first := d.accounts[0]
	var mailboxes []string
	for _, a := range d.accounts {
		mailboxes = append(mailboxes, a.User)
	}
	return auth.PowerShell(auth.PowerShellParams{Tenant: first.Tenant, ClientID: first.ClientID,
		Mailboxes: mailboxes, Protocols: []string{string(first.Protocol)}, Cloud: first.Cloud})
}
