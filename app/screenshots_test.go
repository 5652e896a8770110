package app

import (
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// TestScreenshots draws the search view with results, a message in the
// viewer, and the export and import dialogs with the default theme, and
// writes them as PNG files: into $MAILKEEP_SCREENSHOTS when it is set (to look
// at them, or to update docs/screenshots), else into the test's temporary
// folder.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("MAILKEEP_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	f := newSearchFixture(t, fixtureCorpus()[:200])
	f.a.fyne.Settings().SetTheme(theme.DefaultTheme())
	w, sv := openSearch(t, f, 10*time.Millisecond)
	act(sv, func() { sv.query.SetText("zephyr after:2010-01-01") })
	waitIdle(t, sv)
	captureWindow(t, w, filepath.Join(dir, "search.png"))

	act(sv, func() { sv.showHelp() })
	captureWindow(t, w, filepath.Join(dir, "search-help.png"))
	act(sv, func() {
		for _, o := range w.Canvas().Overlays().List() {
			w.Canvas().Overlays().Remove(o)
		}
	})

	act(sv, func() { sv.exportResults() })
	captureWindow(t, w, filepath.Join(dir, "export.png"))
	act(sv, func() { sv.exporting.dlg.Hide() })

	// The message with the most attachments of the results.
	var id int64
	most := -1
	for i := range sv.results.length() {
		r, _, ok := sv.results.row(i)
		if ok && len(r.Attachments) > most && f.byID[r.ID].WellFormed() {
			id, most = r.ID, len(r.Attachments)
		}
	}
	v, err := f.a.loadMessage(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	vw := test.NewWindow(v.view())
	defer vw.Close()
	v.win = vw
	vw.Resize(fyne.NewSize(820, 680))
	captureWindow(t, vw, filepath.Join(dir, "viewer.png"))
	vw.SetContent(originalView(v.raw))
	captureWindow(t, vw, filepath.Join(dir, "original.png"))

	iw := test.NewWindow(nil)
	defer iw.Close()
	iw.Resize(fyne.NewSize(820, 560))
	d := f.a.newImportDialog(iw)
	d.addPath("/home/anna/Old mail/Thunderbird export.mbox")
	d.dlg.Show()
	captureWindow(t, iw, filepath.Join(dir, "import.png"))
}

// capture draws w and writes it to path.
func captureWindow(t *testing.T, w fyne.Window, path string) {
	t.Helper()
	img := w.Canvas().Capture()
	if img == nil || img.Bounds().Dx() < 100 || isBlank(img) {
		t.Fatalf("%s: the window drew nothing", filepath.Base(path))
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := png.Encode(out, img); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

// isBlank says whether every pixel of img is the same.
func isBlank(img image.Image) bool {
	b := img.Bounds()
	first := img.At(b.Min.X, b.Min.Y)
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			if img.At(x, y) != first {
				return false
			}
		}
	}
	return true
}
