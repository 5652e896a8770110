package app

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"

	"github.com/mailkeep/mailkeep/store/storetest"
)

// goMessageAttachments decodes a raw message's attachments with go-message
// alone: the parts marked as attachments, in order, their transfer encoding
// undone. It is the reference the viewer's saved files are held to.
func goMessageAttachments(t *testing.T, raw []byte) [][]byte {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("go-message cannot read the message: %v", err)
	}
	var out [][]byte
	err = e.Walk(func(_ []int, part *message.Entity, err error) error {
		if err != nil {
			return err
		}
		if part.MultipartReader() != nil {
			return nil
		}
		if disp, _, _ := part.Header.ContentDisposition(); disp != "attachment" {
			return nil
		}
		b, err := io.ReadAll(part.Body)
		out = append(out, b)
		return err
	})
	if err != nil {
		t.Fatalf("go-message cannot walk the message: %v", err)
	}
	return out
}

// viewerCases picks messages worth opening from the corpus: well-formed ones
// with attachments (names in several scripts and encodings), HTML only, and
// plain and HTML versions of one text.
func viewerCases(msgs []storetest.Message) []storetest.Message {
	var out []storetest.Message
	seen := map[string]int{}
	for _, m := range msgs {
		if !m.WellFormed() || m.AttachmentsUnsure || m.Body == "" {
			continue
		}
		kind := m.Structure
		if len(m.Attachments) > 0 {
			kind = "attachments " + m.Attachments[0].NameEncoding
		}
		if seen[kind] < 2 {
			seen[kind]++
			out = append(out, m)
		}
	}
	return out
}

// TestViewer opens messages and checks what the window shows against the
// model, and that every button that writes a file writes the exact bytes:
// the raw message for .eml, each attachment as go-message decodes it.
func TestViewer(t *testing.T) {
	f := newSearchFixture(t, fixtureCorpus()[:200])
	cases := viewerCases(f.msgs)
	kinds := map[string]bool{}
	for _, m := range cases {
		kinds[m.Structure] = true
	}
	for _, k := range []string{"text/html", "multipart/alternative", "multipart/mixed"} {
		if !kinds[k] {
			t.Fatalf("the corpus offers no %s message to open", k)
		}
	}
	for _, m := range cases {
		t.Run(describeMessage(m), func(t *testing.T) {
			id := f.ids[m.Index]
			v, err := f.a.loadMessage(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var suggested []string
			v.chooseSave = func(name string, save func(fyne.URIWriteCloser, error)) {
				suggested = append(suggested, name)
				w, err := storage.Writer(storage.NewFileURI(filepath.Join(dir, "saved")))
				save(w, err)
			}
			var opened []*url.URL
			v.openURL = func(u *url.URL) error { opened = append(opened, u); return nil }
			w := test.NewWindow(v.view())
			defer w.Close()
			v.win = w
			w.Resize(fyne.NewSize(820, 680))

			labels := map[string]bool{}
			var texts []string
			buttons := map[string][]*widget.Button{}
			for _, o := range test.LaidOutObjects(w.Content()) {
				switch o := o.(type) {
				case *widget.Label:
					labels[o.Text] = true
					texts = append(texts, o.Text)
				case *widget.Button:
					buttons[o.Text] = append(buttons[o.Text], o)
				}
			}
			// The header.
			if want := subjectOrNone(m.Subject); !labels[want] {
				t.Errorf("no label shows the subject %q", want)
			}
			if !labels[longDate(v.msg.Date)] {
				t.Errorf("no label shows the date %q", longDate(v.msg.Date))
			}
			if want := fixtureFolders[m.Index%4] + " in imported files"; !strings.Contains(strings.Join(texts, "\n"), want) {
				t.Errorf("nothing says the message was found in %q", want)
			}
			if !strings.Contains(strings.Join(texts, "\n"), m.From.Addr) {
				t.Errorf("nothing shows the sender %s", m.From.Addr)
			}
			// The text: the model's body, and no markup; the lines on
			// screen are its first lines.
			body := strings.Join(v.lines, "\n")
			if !inOrder(storetest.Tokens(body), storetest.Tokens(m.Body)) {
				t.Errorf("the text shown, %.200q, does not hold the body %.200q", body, m.Body)
			}
			if strings.Contains(body, "<p>") || strings.Contains(body, "</") {
				t.Errorf("the text shown has HTML markup: %.200q", body)
			}
			var drawn []string
			for _, o := range test.LaidOutObjects(w.Content()) {
				if c, ok := o.(*canvas.Text); ok && c.Visible() {
					drawn = append(drawn, c.Text)
				}
			}
			if len(drawn) == 0 || !strings.HasPrefix(strings.Join(v.lines, "\n"), strings.Join(drawn[:min(3, len(drawn))], "\n")) {
				t.Errorf("the lines drawn %q are not the text's first lines %q", drawn[:min(3, len(drawn))], v.lines[:min(3, len(v.lines))])
			}

			// Each attachment: its name and size shown, and Save… writes
			// the bytes go-message decodes.
			ref := goMessageAttachments(t, m.Raw)
			saves := buttons["Save…"]
			if len(saves) != len(m.Attachments) || len(ref) != len(m.Attachments) {
				t.Fatalf("%d Save… buttons, %d attachments decoded by go-message, the model has %d", len(saves), len(ref), len(m.Attachments))
			}
			for i, a := range m.Attachments {
				if !labels[a.Filename] || !labels[byteSize(len(a.Data))] {
					t.Errorf("attachment %d: no label shows its name %q and size %s", i, a.Filename, byteSize(len(a.Data)))
				}
				test.Tap(saves[i])
				got, err := os.ReadFile(filepath.Join(dir, "saved"))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, ref[i]) || !bytes.Equal(got, a.Data) {
					t.Errorf("attachment %d (%s): saved %d bytes, go-message decodes %d, the model has %d; same as go-message: %v",
						i, a.Filename, len(got), len(ref[i]), len(a.Data), bytes.Equal(got, ref[i]))
				}
				if want := v.attachmentFileName(i); suggested[len(suggested)-1] != want || strings.ContainsAny(want, `/\:`) {
					t.Errorf("attachment %d: the save dialog suggested %q, want %q, a name with no folder in it", i, suggested[len(suggested)-1], want)
				}
				// Open writes the same bytes to a file of that name and
				// opens it.
				openButtons := buttons["Open"]
				test.Tap(openButtons[i])
				checkOpened(t, opened, v.attachmentFileName(i), a.Data)
			}

			// Save as .eml and Open in mail app: the exact raw bytes.
			test.Tap(buttons["Save as .eml…"][0])
			if got, _ := os.ReadFile(filepath.Join(dir, "saved")); !bytes.Equal(got, m.Raw) {
				t.Errorf("Save as .eml wrote %d bytes that differ from the message's %d", len(got), len(m.Raw))
			}
			if name := suggested[len(suggested)-1]; !strings.HasSuffix(name, ".eml") {
				t.Errorf("Save as .eml suggests %q", name)
			}
			test.Tap(buttons["Open in mail app"][0])
			checkOpened(t, opened, v.emlName(), m.Raw)

			// Show original: a window with the raw source.
			before := len(f.a.fyne.Driver().AllWindows())
			test.Tap(buttons["Show original"][0])
			wins := f.a.fyne.Driver().AllWindows()
			if len(wins) != before+1 || !strings.HasPrefix(wins[len(wins)-1].Title(), "Original — ") {
				t.Errorf("Show original opened no window titled Original")
			} else {
				wins[len(wins)-1].Close()
			}
		})
	}
}

