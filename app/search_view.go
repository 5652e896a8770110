package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/store"
)

// searchTitle is the search window's title.
const searchTitle = "Search — Mailkeep"

// searchDelay is how long typing must pause before the search runs.
const searchDelay = 250 * time.Millisecond

// The mailbox filter's first choice, and the name shown for imported mail.
const (
	allMailboxes  = "All mailboxes"
	importedLabel = "Imported files"
)

// searchView is the search screen: one query box, the quick filters that
// write into it, and the results as they are found.
type searchView struct {
	a   *App
	win fyne.Window

	query   *searchEntry
	mailbox *widget.Select
	from    *widget.Entry // the first day wanted (after:)
	until   *widget.Entry // the last day wanted (before: the day after)
	attach  *widget.Check
	status  *widget.Label
	list    *widget.List
	export  *widget.Button

	results resultPages
	// exporting is the export dialog opened last.
	exporting *exportDialog
	// syncing is set while the filters are set from the query, so that they
	// do not write it back.
	syncing bool
	delay   time.Duration
	timer   *time.Timer
	ctx     context.Context // the search shown: its pages are read with it
	cancel  context.CancelFunc
	// open opens a result (the viewer; tests watch it).
	open func(id int64)

	// pending counts what is under way (a search waiting for typing to
	// pause, a search or a page being read); tests wait for it to be 0.
	pending atomic.Int64
	// shown, when set, is called after each query's first results are shown
	// (benchmarks time it).
	shown func(query string, rows int)
	// mail is what the screen knows of the archive's changes
	// (search_refresh.go).
	mail mailWatch
}

// showSearch opens the search window, or brings it to the front.
func (a *App) showSearch() {
	for _, w := range a.fyne.Driver().AllWindows() {
		if w.Title() == searchTitle {
			w.Show()
			w.RequestFocus()
			return
		}
	}
	w := a.fyne.NewWindow(searchTitle)
	sv := a.newSearchPane(w)
	w.SetContent(sv.content())
	sv.runSearch("")
	w.SetOnClosed(sv.close)
	w.Resize(fyne.NewSize(960, 640))
	// Ctrl+E (Cmd+E on a Mac) exports what the search found, as Export… does.
	exportKey := &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault}
	export := func(fyne.Shortcut) {
		if !sv.export.Disabled() {
			sv.exportResults()
		}
	}
	w.Canvas().AddShortcut(exportKey, export)
	sv.query.shortcuts = map[string]func(fyne.Shortcut){exportKey.ShortcutName(): export}
	w.Show()
	w.Canvas().Focus(sv.query)
}

func (a *App) newSearchPane(w fyne.Window) *searchView {
	sv := &searchView{a: a, win: w, delay: searchDelay, ctx: a.ctx, open: a.showMessage}
	sv.query = newSearchEntry(func() { sv.win.Canvas().Focus(sv.list) })
	sv.query.SetPlaceHolder(`Search all mail: words, "exact words", from:anna, subject:invoice …`)
	sv.query.OnChanged = func(string) { sv.typed() }
	sv.query.OnSubmitted = func(string) { sv.searchNow() }

	sv.mailbox = widget.NewSelect(sv.mailboxChoices(), func(string) { sv.filtersChanged() })
	sv.mailbox.PlaceHolder = allMailboxes
	sv.from = widget.NewEntry()
	sv.from.SetPlaceHolder("from YYYY-MM-DD")
	sv.until = widget.NewEntry()
	sv.until.SetPlaceHolder("until YYYY-MM-DD")
	for _, e := range []*widget.Entry{sv.from, sv.until} {
		e.Validator = func(s string) error {
			if _, ok := parseFilterDay(s); s != "" && !ok {
				return errors.New("write the day as YYYY-MM-DD, e.g. 2023-03-31")
			}
			return nil
		}
		e.OnChanged = func(string) { sv.filtersChanged() }
	}
	sv.attach = widget.NewCheck("Has attachments", func(bool) { sv.filtersChanged() })

	sv.status = widget.NewLabel("")
	sv.status.Truncation = fyne.TextTruncateEllipsis
	sv.list = widget.NewList(sv.results.length, func() fyne.CanvasObject { return newResultRow() }, sv.updateRow)
	sv.list.OnSelected = func(i widget.ListItemID) {
		sv.list.Unselect(i)
		if i < sv.results.length() {
			sv.open(sv.results.id(i))
		}
	}
	sv.export = widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), sv.exportResults)
	sv.export.Disable()
	sv.results.reset("")
	sv.watchMail()
	return sv
}

