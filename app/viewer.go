package app

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/store"
)

// bodyWrap is how many characters a line of the message's text has at most:
// lines are wrapped once, so that the text is a list of lines drawn only as
// they scroll into view (a wrapping label lays out all of a long text, which
// takes seconds).
const bodyWrap = 96

// viewer is one message shown in a window of its own: its header, its text,
// its attachments, and ways to take it out of the archive as it is.
type viewer struct {
	a       *App
	win     fyne.Window
	msg     store.Message
	raw     []byte
	content store.Content
	lines   []string // the text, wrapped at bodyWrap

	// chooseSave asks where to save a file named name and calls save with
	// it (Fyne's file dialog; tests choose for the person).
	chooseSave func(name string, save func(fyne.URIWriteCloser, error))
	// openURL opens a file with the system's app for it.
	openURL func(*url.URL) error
}

// showMessage opens message id in a window of its own.
func (a *App) showMessage(id int64) {
	w := a.fyne.NewWindow("Message — Mailkeep")
	w.SetContent(container.NewCenter(widget.NewLabel("Opening the message…")))
	w.Resize(fyne.NewSize(820, 680))
	w.Show()
	a.background(func(ctx context.Context) {
		v, err := a.loadMessage(ctx, id)
		a.do(func() {
			if err != nil {
				msg := widget.NewLabel("This message cannot be shown: " + err.Error())
				msg.Wrapping = fyne.TextWrapWord
				w.SetContent(container.NewPadded(msg))
				return
			}
			v.win = w
			w.SetTitle(v.title())
			w.SetContent(v.view())
		})
	})
}

// loadMessage reads and decodes message id (off Fyne's goroutine).
func (a *App) loadMessage(ctx context.Context, id int64) (*viewer, error) {
	msg, err := a.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	raw, err := a.store.Raw(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &viewer{a: a, msg: msg, raw: raw, content: store.ReadContent(raw), openURL: a.fyne.OpenURL}
	text := v.content.Text
	if strings.TrimSpace(text) == "" {
		text = "(This message has no text.)"
	}
	v.lines = wrapLines(text, bodyWrap)
	v.chooseSave = v.fileSaveDialog
	return v, nil
}

// fileSaveDialog is Fyne's dialog for choosing where to save.
func (v *viewer) fileSaveDialog(name string, save func(fyne.URIWriteCloser, error)) {
	d := dialog.NewFileSave(save, v.win)
	d.SetFileName(name)
	d.Show()
}

// saveFile asks where to save data, suggesting name, and writes it there.
func (v *viewer) saveFile(name string, data []byte) {
	v.chooseSave(name, func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, v.win)
			return
		}
		if w == nil {
			return // cancelled
		}
		if err := writeAll(w, data); err != nil {
			dialog.ShowError(fileSaveError(w.URI().Path(), err), v.win)
		}
	})
}

// openFile writes data to a temporary file named name and asks the system
// to open it with its app; what names the failure.
func (v *viewer) openFile(name string, data []byte, what string) {
	path, err := writeTempFile(name, data)
	if err == nil {
		err = v.openURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(path)})
	}
	if err != nil {
		dialog.ShowError(fmt.Errorf("could not open %s: %w — save it with the Save button and open the file from there", what, err), v.win)
	}
}

func (v *viewer) title() string {
	return subjectOrNone(v.msg.Subject) + " — Mailkeep"
}

func subjectOrNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(no subject)"
	}
	return s
}

// view lays the message out: header, buttons, attachments, text.
func (v *viewer) view() fyne.CanvasObject {
	top := container.NewVBox(v.header(), v.buttons())
	if len(v.content.Attachments) > 0 {
		top.Add(widget.NewSeparator())
		top.Add(v.attachmentsView())
	}
	top.Add(widget.NewSeparator())
	return container.NewBorder(container.NewPadded(top), nil, nil, nil, v.body())
}

// header is the message's From, To, Cc, Date, Subject and where it was found.
func (v *viewer) header() fyne.CanvasObject {
	form := container.New(layout.NewFormLayout())
	add := func(name, value string, bold bool) {
		if strings.TrimSpace(value) == "" {
			return
		}
		key := widget.NewLabelWithStyle(name, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		val := widget.NewLabelWithStyle(value, fyne.TextAlignLeading, fyne.TextStyle{Bold: bold})
		val.Wrapping = fyne.TextWrapWord
		val.Selectable = true
		form.Add(key)
		form.Add(val)
	}
	add("Subject", subjectOrNone(v.msg.Subject), true)
	add("From", v.msg.From, false)
	add("To", v.msg.To, false)
	add("Cc", v.msg.Cc, false)
	add("Date", longDate(v.msg.Date), false)
	add("Found in", placesText(v.msg.Locations), false)
	return form
}

// longDate writes a message's date in full, in the computer's zone.
func longDate(t time.Time) string {
	return t.Local().Format("Monday 2 January 2006, 15:04")
}

// placesText says where a message was seen: "INBOX in anna@contoso.com".
func placesText(locs []store.Location) string {
	var parts []string
	for _, l := range locs {
		account := l.Account
		if account == store.ImportAccount {
			account = "imported files"
		}
		parts = append(parts, l.Folder+" in "+account)
	}
	return strings.Join(parts, "; ")
}

func (v *viewer) buttons() fyne.CanvasObject {
	save := widget.NewButtonWithIcon("Save as .eml…", theme.DocumentSaveIcon(), v.saveEML)
	open := widget.NewButtonWithIcon("Open in mail app", theme.MailComposeIcon(), v.openInMailApp)
	orig := widget.NewButtonWithIcon("Show original", theme.FileTextIcon(), v.showOriginal)
	copyText := widget.NewButtonWithIcon("Copy text", theme.ContentCopyIcon(), v.copyText)
	return container.NewHBox(save, open, orig, copyText)
}

// body is the message's text: a list of its lines.
func (v *viewer) body() fyne.CanvasObject {
	list := widget.NewList(
		func() int { return len(v.lines) },
		func() fyne.CanvasObject {
			return canvas.NewText("", theme.Color(theme.ColorNameForeground))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			t := o.(*canvas.Text)
			t.Text = v.lines[i]
			t.Refresh()
		})
	list.HideSeparators = true
	return container.NewPadded(list)
}

// wrapLines cuts text into lines of at most width characters, breaking at
// spaces where it can; tabs become four spaces.
func wrapLines(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		para = strings.ReplaceAll(strings.TrimRight(para, "\r"), "\t", "    ")
		for utf8.RuneCountInString(para) > width {
			// The byte offset of the width-th rune, and the last space
			// before it.
			cut, n := 0, 0
			for i := range para {
				if n == width {
					cut = i
					break
				}
				n++
			}
			brk := strings.LastIndexByte(para[:cut], ' ')
			if brk <= 0 {
				brk = cut
			}
			out = append(out, para[:brk])
			para = strings.TrimLeft(para[brk:], " ")
		}
		out = append(out, para)
	}
	return out
}