// checkOpened checks that the last URL opened is a file of that name holding
// want.
func checkOpened(t *testing.T, opened []*url.URL, name string, want []byte) {
	t.Helper()
	if len(opened) == 0 {
		t.Fatal("nothing was opened")
	}
	u := opened[len(opened)-1]
	path := filepath.FromSlash(u.Path)
	if u.Scheme != "file" || filepath.Base(path) != name {
		t.Errorf("opened %s, want a file named %s", u, name)
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("the file opened holds %d bytes (%v), want the %d bytes", len(got), err, len(want))
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm() != 0o600 {
		t.Errorf("the file opened has mode %v, want 0600: it holds mail", fi.Mode().Perm())
	}
	os.RemoveAll(filepath.Dir(path))
}

// TestViewerOriginal checks that Show original lists the raw lines.
func TestViewerOriginal(t *testing.T) {
	raw := []byte("Subject: x\r\nFrom: a@b\r\n\r\nline one\r\n\tline two\r\n")
	w := test.NewWindow(originalView(raw))
	defer w.Close()
	w.Resize(fyne.NewSize(600, 400))
	var got []string
	for _, o := range test.LaidOutObjects(w.Content()) {
		if l, ok := o.(*canvas.Text); ok && l.TextStyle.Monospace {
			got = append(got, l.Text)
		}
	}
	want := []string{"Subject: x", "From: a@b", "", "line one", "    line two", ""}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("original shows %q, want %q", got, want)
	}
}

func TestWrapLines(t *testing.T) {
	cases := []struct {
		text  string
		width int
		want  []string
	}{
		{"short", 10, []string{"short"}},
		{"one two three four", 9, []string{"one two", "three", "four"}},
		{"abcdefghijklmnop", 5, []string{"abcde", "fghij", "klmno", "p"}},
		{"a\r\nb\n\nc", 5, []string{"a", "b", "", "c"}},
		{"\tx", 10, []string{"    x"}},
		{"Grüße aus München", 6, []string{"Grüße", "aus", "Münche", "n"}},
		{"", 5, []string{""}},
	}
	for _, c := range cases {
		got := wrapLines(c.text, c.width)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrapLines(%q, %d) = %q, want %q", c.text, c.width, got, c.want)
		}
		for _, l := range got {
			if n := len([]rune(l)); n > c.width {
				t.Errorf("wrapLines(%q, %d): line %q has %d characters", c.text, c.width, l, n)
			}
		}
	}
}

func TestSafeFileName(t *testing.T) {
	cases := map[string]string{
		"Invoice März 2023":      "Invoice März 2023",
		"../../etc/passwd":       "etc-passwd",
		"a/b\\c:d":               "a-b-c-d",
		"":                       "fallback",
		"   ...  ":               "fallback",
		"請求書 (copy)":             "請求書 -copy",
		strings.Repeat("x", 200): strings.Repeat("x", 80),
	}
	for in, want := range cases {
		if got := safeFileName(in, "fallback"); got != want {
			t.Errorf("safeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// inOrder says whether want's words are in have in the same order (other
// words between them allowed).
func inOrder(have, want []string) bool {
	i := 0
	for _, w := range have {
		if i < len(want) && w == want[i] {
			i++
		}
	}
	return i == len(want)
}

func describeMessage(m storetest.Message) string {
	s := m.Structure + " " + m.Charset
	if len(m.Attachments) > 0 {
		s += " " + m.Attachments[0].NameEncoding
	}
	return s
}