// content lays the screen out.
func (sv *searchView) content() fyne.CanvasObject {
	help := widget.NewButtonWithIcon("", theme.HelpIcon(), sv.showHelp)
	hint := widget.NewLabelWithStyle(`Try  from:anna   subject:invoice   has:attachment   filename:pdf   after:2023-03-01   folder:INBOX   "exact words"   -without`,
		fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	hint.Importance = widget.LowImportance
	hint.Truncation = fyne.TextTruncateEllipsis
	dates := container.NewHBox(sizedEntry(sv.from, 180), sizedEntry(sv.until, 180))
	filters := container.NewHBox(sv.mailbox, dates, sv.attach)
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, help, sv.query),
		hint,
		filters,
		widget.NewSeparator(),
	)
	importButton := widget.NewButtonWithIcon("Import mail…", theme.DownloadIcon(), func() { sv.a.showImport(sv.win) })
	bottom := container.NewBorder(widget.NewSeparator(), nil, nil, container.NewHBox(importButton, sv.export), sv.status)
	return container.NewBorder(top, bottom, nil, nil, sv.list)
}

// sizedEntry gives an entry a width of its own in an HBox.
func sizedEntry(e *widget.Entry, width float32) fyne.CanvasObject {
	return container.New(layout.NewGridWrapLayout(fyne.NewSize(width, e.MinSize().Height)), e)
}

// mailboxChoices are the mailbox filter's choices: every account, and the
// imported files.
func (sv *searchView) mailboxChoices() []string {
	out := []string{allMailboxes}
	for _, m := range sv.a.board.snapshot() {
		out = append(out, m.Account.Name)
	}
	return append(out, importedLabel)
}

// typed runs after each change of the query text: the filters follow it, and
// the search runs when typing pauses.
func (sv *searchView) typed() {
	sv.syncFilters()
	if sv.timer != nil && sv.timer.Stop() {
		sv.pending.Add(-1) // that search will not run
	}
	sv.pending.Add(1)
	sv.timer = time.AfterFunc(sv.delay, func() {
		sv.a.do(func() {
			sv.runSearch(sv.query.Text)
			sv.pending.Add(-1) // after the search counts itself
		})
	})
}

// searchNow runs the search without waiting (Enter).
func (sv *searchView) searchNow() {
	sv.runSearch(sv.query.Text)
	if sv.timer != nil && sv.timer.Stop() {
		sv.pending.Add(-1)
	}
}

// syncFilters sets the quick filters from the query text.
func (sv *searchView) syncFilters() {
	sv.syncing = true
	defer func() { sv.syncing = false }()
	q := sv.query.Text
	switch v, _ := filterValue(q, "account"); v {
	case "":
		sv.mailbox.ClearSelected()
	case store.ImportAccount:
		sv.mailbox.SetSelected(importedLabel)
	default:
		if choices := sv.mailboxChoices(); !slices.Contains(choices, v) {
			// A mailbox the list does not name (removed since, or being
			// typed): shown as typed.
			sv.mailbox.SetOptions(append(choices, v))
		}
		sv.mailbox.SetSelected(v)
	}
	after, _ := filterValue(q, "after")
	if t, ok := parseFilterDay(sv.from.Text); after != sv.from.Text && !(ok && t.Format(dayLayout) == after) {
		sv.from.SetText(after)
	}
	before, ok := filterValue(q, "before")
	until := ""
	if ok {
		until = beforeToUntil(before)
	}
	if t, ok := parseFilterDay(sv.until.Text); until != sv.until.Text && !(ok && t.Format(dayLayout) == until) {
		sv.until.SetText(until)
	}
	sv.attach.SetChecked(hasAttachmentFilter(q))
}

