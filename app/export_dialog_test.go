package app

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/internal/buildtest"
	"github.com/mailkeep/mailkeep/store"
)

// exportAndWait runs the export dialog d to out in format and waits for it
// to end.
func exportAndWait(t *testing.T, d *exportDialog, out string, format store.ExportFormat) (int, error) {
	t.Helper()
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	onUI(d.a, func() {
		d.done = func(n int, err error) { done <- result{n, err} }
		if format == store.FormatEML {
			d.format.SetSelected(exportEMLChoice)
		} else {
			d.format.SetSelected(exportMboxChoice)
		}
		d.path.SetText(out)
		test.Tap(d.start)
	})
	select {
	case r := <-done:
		return r.n, r.err
	case <-time.After(2 * time.Minute):
		t.Fatal("the export did not end in two minutes")
	}
	return 0, nil
}

// TestExportDialog exports a search's results from the search view and
// checks that the files are, byte for byte, what mailkeep-cli export writes
// for the same query; and that ticked results export just those messages.
func TestExportDialog(t *testing.T) {
	f := newSearchFixture(t, fixtureCorpus()[:200])
	cli := buildtest.CLI(t, runtime.GOOS)
	w, sv := openSearch(t, f, 10*time.Millisecond)
	for _, c := range []struct {
		query  string
		format store.ExportFormat
	}{
		{"zephyr", store.FormatMbox},
		{"Müller OR 請求書", store.FormatEML},
		{"", store.FormatMbox},
		{"has:attachment folder:Work", store.FormatEML},
	} {
		t.Run(c.query+" "+string(c.format), func(t *testing.T) {
			act(sv, func() { sv.query.SetText(c.query) })
			waitIdle(t, sv)
			act(sv, func() { test.Tap(sv.export) })
			d := sv.exporting
			var shown string
			act(sv, func() { shown = labelsText(w) })
			if d == nil || !strings.Contains(shown, "Every message") {
				t.Fatal("Export… opened no dialog offering every message found")
			}
			dir := t.TempDir()
			gui, byCLI := filepath.Join(dir, "gui"), filepath.Join(dir, "cli")
			n, err := exportAndWait(t, d, gui, c.format)
			if err != nil {
				t.Fatal(err)
			}
			if n != sv.results.length() || n == 0 {
				t.Errorf("exported %d messages, the search found %d", n, sv.results.length())
			}
			if !strings.HasPrefix(d.status.Text, "Done: ") {
				t.Errorf("status after the export: %q", d.status.Text)
			}
			cmd := exec.Command(cli, "--db", f.a.store.Path(), "export", c.query, "--out", byCLI, "--format", string(c.format))
			cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "MAILKEEP_DB=")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("mailkeep-cli export: %v\n%s", err, out)
			}
			sameFiles(t, gui, byCLI)
			act(sv, func() { d.closeOrCancel() })
		})
	}

	t.Run("ticked", func(t *testing.T) {
		act(sv, func() { sv.query.SetText("walrus") })
		waitIdle(t, sv)
		var ticked []int64
		act(sv, func() {
			for _, o := range test.LaidOutObjects(w.Content()) {
				if row, ok := o.(*resultRow); ok && row.subject.Text != "" && len(ticked) < 3 && !row.check.Disabled() {
					test.TapAt(row.check, fyne.NewPos(8, row.check.Size().Height/2))
					ticked = append(ticked, 0)
				}
			}
		})
		if len(ticked) < 2 {
			t.Fatalf("only %d rows to tick", len(ticked))
		}
		ids := sv.results.selectedIDs()
		if len(ids) != len(ticked) || sv.export.Text != "Export "+string(rune('0'+len(ticked)))+"…" {
			t.Fatalf("ticked %d rows: %d selected, button %q", len(ticked), len(ids), sv.export.Text)
		}
		act(sv, func() { test.Tap(sv.export) })
		out := filepath.Join(t.TempDir(), "ticked")
		n, err := exportAndWait(t, sv.exporting, out, store.FormatEML)
		if err != nil || n != len(ids) {
			t.Fatalf("exported %d of %d ticked: %v", n, len(ids), err)
		}
		files, _ := os.ReadDir(out)
		var got [][]byte
		for _, fe := range files {
			b, _ := os.ReadFile(filepath.Join(out, fe.Name()))
			got = append(got, b)
		}
		for _, id := range ids {
			raw := f.byID[id].Raw
			if !slices.ContainsFunc(got, func(b []byte) bool { return bytes.Equal(b, raw) }) {
				t.Errorf("ticked message %d is not among the files exported", id)
			}
		}
		if len(got) != len(ids) {
			t.Errorf("%d files for %d ticked messages", len(got), len(ids))
		}
	})

	t.Run("cancel", func(t *testing.T) {
		d := f.a.newExportDialog(w, exportRequest{query: ""})
		done := make(chan error, 1)
		out := filepath.Join(t.TempDir(), "all.mbox")
		onUI(d.a, func() {
			d.done = func(_ int, err error) { done <- err }
			d.path.SetText(out)
			test.Tap(d.start)
			test.Tap(d.close) // Cancel, at once
		})
		err := <-done
		if err == nil {
			t.Skip("the export ended before Cancel could stop it")
		}
		if !strings.HasPrefix(d.status.Text, "Stopped.") || d.close.Text != "Close" {
			t.Errorf("after Cancel: status %q, button %q (err %v)", d.status.Text, d.close.Text, err)
		}
		if _, err := os.Stat(out); err == nil {
			t.Error("a cancelled mbox export left its file")
		}
		leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*part"))
		if len(leftovers) > 0 {
			t.Errorf("a cancelled export left %q", leftovers)
		}
	})

	t.Run("no place", func(t *testing.T) {
		d := f.a.newExportDialog(w, exportRequest{query: "zephyr"})
		d.path.SetText("")
		test.Tap(d.start)
		if !strings.Contains(d.status.Text, "Choose where") || d.cancel != nil {
			t.Errorf("with no place to save: status %q, running %v", d.status.Text, d.cancel != nil)
		}
	})
}

// sameFiles fails unless a and b (files, or folders of files) hold the same
// names and bytes.
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	fa, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	if !fa.IsDir() {
		da, _ := os.ReadFile(a)
		db, err := os.ReadFile(b)
		if err != nil || !bytes.Equal(da, db) || len(da) == 0 {
			t.Errorf("%s and %s differ (%d and %d bytes, %v)", a, b, len(da), len(db), err)
		}
		return
	}
	ea, _ := os.ReadDir(a)
	eb, _ := os.ReadDir(b)
	if len(ea) != len(eb) || len(ea) == 0 {
		t.Errorf("%s holds %d files, %s %d", a, len(ea), b, len(eb))
		return
	}
	for i := range ea {
		if ea[i].Name() != eb[i].Name() {
			t.Errorf("file %d: %s and %s", i, ea[i].Name(), eb[i].Name())
			continue
		}
		sameFiles(t, filepath.Join(a, ea[i].Name()), filepath.Join(b, eb[i].Name()))
	}
}

// labelsText is the text of every label in w, its dialogs too.
func labelsText(w fyne.Window) string {
	var b strings.Builder
	objs := []fyne.CanvasObject{w.Content()}
	objs = append(objs, w.Canvas().Overlays().List()...)
	for _, root := range objs {
		for _, o := range test.LaidOutObjects(root) {
			if l, ok := o.(*widget.Label); ok {
				b.WriteString(l.Text + "\n")
			}
		}
	}
	return b.String()
}
