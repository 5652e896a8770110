package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/mailkeep/mailkeep/store"
	"github.com/mailkeep/mailkeep/store/storetest"
)

// The benchmarks' archive: messages of the realistic mix, kept under
// os.TempDir() by size and seed, so that reruns skip the minutes it takes to
// build (delete the folder mailkeep-bench to build it again).
const (
	benchSeed     = 42
	benchMessages = 100_000
	benchVersion  = 1 // bump when the way the archive is built changes
)

// benchMailboxes and benchFolders are where the benchmark's messages were
// seen, round robin.
var (
	benchMailboxes = []string{"info@contoso.com", "sales@contoso.com", "support@contoso.com"}
	benchFolders   = []string{"INBOX", "Sent Items", "Archive/2019", "Archive/2020", "Projects"}
)

// benchArchive returns a copy-free path to the cached archive of n messages,
// building it first when there is none.
func benchArchive(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "mailkeep-bench")
	path := filepath.Join(dir, fmt.Sprintf("search-%d-seed%d-v%d.mailkeep", n, benchSeed, benchVersion))
	done := path + ".complete"
	if _, err := os.Stat(done); err == nil {
		return path
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	t0 := time.Now()
	ctx := context.Background()
	s, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	var batch []store.Incoming
	flush := func() {
		if _, err := s.Ingest(ctx, store.Batch{Messages: batch}); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	i := 0
	for m := range storetest.All(benchSeed, n, storetest.MixReal) {
		batch = append(batch, store.Incoming{Raw: m.Raw, DateHint: m.Envelope, Location: store.Location{
			Account: benchMailboxes[i%len(benchMailboxes)], Folder: benchFolders[(i/3)%len(benchFolders)], UIDValidity: 1, UID: fmt.Sprint(i + 1)}})
		i++
		if len(batch) == 500 {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(done, nil, 0o600); err != nil {
		b.Fatal(err)
	}
	b.Logf("built the %d-message archive in %s: %s", n, time.Since(t0).Round(time.Second), path)
	return path
}

// openBenchSearch opens an App on the cached archive and a search view on it
// with no typing pause, so that what is timed is the search and the drawing.
func openBenchSearch(b *testing.B) (*App, fyne.Window, *searchView) {
	b.Helper()
	path := benchArchive(b, benchMessages)
	a, err := New(test.NewTempApp(b), Config{ArchivePath: path, Getenv: func(string) string { return "" }, UI: newUILoop(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	w := test.NewWindow(nil)
	b.Cleanup(w.Close)
	sv := a.newSearchPane(w)
	sv.delay = 0
	act(sv, func() {
		w.SetContent(sv.content())
		w.Resize(fyne.NewSize(960, 640))
		sv.runSearch("")
	})
	waitIdle(b, sv)
	return a, w, sv
}

// benchQueries are typed into the box: common and rare words, non-ASCII
// words, fields, and the empty query (every message).
var benchQueries = []struct{ name, query string }{
	{"all", ""},
	{"common word", "lorem"},
	{"topic word", "zephyr"},
	{"two words", "zephyr quokka"},
	{"non-ASCII", "Müller"},
	{"CJK", "請求書"},
	{"phrase", `"quarterly budget review"`},
	{"from", "from:alice"},
	{"has attachment", "has:attachment"},
	{"folder and date", "folder:Projects after:2015-01-01"},
	{"prefix", "marm*"},
	{"nothing", "xylophonist"},
}

// BenchmarkSearchKeystroke times, on a 100,000-message archive, what a person
// waits for after typing: from the query text changing to the first results
// drawn in the list (ms/first-results), and to the count shown with all
// matches known (ms/count). The typing pause (250 ms in the app) is left out.
func BenchmarkSearchKeystroke(b *testing.B) {
	_, _, sv := openBenchSearch(b)
	for _, q := range benchQueries {
		b.Run(q.name, func(b *testing.B) {
			shown := make(chan int, 1)
			act(sv, func() {
				sv.shown = func(query string, rows int) {
					if strings.TrimSpace(query) == q.query {
						select {
						case shown <- rows:
						default:
						}
					}
				}
			})
			var first, count []time.Duration
			rows := 0
			i := 0
			for b.Loop() {
				// Alternate a trailing space so the text changes each time.
				text := q.query
				if i%2 == 1 {
					text += " "
				}
				i++
				t0 := time.Now()
				act(sv, func() {
					if sv.query.Text == text {
						text += " "
					}
					sv.query.SetText(text)
				})
				rows = <-shown
				first = append(first, time.Since(t0))
				waitIdle(b, sv)
				count = append(count, time.Since(t0))
			}
			// The store's part of it: the first page's search alone.
			var search []time.Duration
			for range 5 {
				t0 := time.Now()
				if _, err := sv.a.store.Search(context.Background(), q.query, store.SearchOptions{Limit: firstPageRows}); err != nil {
					b.Fatal(err)
				}
				search = append(search, time.Since(t0))
			}
			b.ReportMetric(ms(median(search)), "ms/store-search")
			b.ReportMetric(ms(median(first)), "ms/first-results")
			b.ReportMetric(ms(median(count)), "ms/count")
			b.ReportMetric(float64(sv.results.length()), "matches")
			_ = rows
		})
	}
}

// BenchmarkSearchListFill times scrolling through 100,000 results: jumping to
// a row far down the list until its page of rows is read and drawn
// (ms/page-fill), and redrawing the rows on screen once their page is there,
// what each scroll step costs (ms/redraw).
func BenchmarkSearchListFill(b *testing.B) {
	_, _, sv := openBenchSearch(b)
	act(sv, func() { sv.query.SetText("") })
	waitIdle(b, sv)
	n := sv.results.length()
	if n < benchMessages {
		b.Fatalf("the list has %d rows, want %d", n, benchMessages)
	}
	var fill, redraw []time.Duration
	i := 0
	for b.Loop() {
		// Rows spread over the list, each in a page not read yet.
		row := (i*7919*pageRows + pageRows/2) % n
		i++
		t0 := time.Now()
		act(sv, func() { sv.list.ScrollTo(row) })
		waitIdle(b, sv)
		fill = append(fill, time.Since(t0))
		if _, _, ok := sv.results.row(row); !ok {
			b.Fatalf("row %d was not read", row)
		}
		t1 := time.Now()
		act(sv, func() { sv.list.Refresh() })
		redraw = append(redraw, time.Since(t1))
	}
	b.ReportMetric(ms(median(fill)), "ms/page-fill")
	b.ReportMetric(ms(median(redraw)), "ms/redraw")
	b.ReportMetric(float64(len(sv.results.pages)), "pages-kept")
}

// BenchmarkViewerOpen20MiB times opening a 20 MiB message in the viewer:
// reading it from the archive, decoding it, and laying the window out. One
// message is mostly a 20 MiB attachment, the other 20 MiB of text.
func BenchmarkViewerOpen20MiB(b *testing.B) {
	for _, kind := range []string{"attachment", "text"} {
		b.Run(kind, func(b *testing.B) {
			raw := bigMessage(kind, 20<<20)
			path := filepath.Join(b.TempDir(), "big.mailkeep")
			ctx := context.Background()
			s, err := store.Open(ctx, path)
			if err != nil {
				b.Fatal(err)
			}
			res, err := s.Ingest(ctx, store.Batch{Messages: []store.Incoming{{Raw: raw, Location: store.Location{Account: "a", Folder: "INBOX", UID: "1"}}}})
			if err != nil {
				b.Fatal(err)
			}
			s.Close()
			a, err := New(test.NewTempApp(b), Config{ArchivePath: path, Getenv: func(string) string { return "" }, UI: newUILoop(b)})
			if err != nil {
				b.Fatal(err)
			}
			defer a.Close()
			var load, draw, original []time.Duration
			for b.Loop() {
				t0 := time.Now()
				v, err := a.loadMessage(ctx, res[0].ID)
				if err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				w := test.NewWindow(v.view())
				v.win = w
				w.Resize(fyne.NewSize(820, 680))
				w.Canvas().Content().Refresh()
				t2 := time.Now()
				w.SetContent(originalView(v.raw))
				t3 := time.Now()
				w.Close()
				load, draw, original = append(load, t1.Sub(t0)), append(draw, t2.Sub(t1)), append(original, t3.Sub(t2))
			}
			b.ReportMetric(ms(median(load)), "ms/read+decode")
			b.ReportMetric(ms(median(draw)), "ms/layout")
			b.ReportMetric(ms(median(load)+median(draw)), "ms/open")
			b.ReportMetric(ms(median(original)), "ms/show-original")
		})
	}
}

// bigMessage is a message of about size bytes: a short text and one
// attachment, or all text.
func bigMessage(kind string, size int) []byte {
	var m strings.Builder
	m.WriteString("From: Anna Müller <anna@example.de>\r\nTo: info@contoso.com\r\nSubject: Scans of the 2023 invoices\r\n" +
		"Date: Mon, 03 Apr 2023 10:15:00 +0200\r\nMessage-ID: <big@example.de>\r\nMIME-Version: 1.0\r\n")
	line := "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.\r\n"
	if kind == "text" {
		m.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\n")
		for m.Len() < size {
			m.WriteString(line)
		}
		return []byte(m.String())
	}
	m.WriteString("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe scans are attached.\r\n" +
		"--b\r\nContent-Type: application/pdf; name=\"scans.pdf\"\r\nContent-Disposition: attachment; filename=\"scans.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	b64 := "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURlY29k\r\n"
	for m.Len() < size-10 {
		m.WriteString(b64)
	}
	m.WriteString("--b--\r\n")
	return []byte(m.String())
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
