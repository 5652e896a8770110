package app

import (
	"context"
	"slices"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/store"
)

// mailboxesView is the main window's content: every mailbox as a card, with
// Add mailbox and Run all now above them. It repaints from the board.
type mailboxesView struct {
	a *App
	w fyne.Window

	content fyne.CanvasObject
	top     *fyne.Container // the title and the buttons for all mailboxes
	list    *fyne.Container // the cards, by name
	empty   *widget.Label
	addBox  *widget.Button
	runAll  *widget.Button
	expiry  *expiryBanner // client secrets that expire soon

	cards  map[string]*mailboxCard
	order  []string
	counts map[string]store.AccountCount // messages in the archive, by account
	// countsAsked numbers the readings of counts; countsShown is the one shown.
	countsAsked atomic.Uint64
	countsShown uint64
	running     map[string]bool // as last painted

	// The dialogs opened last (tests look at them).
	history  *historyView
	picker   *folderPicker
	removing *removeDialog
}

func newMailboxesView(a *App, w fyne.Window) *mailboxesView {
	v := &mailboxesView{a: a, w: w, cards: map[string]*mailboxCard{}, counts: map[string]store.AccountCount{}, running: map[string]bool{}}
	v.addBox = widget.NewButtonWithIcon("Add mailbox", theme.ContentAddIcon(), a.showSetup)
	v.runAll = widget.NewButtonWithIcon("Run all now", theme.MediaPlayIcon(), v.runAllNow)
	v.empty = widget.NewLabel("No mailboxes yet. Press Add mailbox to set up the first one.")
	v.empty.Wrapping = fyne.TextWrapWord
	v.empty.Hide()
	v.list = container.NewVBox()
	settings := widget.NewButtonWithIcon("", theme.SettingsIcon(), a.showSettings)
	search := widget.NewButtonWithIcon("Search", theme.SearchIcon(), a.showSearch)
	search.Importance = widget.HighImportance
	importMail := widget.NewButtonWithIcon("Import…", theme.DownloadIcon(), func() { a.showImport(w) })
	v.expiry = newExpiryBanner(a, w)
	title := widget.NewLabelWithStyle("Mailboxes", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.top = container.NewBorder(nil, nil, title, container.NewHBox(search, v.runAll, v.addBox, importMail, settings))
	v.content = container.NewBorder(container.NewVBox(v.top, v.expiry.box), nil, nil, nil,
		container.NewVScroll(container.NewVBox(v.empty, v.list)))

	a.board.subscribe(func() { v.a.do(v.repaint) })
	v.repaint()
	v.loadCounts()
	return v
}

// place makes the view the window's content.
func (v *mailboxesView) place() {
	v.w.SetContent(v.content)
}

// repaint shows the board as it is now. Call it through App.do (or, before the
// view is shown, directly).
func (v *mailboxesView) repaint() {
	boxes := v.a.board.snapshot()
	names := make([]string, len(boxes))
	for i, m := range boxes {
		names[i] = m.Account.Name
	}
	ended := false // a run ended, or mailboxes came or went: the counts change
	if !slices.Equal(names, v.order) {
		ended = len(v.order) > 0
		cards := map[string]*mailboxCard{}
		objects := make([]fyne.CanvasObject, 0, len(names))
		for _, name := range names {
			c := v.cards[name]
			if c == nil {
				c = newMailboxCard(name, v.actions())
			}
			cards[name] = c
			objects = append(objects, c.card)
		}
		v.cards, v.order = cards, names
		v.list.Objects = objects
		v.list.Refresh()
	}
	if len(boxes) > 0 {
		v.empty.Hide()
		v.runAll.Show()
	} else {
		v.empty.Show()
		v.runAll.Hide()
	}
	v.top.Refresh()
	v.expiry.show(v.a.expiryWarnings())

	now := v.a.cfg.Now()
	running := map[string]bool{}
	for _, m := range boxes {
		name := m.Account.Name
		v.cards[name].show(m, v.counts[name], now)
		if v.running[name] && !m.Running {
			ended = true
		}
		running[name] = m.Running
	}
	v.running = running
	if ended {
		v.loadCounts()
	}
}

// loadCounts reads how much each mailbox has in the archive, then repaints.
// Of several readings in flight, the one asked for last wins.
func (v *mailboxesView) loadCounts() {
	asked := v.countsAsked.Add(1)
	v.a.background(func(ctx context.Context) {
		counts, err := v.a.store.AccountCounts(ctx)
		if err != nil {
			v.a.log.Warn("cannot count the messages per mailbox", "err", err)
			return
		}
		v.a.do(func() {
			if asked < v.countsShown {
				return // an older reading, come late
			}
			v.countsShown = asked
			v.counts = counts
			v.repaint()
		})
	})
}

func (v *mailboxesView) actions() cardActions {
	return cardActions{
		runNow:  v.runNow,
		pause:   v.setPaused,
		history: v.showHistory,
		folders: v.pickFolders,
		edit:    v.a.showEdit,
		remove:  v.confirmRemove,
	}
}

// runNow asks the scheduler to archive one mailbox now.
func (v *mailboxesView) runNow(name string) {
	v.a.background(func(ctx context.Context) {
		if err := v.a.sched.RunNow(ctx, name); err != nil {
			v.a.do(func() { v.showProblem("Mailkeep could not start archiving “"+name+"”", err) })
		}
	})
}

// runAllNow archives every mailbox that is not paused, now.
func (v *mailboxesView) runAllNow() {
	v.a.background(func(ctx context.Context) {
		if err := v.a.sched.RunNow(ctx); err != nil {
			v.a.do(func() { v.showProblem("Mailkeep could not start archiving", err) })
		}
	})
}

// setPaused pauses or resumes one mailbox's schedule.
func (v *mailboxesView) setPaused(name string, paused bool) {
	v.a.background(func(ctx context.Context) {
		if err := v.a.pauseMailbox(ctx, name, paused); err != nil {
			what := "pause"
			if !paused {
				what = "resume"
			}
			v.a.do(func() { v.showProblem("Mailkeep could not "+what+" “"+name+"”", err) })
		}
	})
}

// showProblem tells the person that something failed, and what to do.
func (v *mailboxesView) showProblem(title string, err error) {
	msg := widget.NewLabel(err.Error())
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, "Close", msg, v.w)
	d.Resize(fyne.NewSize(480, 220))
	d.Show()
}
