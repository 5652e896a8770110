package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/store"
)

// The search results are a list that is filled as it is scrolled: the first
// page comes with the search, the ids of all matches come next (which also
// gives the count), and each further page of rows is read when one of its
// rows is first shown. A list of 100,000 results holds 100,000 ids and a
// few pages of rows, never all rows.

const (
	firstPageRows = 40  // rows the search itself reads: more than a maximized window shows
	pageRows      = 200 // rows read at a time as the list is scrolled
	keptPages     = 30  // pages kept; the farthest from the one read is let go
)

// resultPages is what the list shows of one query. Only Fyne's goroutine
// touches it.
type resultPages struct {
	gen   uint64 // which query: results of an older one are dropped
	query string
	first []store.Result
	ids   []int64 // nil until all matches are known
	pages map[int]map[int64]store.Result
	// loading holds the pages being read.
	loading  map[int]bool
	selected map[int64]bool
}

func (p *resultPages) reset(query string) uint64 {
	p.gen++
	p.query = query
	p.first, p.ids = nil, nil
	p.pages = map[int]map[int64]store.Result{}
	p.loading = map[int]bool{}
	p.selected = map[int64]bool{}
	return p.gen
}

// length is how many rows the list has.
func (p *resultPages) length() int {
	if p.ids != nil {
		return len(p.ids)
	}
	return len(p.first)
}

// id is the message id of row i.
func (p *resultPages) id(i int) int64 {
	if p.ids != nil {
		return p.ids[i]
	}
	return p.first[i].ID
}

// row is row i's result; ok is false when its page is not read yet (page
// tells which to read).
func (p *resultPages) row(i int) (r store.Result, page int, ok bool) {
	if i < len(p.first) {
		return p.first[i], 0, true
	}
	page = i / pageRows
	if rows, ok := p.pages[page]; ok {
		r, ok := rows[p.ids[i]]
		return r, page, ok
	}
	return store.Result{}, page, false
}

// pageIDs are the ids of page.
func (p *resultPages) pageIDs(page int) []int64 {
	lo := page * pageRows
	return p.ids[lo:min(lo+pageRows, len(p.ids))]
}

// keep stores a page read, letting go of the farthest page when too many are
// kept.
func (p *resultPages) keep(page int, rows []store.Result) {
	m := make(map[int64]store.Result, len(rows))
	for _, r := range rows {
		m[r.ID] = r
	}
	p.pages[page] = m
	delete(p.loading, page)
	if len(p.pages) <= keptPages {
		return
	}
	far, dist := -1, -1
	for k := range p.pages {
		if d := max(k-page, page-k); d > dist {
			far, dist = k, d
		}
	}
	delete(p.pages, far)
}

// selectedIDs are the ticked rows' ids, in the list's order.
func (p *resultPages) selectedIDs() []int64 {
	if len(p.selected) == 0 {
		return nil
	}
	var out []int64
	for i := range p.length() {
		if id := p.id(i); p.selected[id] {
			out = append(out, id)
		}
	}
	return out
}

// resultRow is one row of the list: a tick box, then the message's date,
// sender, subject, folder and a paper clip when it has attachments, and under
// them the snippet with the words found in bold.
type resultRow struct {
	widget.BaseWidget
	check   *widget.Check
	date    *widget.Label
	from    *widget.Label
	subject *widget.Label
	folder  *widget.Label
	clip    *widget.Icon
	snippet *widget.RichText

	// What the row shows now (search and message), so that redrawing a row
	// that shows the same result again costs nothing.
	gen uint64
	id  int64
}

func newResultRow() *resultRow {
	r := &resultRow{
		check:   widget.NewCheck("", nil),
		date:    widget.NewLabel("2000-00-00"),
		from:    widget.NewLabel(""),
		subject: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		folder:  widget.NewLabel(""),
		clip:    widget.NewIcon(nil),
		snippet: widget.NewRichText(),
	}
	for _, l := range []*widget.Label{r.from, r.subject, r.folder} {
		l.Truncation = fyne.TextTruncateEllipsis
	}
	r.folder.Importance = widget.LowImportance
	r.snippet.Truncation = fyne.TextTruncateEllipsis
	r.ExtendBaseWidget(r)
	return r
}

