package app

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/dustin/go-humanize"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/archive/demo"
	"github.com/mailkeep/mailkeep/store"
)

// demoTitle is the demo window's title: it says on every screen that this
// is not the real archive.
const demoTitle = "Demo mailbox (not your real archive)"

// demoResults is how many search results the demo window lists.
const demoResults = 200

// startDemo opens the demo window: it archives the built-in demo mailbox
// (package archive/demo) into demo.mailkeep beside the real archive, shows
// the run's progress, and then a small search over the demo archive. The
// real archive is not touched. A second call brings the open window forward.
func (a *App) startDemo() {
	for _, w := range a.fyne.Driver().AllWindows() {
		if w.Title() == demoTitle {
			w.Show()
			w.RequestFocus()
			return
		}
	}
	a.openDemo()
}

// openDemo opens a new demo window and starts the demo run.
func (a *App) openDemo() *demoWindow {
	d := newDemoWindow(a, demo.PathBeside(a.store.Path()))
	d.w.Show()
	d.start()
	return d
}

// demoWindow is the demo's window: first the run, then the search.
type demoWindow struct {
	a    *App
	path string // the demo archive
	w    fyne.Window

	ctx    context.Context // ends when the window closes or the App does
	cancel context.CancelFunc

	// The run.
	status *widget.Label // what is happening, or how it ended
	bar    *widget.ProgressBar
	counts *widget.Label // messages and bytes archived so far
	// progress is each folder's latest EventProgress (the run's totals are
	// their sums); touched on Fyne's goroutine only.
	progress map[string]archive.Event
	folders  int // folders begun

	// The search, shown when the run is done.
	search  *fyne.Container
	query   *widget.Entry
	found   *widget.Label
	results *widget.List
	hits    []store.Result // on Fyne's goroutine only
	asked   int            // searches started; only the latest one's results show

	mu     sync.Mutex
	st     *store.Store // the demo archive, opened for searching after the run
	closed bool
}

func newDemoWindow(a *App, path string) *demoWindow {
	d := &demoWindow{a: a, path: path, progress: map[string]archive.Event{}}
	d.ctx, d.cancel = context.WithCancel(a.ctx)
	context.AfterFunc(d.ctx, d.closeStore)

	d.w = a.fyne.NewWindow(demoTitle)
	d.w.SetOnClosed(func() {
		d.cancel()
		d.closeStore()
	})

	title := widget.NewLabelWithStyle("Demo mailbox – not your real archive", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	explain := widget.NewLabel("Mailkeep archives a made-up office mailbox (about 300 messages in five folders)\n" +
		"from a mail server running inside Mailkeep. Your real archive and settings are not touched.")
	file := widget.NewLabel("Demo archive: " + path)
	file.Truncation = fyne.TextTruncateEllipsis
	badge := canvas.NewRectangle(withAlpha(theme.Color(theme.ColorNameWarning), 0x38))
	badge.CornerRadius = theme.InputRadiusSize()
	header := container.NewStack(badge, container.NewVBox(title, explain, file))

	d.status = widget.NewLabel("Starting the demo mail server…")
	d.status.Wrapping = fyne.TextWrapWord
	d.bar = widget.NewProgressBar()
	d.counts = widget.NewLabel("")

	d.query = widget.NewEntry()
	d.query.SetPlaceHolder("Search the demo archive")
	d.query.OnSubmitted = func(string) { d.runSearch() }
	searches := demo.SuggestedSearches()
	if len(searches) > 0 {
		d.query.SetText(searches[0].Query)
	}
	options := make([]string, len(searches))
	for i, s := range searches {
		options[i] = s.Query
	}
	suggest := widget.NewSelect(options, func(q string) {
		if q != "" {
			d.query.SetText(q)
			d.runSearch()
		}
	})
	suggest.PlaceHolder = "Try a search…"
	button := widget.NewButtonWithIcon("Search", theme.SearchIcon(), d.runSearch)
	button.Importance = widget.HighImportance
	d.found = widget.NewLabel("")
	d.found.Wrapping = fyne.TextWrapWord
	d.results = widget.NewList(
		func() int { return len(d.hits) },
		newDemoHitRow,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(d.hits) {
				setDemoHitRow(o, d.hits[id])
			}
		},
	)
	searchBar := container.NewBorder(nil, nil, nil, container.NewHBox(suggest, button), d.query)
	d.search = container.NewBorder(container.NewVBox(widget.NewSeparator(), searchBar, d.found), nil, nil, nil, d.results)
	d.search.Hide()

	top := container.NewVBox(header, d.status, d.bar, d.counts)
	d.w.SetContent(container.NewBorder(top, nil, nil, nil, d.search))
	d.w.Resize(fyne.NewSize(760, 620))
	return d
}