// filtersChanged writes the quick filters into the query text.
func (sv *searchView) filtersChanged() {
	if sv.syncing {
		return
	}
	q := sv.query.Text
	account := sv.mailbox.Selected
	switch account {
	case allMailboxes:
		account = ""
	case importedLabel:
		account = store.ImportAccount
	}
	q = setFilter(q, "account", account)
	if t, ok := parseFilterDay(sv.from.Text); ok {
		q = setFilter(q, "after", t.Format(dayLayout))
	} else if sv.from.Text == "" {
		q = setFilter(q, "after", "")
	}
	if t, ok := parseFilterDay(sv.until.Text); ok {
		q = setFilter(q, "before", untilToBefore(t))
	} else if sv.until.Text == "" {
		q = setFilter(q, "before", "")
	}
	if sv.attach.Checked != hasAttachmentFilter(q) {
		value := ""
		if sv.attach.Checked {
			value = "attachment"
		}
		q = setFilter(q, "has", value)
	}
	if q != sv.query.Text {
		sv.query.SetText(q) // and OnChanged searches
	}
}

// runSearch starts a search for query, dropping the one before.
func (sv *searchView) runSearch(query string) {
	if sv.cancel != nil {
		sv.cancel()
	}
	ctx, cancel := context.WithCancel(sv.a.ctx)
	sv.ctx, sv.cancel = ctx, cancel
	gen := sv.results.reset(query)
	sv.mail.newer = false
	sv.export.Disable()
	sv.status.SetText("Searching…")
	sv.list.Refresh()
	sv.pending.Add(1)
	s := sv.a.store
	sv.a.background(func(context.Context) {
		first, err := s.Search(ctx, query, store.SearchOptions{Limit: firstPageRows})
		// All matches are read next when the first page is full; counted as
		// under way from now, so that nothing looks finished in between.
		more := err == nil && len(first) == firstPageRows
		if more {
			sv.pending.Add(1)
		}
		sv.a.do(func() {
			defer sv.pending.Add(-1)
			if gen != sv.results.gen {
				return // a newer search is under way
			}
			if err != nil {
				sv.showSearchError(err)
				return
			}
			sv.results.first = first
			if !more {
				sv.results.ids = resultIDs(first)
			}
			if sv.list.GetScrollOffset() > 0 {
				sv.list.ScrollToTop()
			}
			sv.list.Refresh()
			switch {
			case len(first) == 0 && query == "":
				sv.status.SetText("The archive holds no mail yet.")
			case len(first) == 0:
				sv.status.SetText("No messages match. Check the spelling, or take a filter away.")
			case !more:
				sv.showCount(len(first))
			default:
				sv.status.SetText(fmt.Sprintf("More than %d messages, newest first — counting…", firstPageRows))
			}
			if len(first) > 0 {
				sv.export.Enable()
			}
			if sv.shown != nil {
				sv.shown(query, len(first))
			}
		})
		if !more {
			return
		}
		ids, countErr := s.MatchIDs(ctx, query)
		sv.a.do(func() {
			defer sv.pending.Add(-1)
			if gen != sv.results.gen {
				return
			}
			if countErr != nil {
				sv.showSearchError(countErr)
				return
			}
			sv.results.ids = ids
			sv.showCount(len(ids))
			sv.list.Refresh()
		})
	})
}