func (r *resultRow) CreateRenderer() fyne.WidgetRenderer {
	top := container.New(&rowLayout{}, r.date, r.from, r.subject, r.folder, r.clip)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, r.check, nil,
		container.New(&stackedLayout{}, top, r.snippet)))
}

// show fills the row with a result of search gen.
func (r *resultRow) show(gen uint64, res store.Result, selected bool, onCheck func(bool)) {
	r.check.OnChanged = nil
	r.check.SetChecked(selected)
	r.check.OnChanged = onCheck
	r.check.Enable()
	if r.gen == gen && r.id == res.ID {
		return // its texts are there already
	}
	r.gen, r.id = gen, res.ID
	r.date.SetText(shortDate(res.Date))
	r.from.SetText(senderName(res.From))
	subject := res.Subject
	if strings.TrimSpace(subject) == "" {
		subject = "(no subject)"
	}
	r.subject.SetText(subject)
	r.folder.SetText(foundIn(res.Locations))
	if len(res.Attachments) > 0 {
		r.clip.SetResource(theme.MailAttachmentIcon())
	} else {
		r.clip.SetResource(nil)
	}
	r.snippet.Segments = snippetSegments(res.Snippet)
	r.snippet.Refresh()
}

// showLoading blanks the row while its page is read.
func (r *resultRow) showLoading() {
	r.gen, r.id = 0, 0
	r.check.OnChanged = nil
	r.check.SetChecked(false)
	r.check.Disable()
	r.date.SetText("")
	r.from.SetText("")
	r.subject.SetText("…")
	r.folder.SetText("")
	r.clip.SetResource(nil)
	r.snippet.Segments = nil
	r.snippet.Refresh()
}

// snippetSegments makes a snippet's rich text: the matched words bold, in the
// theme's primary colour.
func snippetSegments(parts []store.SnippetPart) []widget.RichTextSegment {
	segs := make([]widget.RichTextSegment, 0, len(parts))
	for _, p := range parts {
		style := widget.RichTextStyleInline
		style.ColorName = theme.ColorNamePlaceHolder
		if p.Match {
			style.TextStyle.Bold = true
			style.ColorName = theme.ColorNameForeground
		}
		segs = append(segs, &widget.TextSegment{Text: p.Text, Style: style})
	}
	return segs
}

// shortDate writes a message date for a list: its day, in the computer's zone.
func shortDate(t time.Time) string {
	return t.Local().Format("2006-01-02")
}

// foundIn names where a message was seen, for a list: its first folder, and
// how many more places there are.
func foundIn(locs []store.Location) string {
	if len(locs) == 0 {
		return ""
	}
	s := locs[0].Folder
	if n := len(locs) - 1; n > 0 {
		s += fmt.Sprintf(" +%d", n)
	}
	return s
}

// rowLayout places a row's date, sender, subject, folder and clip in fixed
// columns, so that the rows line up; the subject takes what is left.
type rowLayout struct{}

const (
	colDate   = 96
	colFrom   = 190
	colFolder = 130
)

func (rowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	clip := theme.IconInlineSize()
	h := size.Height
	x := float32(0)
	place := func(o fyne.CanvasObject, w float32) {
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(max(w, 0), h))
		x += w
	}
	subject := size.Width - colDate - colFrom - colFolder - clip
	place(objs[0], colDate)
	place(objs[1], colFrom)
	place(objs[2], subject)
	place(objs[3], colFolder)
	objs[4].Move(fyne.NewPos(x, (h-clip)/2))
	objs[4].Resize(fyne.NewSize(clip, clip))
}

func (rowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := objs[0].MinSize().Height
	return fyne.NewSize(colDate+colFrom+colFolder+theme.IconInlineSize()+80, h)
}

// stackedLayout puts the snippet right under the row's first line, closer
// than a VBox would.
type stackedLayout struct{}

func (stackedLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	top := objs[0].MinSize().Height
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width, top))
	overlap := theme.InnerPadding()
	objs[1].Move(fyne.NewPos(0, top-overlap))
	objs[1].Resize(fyne.NewSize(size.Width, size.Height-top+overlap))
}

func (stackedLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(a.Width, b.Width), a.Height+b.Height-theme.InnerPadding())
}