// start runs the demo in the background.
func (d *demoWindow) start() {
	d.a.background(func(context.Context) {
		began := time.Now()
		rep, err := demo.Run(d.ctx, d.path, func(e archive.Event) {
			d.a.do(func() { d.event(e) })
		})
		took := time.Since(began)
		if err != nil {
			if d.ctx.Err() != nil {
				return // the window or the App closed
			}
			d.a.log.Warn("the demo run failed", "err", err)
			d.a.do(func() { d.failed(err) })
			return
		}
		st, err := store.Open(d.ctx, d.path)
		if err != nil {
			d.a.do(func() { d.failed(err) })
			return
		}
		d.mu.Lock()
		if d.closed {
			d.mu.Unlock()
			st.Close()
			return
		}
		d.st = st
		d.mu.Unlock()
		total, err := st.Count(d.ctx, "")
		if err != nil {
			d.a.do(func() { d.failed(err) })
			return
		}
		d.a.do(func() { d.done(rep, total, took) })
	})
}

// event shows one progress event of the run (on Fyne's goroutine).
func (d *demoWindow) event(e archive.Event) {
	switch e.Kind {
	case archive.EventFolder:
		d.folders++
		d.status.SetText(fmt.Sprintf("Archiving folder %d of %d: %s", d.folders, len(demo.Folders()), e.Folder))
	case archive.EventProgress:
		d.progress[e.Folder] = e
	case archive.EventRetry:
		d.status.SetText(fmt.Sprintf("Trying again in %s: %v", e.Wait.Round(time.Second), e.Err))
		return
	default:
		return
	}
	if e.Total > 0 {
		d.bar.SetValue(float64(e.Done) / float64(e.Total))
	} else {
		d.bar.SetValue(1)
	}
	var count int
	var bytes int64
	for _, p := range d.progress {
		count += p.Done
		bytes += p.Bytes
	}
	d.counts.SetText(fmt.Sprintf("%d of %d in this folder · %s archived so far (%s)",
		e.Done, e.Total, messageCount(count), humanize.Bytes(uint64(bytes))))
}

// done shows the run's result and the search (on Fyne's goroutine).
func (d *demoWindow) done(rep archive.RunReport, total int, took time.Duration) {
	d.bar.SetValue(1)
	if rep.New > 0 {
		d.status.SetText(fmt.Sprintf("Done: %s (%s) from %d folders archived in %s. Search them below.",
			messageCount(rep.New), humanize.Bytes(uint64(rep.Bytes)), len(rep.Folders), roundTook(took)))
	} else {
		d.status.SetText(fmt.Sprintf("Done: nothing new since the last demo; the demo archive holds %s. Search them below.", messageCount(total)))
	}
	d.counts.Hide()
	d.search.Show()
	d.w.Content().Refresh() // lay the search out now that it shows
	d.runSearch()
	d.w.Canvas().Focus(d.query)
}

// failed shows why the demo could not run (on Fyne's goroutine).
func (d *demoWindow) failed(err error) {
	d.bar.Hide()
	d.counts.Hide()
	msg := err.Error()
	var lock *store.LockedError
	if errors.As(err, &lock) {
		msg = "Another demo is running into the same file. Wait for it to finish, then open the demo again."
	}
	d.status.SetText("The demo could not run: " + msg)
	d.status.Importance = widget.DangerImportance
	d.status.Refresh()
}

