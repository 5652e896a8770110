package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
)

// expiryAhead is how long before a client secret expires Mailkeep starts
// warning.
const expiryAhead = 14 * 24 * time.Hour

// expiryLevel is how urgent a secret's expiry is.
type expiryLevel int

const (
	expirySoon    expiryLevel = iota + 1 // within two weeks
	expiryToday                          // expires today
	expiryExpired                        // expired: runs fail until it is replaced
)

// expiryWarning is one app registration whose client secret expires soon
// (or has), with the mailboxes that use it.
type expiryWarning struct {
	Key       string // auth.EntraKey(Tenant, ClientID): where the secret is kept
	Tenant    string
	ClientID  string
	Expires   string // YYYY-MM-DD, as Account.SecretExpires
	Days      int    // days left; 0: today; below 0: expired that many days ago
	Level     expiryLevel
	Mailboxes []string // account names, sorted
}

// Title is the warning in a few words, for a menu line or a notification.
func (w expiryWarning) Title() string {
	switch w.Level {
	case expiryExpired:
		return "The client secret has expired"
	case expiryToday:
		return "The client secret expires today"
	case expirySoon:
		if w.Days == 1 {
			return "The client secret expires tomorrow"
		}
		return fmt.Sprintf("The client secret expires in %d days", w.Days)
	}
	return ""
}

// MenuLine is the warning as a line of the tray menu: which mailboxes, and
// that choosing it helps.
func (w expiryWarning) MenuLine() string {
	return w.Title() + " (" + w.Who() + "): replace it…"
}

// Who names the mailboxes that use the secret, the first two and how many
// more.
func (w expiryWarning) Who() string {
	if len(w.Mailboxes) > 2 {
		return fmt.Sprintf("%s, %s and %d more", w.Mailboxes[0], w.Mailboxes[1], len(w.Mailboxes)-2)
	}
	return strings.Join(w.Mailboxes, ", ")
}

// Message says which mailboxes are affected and what to do.
func (w expiryWarning) Message() string {
	who := fmt.Sprintf("%d mailboxes use it", len(w.Mailboxes))
	if len(w.Mailboxes) == 1 {
		who = "the mailbox " + w.Mailboxes[0] + " uses it"
	}
	when := "on " + w.Expires
	if w.Level == expiryExpired {
		when = "since " + w.Expires + ": archiving stops until it is replaced"
	}
	return fmt.Sprintf("The app %s (tenant %s) signs in with a client secret that expires %s; %s. "+
		"Make a new secret in the Microsoft Entra admin center and paste it into Mailkeep once.",
		w.ClientID, w.Tenant, when, who)
}

// Steps are how to make a new secret and give it to Mailkeep.
func (w expiryWarning) Steps() string {
	return strings.Join([]string{
		"1. Open the Microsoft Entra admin center (entra.microsoft.com) and sign in as an administrator.",
		"2. Go to Applications, App registrations, All applications, and open the app with the client ID " + w.ClientID + ".",
		"3. Open Certificates & secrets, choose New client secret, pick how long it lasts (at most 24 months) and choose Add.",
		"4. Copy the new secret's Value right away (it is shown only once), not its Secret ID, and note its expiry date.",
		"5. In Mailkeep choose Replace the secret, paste the value and enter the date. Every mailbox that uses this app gets it.",
		"6. After the next run succeeds, delete the old secret in the admin center.",
	}, "\n")
}

// expiryWarnings are the app registrations whose client secret expires
// within two weeks, today, or has expired, by the clock a.cfg.Now, most
// urgent first. The tray and the main window show them.
func (a *App) expiryWarnings() []expiryWarning {
	accounts := make([]archive.Account, 0)
	for _, m := range a.board.snapshot() {
		accounts = append(accounts, m.Account)
	}
	return expiryWarningsAt(accounts, a.cfg.Now())
}

