package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
)

// checksAtOnce is how many mailboxes the doctor tests at the same time.
const checksAtOnce = 3

// doctorView shows the setup doctor's run (archive.Check) for each mailbox
// of a draft: every step with a pass or fail mark, and for a failed step
// its problem and fix in plain words; for Microsoft 365, the PowerShell an
// Exchange administrator runs.
type doctorView struct {
	a          *App
	ui         func(func()) // the setup's ui
	root       *fyne.Container
	heading    *widget.Label
	summary    *widget.Label
	list       *fyne.Container
	powerShell *powerShellView

	// Touched on Fyne's goroutine only.
	checks []*mailboxCheck
	run    int                // counts runs; a stale run's updates are dropped
	cancel context.CancelFunc // ends the run in progress
}

// mailboxCheck is one mailbox's part of the doctor's view.
type mailboxCheck struct {
	acct     archive.Account
	title    *widget.Label
	status   *widget.Label
	activity *widget.Activity
	steps    *fyne.Container
	rows     []*stepRow
	advice   []auth.Advice // the verdicts, once the check ended
	root     fyne.CanvasObject
}

// stepRow is one step of a mailbox's check.
type stepRow struct {
	step    auth.Step
	icon    *widget.Icon
	name    *widget.Label
	problem *widget.Label // empty unless the step failed
	fix     *widget.Label
	details *fyne.Container // problem and fix, shown when the step failed
	passed  bool
	failed  bool
}