// runSearch searches the demo archive for the query (called on Fyne's
// goroutine); the results replace the list when they arrive.
func (d *demoWindow) runSearch() {
	q := d.query.Text
	d.asked++
	n := d.asked
	d.a.background(func(context.Context) {
		d.mu.Lock()
		st := d.st
		d.mu.Unlock()
		if st == nil {
			return
		}
		hits, err := st.Search(d.ctx, q, store.SearchOptions{Limit: demoResults})
		var count int
		if err == nil {
			count, err = st.Count(d.ctx, q)
		}
		d.a.do(func() {
			if n != d.asked {
				return // a newer search is on its way
			}
			var qe *store.QueryError
			switch {
			case errors.As(err, &qe):
				d.hits = nil
				d.found.SetText(qe.Error())
			case err != nil:
				d.hits = nil
				d.found.SetText("The search failed: " + err.Error())
			case count == 0:
				d.hits = nil
				d.found.SetText("No message matches. Try one of the suggested searches.")
			default:
				d.hits = hits
				shown := ""
				if count > len(hits) {
					shown = fmt.Sprintf(", the newest %d shown", len(hits))
				}
				text := fmt.Sprintf("%s found%s, newest first.", messageCount(count), shown)
				for _, s := range demo.SuggestedSearches() {
					if s.Query == q {
						text = fmt.Sprintf("%s found%s, newest first: %s.", messageCount(count), shown, s.Finds)
					}
				}
				d.found.SetText(text)
			}
			d.results.UnselectAll()
			d.results.Refresh() // makes the list's scroller on the first search
			d.results.ScrollToTop()
		})
	})
}

// closeStore closes the demo archive once the window or the App closes.
func (d *demoWindow) closeStore() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	if d.st != nil {
		d.st.Close()
		d.st = nil
	}
}

// A result row: the subject in bold, then date, sender and snippet.
func newDemoHitRow() fyne.CanvasObject {
	subject := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	subject.Truncation = fyne.TextTruncateEllipsis
	meta := widget.NewRichText()
	meta.Truncation = fyne.TextTruncateEllipsis
	return container.New(layout.NewCustomPaddedVBoxLayout(0), subject, meta)
}

func setDemoHitRow(o fyne.CanvasObject, r store.Result) {
	box := o.(*fyne.Container)
	subject := r.Subject
	if subject == "" {
		subject = "(no subject)"
	}
	box.Objects[0].(*widget.Label).SetText(subject)
	meta := box.Objects[1].(*widget.RichText)
	plain := widget.RichTextStyleInline
	plain.ColorName = theme.ColorNamePlaceHolder
	segs := []widget.RichTextSegment{
		&widget.TextSegment{Text: r.Date.Local().Format("2006-01-02") + "   " + senderName(r.From) + "   ", Style: widget.RichTextStyleInline},
	}
	for _, p := range r.Snippet {
		style := plain
		if p.Match {
			style = widget.RichTextStyleStrong
		}
		segs = append(segs, &widget.TextSegment{Text: oneLineText(p.Text), Style: style})
	}
	meta.Segments = segs
	meta.Refresh()
}

// oneLineText puts text on one line: each run of spaces and line breaks
// becomes one space.
func oneLineText(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

// senderName is the name in a From header, else its address.
func senderName(from string) string {
	if a, err := mail.ParseAddress(from); err == nil {
		if a.Name != "" {
			return a.Name
		}
		return a.Address
	}
	return from
}

func messageCount(n int) string {
	if n == 1 {
		return "1 message"
	}
	return fmt.Sprintf("%d messages", n)
}

// roundTook rounds a run's duration for people: 0.4 s, 3 s, 1m12s.
func roundTook(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Round(time.Second).Seconds()))
	}
	return d.Round(time.Second).String()
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}