// expiryWarningsAt is expiryWarnings for accounts at now. Days are counted
// in now's time zone: a secret that expires on the 31st expires "today"
// all of that day.
func expiryWarningsAt(accounts []archive.Account, now time.Time) []expiryWarning {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	byKey := map[string]*expiryWarning{}
	for _, acct := range accounts {
		if acct.Auth != archive.AuthEntra || acct.SecretExpires == "" {
			continue
		}
		day, err := time.ParseInLocation(time.DateOnly, acct.SecretExpires, now.Location())
		if err != nil {
			continue // Validate refuses such dates; one that slipped through warns of nothing
		}
		days := int(day.Sub(today).Round(24*time.Hour) / (24 * time.Hour))
		if time.Duration(days)*24*time.Hour > expiryAhead {
			continue
		}
		key := auth.EntraKey(acct.Tenant, acct.ClientID)
		w, ok := byKey[key]
		if !ok {
			w = &expiryWarning{Key: key, Tenant: acct.Tenant, ClientID: acct.ClientID, Expires: acct.SecretExpires, Days: days}
			byKey[key] = w
		}
		if days < w.Days { // mailboxes disagree: the earliest date counts
			w.Days, w.Expires = days, acct.SecretExpires
		}
		w.Mailboxes = append(w.Mailboxes, acct.Name)
	}
	out := make([]expiryWarning, 0, len(byKey))
	for _, w := range byKey {
		switch {
		case w.Days < 0:
			w.Level = expiryExpired
		case w.Days == 0:
			w.Level = expiryToday
		default:
			w.Level = expirySoon
		}
		sort.Strings(w.Mailboxes)
		out = append(out, *w)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Days != out[j].Days {
			return out[i].Days < out[j].Days
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// showExpiry shows a warning with its steps, and a button to replace the
// secret.
func (a *App) showExpiry(w expiryWarning) {
	win := a.fyne.NewWindow("Mailkeep: " + w.Title())
	steps := widget.NewLabel(w.Steps())
	steps.Wrapping = fyne.TextWrapWord
	msg := widget.NewLabel(w.Message())
	msg.Wrapping = fyne.TextWrapWord
	replace := widget.NewButton("Replace the secret…", func() { a.showReplaceSecret(win, w) })
	replace.Importance = widget.HighImportance
	body := container.NewVBox(
		widget.NewLabelWithStyle(w.Title(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		msg,
		widget.NewSeparator(),
		widget.NewLabelWithStyle("How to make a new secret", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		steps)
	win.SetContent(container.NewBorder(nil,
		container.NewVBox(widget.NewSeparator(), container.NewHBox(replace, widget.NewButton("Close", win.Close))),
		nil, nil, container.NewVScroll(body)))
	win.Resize(fyne.NewSize(660, 560))
	win.Show()
}

// showReplaceSecret asks for the new secret once and stores it for every
// mailbox of the app, with its new expiry date.
func (a *App) showReplaceSecret(parent fyne.Window, w expiryWarning) {
	secret := widget.NewPasswordEntry()
	secret.SetPlaceHolder("the new secret's Value")
	expires := widget.NewEntry()
	expires.SetPlaceHolder("YYYY-MM-DD, as the admin center shows it")
	hint := widget.NewLabel("")
	hint.Wrapping = fyne.TextWrapWord
	secret.OnChanged = func(s string) {
		hint.SetText("")
		for _, adv := range auth.CheckEntraConfig(auth.EntraConfig{Tenant: w.Tenant, ClientID: w.ClientID, Secret: s}) {
			if adv.Step == auth.StepSecret && s != "" {
				hint.SetText(adv.Problem + " " + adv.Fix)
			}
		}
	}
	items := []*widget.FormItem{
		widget.NewFormItem("New secret", secret),
		widget.NewFormItem("It expires on", expires),
		widget.NewFormItem("", hint),
	}
	d := dialog.NewForm("Replace the secret", "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		value, day := strings.TrimSpace(secret.Text), strings.TrimSpace(expires.Text)
		a.background(func(ctx context.Context) {
			err := a.replaceSecret(ctx, w.Key, value, day)
			a.do(func() {
				if err != nil {
					dialog.ShowError(err, parent)
					return
				}
				dialog.ShowInformation("Secret replaced",
					fmt.Sprintf("The new secret is in the keyring for %d mailboxes. The next runs use it.", len(w.Mailboxes)), parent)
			})
		})
	}, parent)
	d.Resize(fyne.NewSize(520, 260))
	d.Show()
}

// replaceSecret stores secret in the keyring under key (an app
// registration's auth.EntraKey) and records expires on every account that
// signs in with that app. It runs off Fyne's goroutine (the keyring may
// wait for a prompt).
func (a *App) replaceSecret(ctx context.Context, key, secret, expires string) error {
	if secret == "" {
		return errors.New("the new secret is empty: paste the Value of the new client secret")
	}
	if expires != "" {
		if _, err := time.Parse(time.DateOnly, expires); err != nil {
			return fmt.Errorf("%q is not a date: write it YYYY-MM-DD, such as 2027-05-31", expires)
		}
	}
	accounts, err := archive.Accounts(ctx, a.store)
	if err != nil {
		return err
	}
	var mine []archive.Account
	for _, acct := range accounts {
		if acct.Auth == archive.AuthEntra && auth.EntraKey(acct.Tenant, acct.ClientID) == key {
			mine = append(mine, acct)
		}
	}
	if len(mine) == 0 {
		return errors.New("no mailbox uses this app any more: nothing to replace")
	}
	if err := a.cfg.Keyring.Set(ctx, key, secret); err != nil {
		return err
	}
	for _, acct := range mine {
		acct.Secret = auth.SecretRef{Keyring: key}
		acct.SecretExpires = expires
		if err := archive.SaveAccount(ctx, a.store, acct); err != nil {
			return fmt.Errorf("the secret is stored, but the mailbox %s could not be updated: %w", acct.Name, err)
		}
	}
	if err := a.board.load(ctx, a.store); err != nil {
		return err
	}
	a.sched.Reload()
	return nil
}
