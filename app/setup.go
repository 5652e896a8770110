package app

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/archive"
)

// setupForm is one of the setup's forms: Microsoft 365, or another server.
type setupForm interface {
	// title heads the form's screen.
	title() string
	content() fyne.CanvasObject
	// draft is what the form describes, or a *formError saying what to
	// correct. every is the schedule of a new mailbox.
	draft(every archive.Interval) (setupDraft, error)
	// powerShell is the PowerShell an Exchange administrator runs for the
	// draft; "" when the form has none.
	powerShell(d setupDraft) string
}

// setup is the guided setup in one window: the choice of server, a form,
// and its doctor. It is also the editor of an existing mailbox.
type setup struct {
	a   *App
	win fyne.Window

	// editing is the account being edited; nil in a new setup.
	editing *archive.Account

	choice *setupChoice
	form   setupForm
	ms     *microsoftForm
	srv    *serverForm
	doctor *doctorView

	problem      *widget.Label // what stops Save, in plain words
	testButton   *widget.Button
	saveButton   *widget.Button
	backButton   *widget.Button
	cancelButton *widget.Button // back to the mailboxes, when there are any
	saveProgress *widget.ProgressBarInfinite
	scroll       *container.Scroll
	lastSave     error // the last Save's outcome

	// jobs are the setup's background work (tests wait for them).
	jobs sync.WaitGroup
	// ui runs a change of the screen from a background goroutine: a.do
	// (tests run them on the test's goroutine, as Fyne runs them on its own).
	ui func(func())
	// done leaves the setup for the list of mailboxes: a.showMain (tests of
	// the setup alone count the calls instead).
	done func()
}

// showSetup shows the guided setup: in the main window when there is one,
// else in a new window that becomes the main window.
func (a *App) showSetup() { a.openSetup().showChoice() }

// showEdit opens the setup's form for the account called name, filled in;
// its secret field stays empty, meaning "keep the stored secret".
func (a *App) showEdit(name string) { a.openSetup().load(name) }

// load reads the account called name and shows it in its form.
func (s *setup) load(name string) {
	a := s.a
	s.showLoading()
	s.jobs.Add(1)
	a.background(func(ctx context.Context) {
		defer s.jobs.Done()
		acct, err := archive.LoadAccount(ctx, a.store, name)
		s.ui(func() {
			if err != nil {
				s.showChoice()
				s.setProblem("Mailkeep could not read the mailbox " + name + " from the archive (" + err.Error() + "). Add it again below.")
				return
			}
			s.edit(acct)
		})
	})
}

// openSetup makes the setup and its window.
func (a *App) openSetup() *setup {
	w := a.mainWindow()
	s := &setup{a: a, win: w, ui: a.do, done: a.showMain}
	s.problem = widget.NewLabel("")
	s.problem.Wrapping = fyne.TextWrapWord
	s.problem.Importance = widget.DangerImportance
	s.problem.Hide()
	s.testButton = widget.NewButtonWithIcon("Test", theme.MediaPlayIcon(), s.test)
	s.saveButton = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), s.save)
	s.saveButton.Importance = widget.HighImportance
	s.backButton = widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), s.showChoice)
	s.cancelButton = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), s.cancel)
	s.saveProgress = widget.NewProgressBarInfinite()
	s.saveProgress.Stop()
	s.saveProgress.Hide()
	s.doctor = newDoctorView(a, func(f func()) { s.ui(f) })
	return s
}

// showLoading is the window while an account is read for editing.
func (s *setup) showLoading() {
	s.win.SetTitle("Mailkeep — edit mailbox")
	s.win.SetContent(container.NewCenter(widget.NewLabel("Reading the mailbox's settings…")))
	s.win.Show()
}

// showChoice is the first screen: which kind of mailbox to archive.
func (s *setup) showChoice() {
	s.form = nil
	s.choice = newSetupChoice(s.showMicrosoft, s.showServer, s.startDemo)
	s.win.SetTitle("Mailkeep — set up")
	content := container.NewVBox(s.choice.content(), s.problem)
	if s.canCancel() {
		content.Add(container.NewPadded(container.NewHBox(s.cancelButton)))
	}
	s.win.SetContent(content)
	s.win.Show()
}

// canCancel says whether there is somewhere to go back to: the mailboxes
// already set up.
func (s *setup) canCancel() bool { return s.editing != nil || len(s.a.board.snapshot()) > 0 }

// cancel leaves the setup without saving, for the main window.
func (s *setup) cancel() {
	s.doctor.reset()
	s.done()
}

func (s *setup) showMicrosoft() {
	if s.ms == nil {
		s.ms = newMicrosoftForm(s.a.fyne, s.win)
	}
	s.showForm(s.ms)
}

func (s *setup) showServer() {
	if s.srv == nil {
		s.srv = newServerForm()
	}
	s.showForm(s.srv)
}

func (s *setup) startDemo() {
	s.a.startDemo()
}

// edit shows the form for acct, filled in.
func (s *setup) edit(acct archive.Account) {
	s.editing = &acct
	if acct.Auth == archive.AuthEntra {
		s.ms = newMicrosoftForm(s.a.fyne, s.win)
		s.ms.fill(acct)
		s.showForm(s.ms)
	} else {
		s.srv = newServerForm()
		s.srv.fill(acct)
		s.showForm(s.srv)
	}
	s.win.SetTitle("Mailkeep — edit " + acct.Name)
}

// showForm shows f with the doctor under it and the buttons at the bottom.
func (s *setup) showForm(f setupForm) {
	s.form = f
	s.setProblem("")
	s.doctor.reset()
	heading := widget.NewLabelWithStyle(f.title(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	body := container.NewVBox(heading, f.content(), s.doctor.content())
	s.scroll = container.NewVScroll(container.NewPadded(body))
	buttons := container.NewHBox(s.testButton, s.saveButton, s.saveProgress)
	left := container.NewHBox()
	if s.editing == nil {
		left.Add(s.backButton)
	}
	if s.canCancel() {
		left.Add(s.cancelButton)
	}
	bottom := container.NewVBox(widget.NewSeparator(), s.problem,
		container.NewBorder(nil, nil, left, buttons))
	s.win.SetTitle("Mailkeep — set up")
	s.win.SetContent(container.NewBorder(nil, container.NewPadded(bottom), nil, nil, s.scroll))
	s.win.Show()
}

// setProblem shows what stops Save; "" hides it.
func (s *setup) setProblem(msg string) {
	s.problem.SetText(msg)
	if msg == "" {
		s.problem.Hide()
	} else {
		s.problem.Show()
	}
}

// currentDraft is the form's draft with names given to new mailboxes.
func (s *setup) currentDraft() (setupDraft, error) {
	every := archive.Interval(s.a.defaultSchedule())
	d, err := s.form.draft(every)
	if err != nil {
		return d, err
	}
	var taken []archive.Account
	for _, m := range s.a.board.snapshot() {
		taken = append(taken, m.Account)
	}
	nameAccounts(d.accounts, taken)
	return d, nil
}

// test runs the doctor on every mailbox of the form, with the secret as
// typed.
func (s *setup) test() {
	d, err := s.currentDraft()
	if err != nil {
		s.setProblem(err.Error())
		return
	}
	s.setProblem("")
	s.jobs.Add(1)
	s.doctor.start(d, s.form.powerShell(d), s.jobs.Done)
	s.scroll.ScrollToBottom()
}