func newDoctorView(a *App, ui func(func())) *doctorView {
	v := &doctorView{a: a, ui: ui}
	v.heading = widget.NewLabelWithStyle("Test", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.summary = widget.NewLabel("")
	v.summary.Wrapping = fyne.TextWrapWord
	v.list = container.NewVBox()
	v.powerShell = newPowerShellView(a.fyne)
	v.root = container.NewVBox(widget.NewSeparator(), v.heading, v.summary, v.list, v.powerShell.content())
	v.reset()
	return v
}

func (v *doctorView) content() fyne.CanvasObject { return v.root }

// reset forgets the last run and shows what Test does.
func (v *doctorView) reset() {
	if v.cancel != nil {
		v.cancel()
		v.cancel = nil
	}
	v.run++
	v.checks = nil
	v.list.RemoveAll()
	v.summary.SetText("Press Test to try each mailbox with these settings before saving them: Mailkeep signs in and lists the folders, and changes nothing.")
	v.powerShell.set("")
}

// stepName is a step in words.
func stepName(s auth.Step, protocol archive.Protocol) string {
	switch s {
	case auth.StepSecret:
		return "Secret"
	case auth.StepToken:
		return "Token from Microsoft's sign-in service"
	case auth.StepClaims:
		return "Permissions in the token"
	case auth.StepConnect:
		return "Connect to the mail server"
	case auth.StepSignIn:
		return "Sign in to the mailbox"
	case auth.StepList:
		if protocol == archive.POP3 {
			return "Read the mailbox"
		}
		return "List the folders"
	}
	return string(s)
}

func newMailboxCheck(acct archive.Account, steps []auth.Step) *mailboxCheck {
	c := &mailboxCheck{acct: acct}
	c.title = widget.NewLabelWithStyle(acct.User, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.status = widget.NewLabel("Waiting…")
	c.status.Importance = widget.LowImportance
	c.activity = widget.NewActivity()
	c.activity.Hide()
	c.steps = container.NewVBox()
	for _, s := range steps {
		r := &stepRow{step: s, icon: widget.NewIcon(theme.RadioButtonIcon()), name: widget.NewLabel(stepName(s, acct.Protocol))}
		r.problem = widget.NewLabel("")
		r.problem.Wrapping = fyne.TextWrapWord
		r.problem.Hide()
		r.fix = widget.NewLabel("")
		r.fix.Wrapping = fyne.TextWrapWord
		r.fix.Importance = widget.HighImportance
		r.fix.Hide()
		r.details = container.NewBorder(nil, nil, widget.NewIcon(nil), nil, container.NewVBox(r.problem, r.fix))
		r.details.Hide()
		c.rows = append(c.rows, r)
		c.steps.Add(container.NewVBox(container.NewBorder(nil, nil, r.icon, nil, r.name), r.details))
	}
	header := container.NewHBox(c.title, c.activity, c.status)
	c.root = container.NewVBox(header, c.steps)
	return c
}

// start shows that the check runs.
func (c *mailboxCheck) start() {
	c.status.SetText("Testing…")
	c.activity.Show()
	c.activity.Start()
}

// show shows the check's verdicts.
func (c *mailboxCheck) show(advice []auth.Advice) {
	c.advice = advice
	c.activity.Stop()
	c.activity.Hide()
	failedAt := ""
	for _, r := range c.rows {
		var problems, fixes string
		r.passed, r.failed = false, false
		seen := false
		for _, a := range advice {
			if a.Step != r.step {
				continue
			}
			seen = true
			switch {
			case a.Code == archive.NotRun:
			case a.OK:
				r.passed = !r.failed
			default:
				r.failed, r.passed = true, false
				problems = joinSentence(problems, a.Problem)
				fix := a.Fix
				if a.Code != "" {
					fix += " (" + a.Code + ")"
				}
				fixes = joinSentence(fixes, fix)
			}
		}
		switch {
		case r.failed:
			r.icon.SetResource(theme.NewErrorThemedResource(theme.CancelIcon()))
			r.name.SetText(stepName(r.step, c.acct.Protocol) + " — failed")
			r.problem.SetText(problems)
			r.fix.SetText("What to do: " + fixes)
			r.problem.Show()
			r.fix.Show()
			r.details.Show()
			if failedAt == "" {
				failedAt = stepName(r.step, c.acct.Protocol)
			}
		case r.passed:
			r.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
			r.name.SetText(stepName(r.step, c.acct.Protocol) + " — passed")
		case seen:
			r.icon.SetResource(theme.NewDisabledResource(theme.RadioButtonIcon()))
			r.name.SetText(stepName(r.step, c.acct.Protocol) + " — not tried")
		}
	}
	switch {
	case failedAt == "" && c.ok():
		c.status.SetText("Every step passed.")
		c.status.Importance = widget.SuccessImportance
	case failedAt == "":
		c.status.SetText("Not tried.")
		if len(advice) > 0 && advice[0].Code == archive.NotRun {
			c.status.SetText(advice[0].Problem)
		}
		c.status.Importance = widget.WarningImportance
	default:
		c.status.SetText("Failed at: " + failedAt + ".")
		c.status.Importance = widget.DangerImportance
	}
	c.status.Refresh()
}

// ok says whether every step passed.
func (c *mailboxCheck) ok() bool {
	for _, r := range c.rows {
		if !r.passed {
			return false
		}
	}
	return len(c.rows) > 0
}

func joinSentence(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// start runs the doctor on every account of d in the background; done is
// called once the outcome is shown. powerShell, if not empty, is shown
// with the results.
//
// The mailboxes of one app share its token, and the first mailbox is tried
// alone first: when the app itself cannot sign in (secret, token,
// permissions), the others are not tried — Microsoft throttles an app
// after repeated failed sign-ins, and their verdict would be the same.
func (v *doctorView) start(d setupDraft, powerShell string, done func()) {
	v.reset()
	run := v.run
	ctx, cancel := context.WithCancel(v.a.ctx)
	v.cancel = cancel
	v.summary.SetText(fmt.Sprintf("Testing %s…", mailboxesWord(len(d.accounts))))
	for _, acct := range d.accounts {
		ca := d.checkAccount(acct, v.a.cfg)
		c := newMailboxCheck(acct, ca.Steps())
		v.addCheck(c)
	}
	checks := append([]*mailboxCheck{}, v.checks...)
	cfg := v.a.cfg
	v.a.background(func(context.Context) {
		defer done()
		defer cancel()
		shared := d.sharedEntra(cfg)
		check := func(c *mailboxCheck) []auth.Advice {
			v.ui(func() {
				if v.run == run {
					c.start()
				}
			})
			ca := d.checkAccount(c.acct, cfg)
			if shared != nil {
				ca.Entra, ca.EntraConfig = shared, nil
			}
			advice := archive.Check(ctx, ca)
			logVerdict(v.a.log, c.acct.User, advice)
			v.ui(func() {
				if v.run == run {
					c.show(advice)
				}
			})
			return advice
		}
		first := check(checks[0])
		rest := checks[1:]
		if appFailed(first) {
			for _, c := range rest {
				advice := notTriedForApp(c, checks[0].acct.User)
				v.ui(func() {
					if v.run == run {
						c.show(advice)
					}
				})
			}
			rest = nil
		}
		sem := make(chan struct{}, checksAtOnce)
		var wg sync.WaitGroup
		for _, c := range rest {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				if ctx.Err() == nil {
					check(c)
				}
			})
		}
		wg.Wait()
		v.ui(func() {
			if v.run == run {
				v.finish(powerShell)
			}
		})
	})
}

// logVerdict logs the outcome of one mailbox's check: the first failed step
// and its code, never the advice's details (they may quote a server).
func logVerdict(log *slog.Logger, mailbox string, advice []auth.Advice) {
	for _, a := range advice {
		if !a.OK && a.Code != archive.NotRun {
			log.Info("setup test failed", "mailbox", mailbox, "step", a.Step, "code", a.Code)
			return
		}
	}
	log.Info("setup test passed", "mailbox", mailbox)
}

// appFailed says whether a check failed at a step that belongs to the app
// rather than to the mailbox: the secret, the token or its permissions.
func appFailed(advice []auth.Advice) bool {
	for _, a := range advice {
		if !a.OK && a.Code != archive.NotRun &&
			(a.Step == auth.StepSecret || a.Step == auth.StepToken || a.Step == auth.StepClaims) {
			return true
		}
	}
	return false
}

// notTriedForApp is the verdict on a mailbox not tried because the app
// could not sign in for the first one.
func notTriedForApp(c *mailboxCheck, first string) []auth.Advice {
	var out []auth.Advice
	for _, r := range c.rows {
		out = append(out, auth.Advice{Step: r.step, Code: archive.NotRun,
			Problem: "Not tried: the app itself could not sign in (see " + first + ").", Fix: "Fix that first."})
	}
	return out
}

// addCheck shows one more mailbox's check.
func (v *doctorView) addCheck(c *mailboxCheck) {
	if len(v.checks) > 0 {
		v.list.Add(widget.NewSeparator())
	}
	v.checks = append(v.checks, c)
	v.list.Add(c.root)
}

// finish sums the run up.
func (v *doctorView) finish(powerShell string) {
	failed := 0
	signInTrouble := false
	for _, c := range v.checks {
		if !c.ok() {
			failed++
		}
		for _, r := range c.rows {
			if r.failed && (r.step == auth.StepClaims || r.step == auth.StepSignIn) {
				signInTrouble = true
			}
		}
	}
	switch {
	case failed == 0:
		v.summary.SetText("All good: every step passed for " + mailboxesWord(len(v.checks)) + ". Press Save to keep these settings.")
	case failed == len(v.checks):
		v.summary.SetText("The test failed. Each failed step below says what to do; then press Test again.")
	default:
		v.summary.SetText(fmt.Sprintf("%d of %s failed. Each failed step below says what to do; then press Test again.",
			failed, mailboxesWord(len(v.checks))))
	}
	v.powerShell.set(powerShell)
	if signInTrouble {
		v.powerShell.open()
	}
}

// mailboxesWord is "1 mailbox" or "n mailboxes".
func mailboxesWord(n int) string {
	if n == 1 {
		return "1 mailbox"
	}
	return fmt.Sprintf("%d mailboxes", n)
}