func resultIDs(rs []store.Result) []int64 {
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

// countText says how many messages were found.
func countText(n int) string {
	if n == 1 {
		return "1 message"
	}
	return thousands(n) + " messages, newest first"
}

// groupDigits writes n with thousands separated: 12,345.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// showSearchError says why a search found nothing: a query that cannot be
// read says how to write it; anything else is the archive's problem.
func (sv *searchView) showSearchError(err error) {
	var qe *store.QueryError
	switch {
	case errors.As(err, &qe):
		sv.status.SetText(qe.Error())
	case errors.Is(err, context.Canceled):
		sv.status.SetText("")
	default:
		sv.a.log.Error("search failed", "err", err)
		sv.status.SetText("The search failed: " + err.Error())
	}
	sv.list.Refresh()
}

// updateRow fills row i, reading its page when it is not there yet.
func (sv *searchView) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	row := o.(*resultRow)
	if i >= sv.results.length() {
		row.showLoading()
		return
	}
	res, page, ok := sv.results.row(i)
	if !ok {
		row.showLoading()
		sv.loadPage(page)
		return
	}
	id := res.ID
	row.show(sv.results.gen, res, sv.results.selected[id], func(on bool) {
		if on {
			sv.results.selected[id] = true
		} else {
			delete(sv.results.selected, id)
		}
		sv.updateExportLabel()
	})
}

// loadPage reads a page of rows in the background.
func (sv *searchView) loadPage(page int) {
	r := &sv.results
	if r.loading[page] || r.ids == nil {
		return
	}
	r.loading[page] = true
	gen, query, ids := r.gen, r.query, r.pageIDs(page)
	sv.pending.Add(1)
	s := sv.a.store
	ctx := sv.ctx
	sv.a.background(func(context.Context) {
		rows, err := s.Results(ctx, query, ids)
		sv.a.do(func() {
			defer sv.pending.Add(-1)
			if gen != sv.results.gen {
				return
			}
			if err != nil {
				delete(sv.results.loading, page)
				sv.showSearchError(err)
				return
			}
			sv.results.keep(page, rows)
			sv.list.Refresh()
		})
	})
}

// updateExportLabel says on the Export button what it exports.
func (sv *searchView) updateExportLabel() {
	if n := len(sv.results.selected); n > 0 {
		sv.export.SetText(fmt.Sprintf("Export %d…", n))
	} else {
		sv.export.SetText("Export…")
	}
}

// exportResults opens the export dialog for the ticked results, or for all.
func (sv *searchView) exportResults() {
	sv.exporting = sv.a.showExport(sv.win, exportRequest{query: sv.results.query, ids: sv.results.selectedIDs()})
}

// close stops what the screen has under way.
func (sv *searchView) close() {
	if sv.timer != nil && sv.timer.Stop() {
		sv.pending.Add(-1)
	}
	if sv.cancel != nil {
		sv.cancel()
	}
	sv.mail.stop()
}

// searchHelp explains the search language in a person's words.
const searchHelp = `Type words to find mail that holds them anywhere: subject, text,
sender, recipients or attachment names. Upper or lower case, accents or not:
all the same.

  invoice march          both words
  "quarterly report"     these words, next to each other
  inv*                   words that begin with inv
  invoice OR receipt     either word
  -newsletter            without this word

  from:anna              sent by Anna (name or address)
  to:bob                 sent to Bob (To or Cc)
  subject:invoice        the word is in the subject
  has:attachment         has attached files
  filename:pdf           an attached file's name has pdf
  after:2023-03-01       on or after 1 March 2023
  before:2023-04-01      before 1 April 2023
  folder:INBOX           found in this folder (folder:Archive/* for all below)
  account:anna@contoso.com   found in this mailbox

The filters under the box write these for you.`

func (sv *searchView) showHelp() {
	text := widget.NewLabelWithStyle(searchHelp, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(min(text.MinSize().Width, 720), min(text.MinSize().Height, 440)))
	dialog.ShowCustom("How to search", "Close", scroll, sv.win)
}