// copyText puts the message's text on the clipboard.
func (v *viewer) copyText() {
	v.a.fyne.Clipboard().SetContent(v.content.Text)
}

// emlName is a file name for the message: its subject's words and .eml.
func (v *viewer) emlName() string {
	return safeFileName(v.msg.Subject, "message") + ".eml"
}

// safeFileName keeps the letters, digits, spaces, dots, dashes and
// underscores of name (at most 80 characters), for a file name on any
// system; fallback when nothing is left.
func safeFileName(name, fallback string) string {
	var b strings.Builder
	n := 0
	for _, r := range name {
		if n >= 80 {
			break
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.':
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		default:
			b.WriteRune('-')
		}
		n++
	}
	s := strings.Trim(strings.Join(strings.Fields(b.String()), " "), " .-")
	if s == "" {
		return fallback
	}
	return s
}

// saveEML asks where to save the message's exact bytes.
func (v *viewer) saveEML() { v.saveFile(v.emlName(), v.raw) }

// writeAll writes data and closes w.
func writeAll(w io.WriteCloser, data []byte) error {
	_, err := w.Write(data)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

func fileSaveError(path string, err error) error {
	return fmt.Errorf("could not save %s: %w — check that the disk has room and that you may write there, or choose another place", path, err)
}

// openInMailApp writes the message's exact bytes to a temporary .eml file
// and asks the system to open it (with the mail app that opens .eml files).
func (v *viewer) openInMailApp() { v.openFile(v.emlName(), v.raw, "the message in your mail app") }

// openedFilesDir holds the files opened with the system's apps; files older
// than a day are cleared when another is opened.
func openedFilesDir() string { return filepath.Join(os.TempDir(), "mailkeep-opened") }

// writeTempFile writes data to a new file named name in a folder of its own
// under openedFilesDir, readable only by its owner, and returns its path.
func writeTempFile(name string, data []byte) (string, error) {
	root := openedFilesDir()
	if err := os.MkdirAll(root, 0o700); err != nil {
		return "", err
	}
	if old, err := os.ReadDir(root); err == nil {
		for _, e := range old {
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
				os.RemoveAll(filepath.Join(root, e.Name()))
			}
		}
	}
	dir, err := os.MkdirTemp(root, "open-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", err
	}
	return path, nil
}

// showOriginal shows the message's raw source, read-only, in a monospace
// list of its lines (a list, so a 20 MiB message opens at once).
func (v *viewer) showOriginal() {
	w := v.a.fyne.NewWindow("Original — " + subjectOrNone(v.msg.Subject))
	w.SetContent(originalView(v.raw))
	w.Resize(fyne.NewSize(820, 680))
	w.Show()
}

// originalView lists raw's lines in monospace.
func originalView(raw []byte) fyne.CanvasObject {
	text := strings.ToValidUTF8(string(raw), "\uFFFD")
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	list := widget.NewList(
		func() int { return len(lines) },
		func() fyne.CanvasObject {
			// Plain text, not a label: the lines sit as close as in a
			// text editor.
			t := canvas.NewText("", theme.Color(theme.ColorNameForeground))
			t.TextStyle = fyne.TextStyle{Monospace: true}
			return t
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			line := lines[i]
			if len(line) > 1000 {
				line = line[:1000] + " …"
			}
			t := o.(*canvas.Text)
			t.Text = strings.ReplaceAll(line, "\t", "    ")
			t.Refresh()
		})
	list.HideSeparators = true
	note := widget.NewLabel(fmt.Sprintf("The message exactly as it was received: %s, %s lines.", byteSize(int64(len(raw))), thousands(len(lines))))
	return container.NewBorder(note, nil, nil, nil, container.NewPadded(list))
}

// byteSize writes a size in bytes for people: 12 KB, 3.4 MB.
func byteSize[T int | int64](n T) string {
	switch f := float64(n); {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.0f KB", f/1000)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", f/1000/1000)
	default:
		return fmt.Sprintf("%.1f GB", f/1000/1000/1000)
	}
}
