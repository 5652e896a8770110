package app

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mailkeep/mailkeep/store"
)

// progressSeen is what the card's progress showed after one repaint.
type progressSeen struct {
	shown, barShown bool
	step, sofar     string
	value, max      float64
}

func TestRunNowShowsProgressAndEndsWithTheArchivedCount(t *testing.T) {
	f := newBoxesFixture(t, boxesOptions{dovecot: true})
	f.deliver("INBOX", 230) // three batches of at most 100
	f.deliver("Sent Items", 40)
	f.save(f.imapAccount("office"))
	f.startScheduler()
	c := f.card("office")

	// Record what the progress looked like after every repaint (this
	// listener comes after the view's, so it sees the repainted card).
	var mu sync.Mutex
	var seen []progressSeen
	f.a.board.subscribe(func() {
		f.onUI(func() {
			p := c.progress
			mu.Lock()
			seen = append(seen, progressSeen{shown: p.box.Visible(), barShown: p.bar.Visible(),
				step: p.step.Text, sofar: p.sofar.Text, value: p.bar.Value, max: p.bar.Max})
			mu.Unlock()
		})
	})

	f.tap(c.runNow)
	f.eventually("the run has ended", func() bool {
		m, _ := f.a.board.get("office")
		return m.Last != nil && !m.Running
	})

	runs := f.runs("office")
	if len(runs) != 1 || runs[0].Outcome != store.OutcomeOK || runs[0].Messages == 0 {
		t.Fatalf("runs in the archive: %+v", runs)
	}
	run := runs[0]
	archived := f.counts()["office"]
	if archived.Messages != run.Messages {
		t.Errorf("the archive holds %d messages of office, the run says it archived %d", archived.Messages, run.Messages)
	}

	// While it ran: the bar, the folder, the totals so far.
	mu.Lock()
	var inbox, counted bool
	for _, s := range seen {
		if s.shown && s.barShown && strings.HasPrefix(s.step, "Archiving “INBOX”:") && s.value > 0 && s.value <= s.max {
			inbox = true
		}
		if s.shown && strings.HasPrefix(s.sofar, "Archived so far in this run: ") && !strings.HasSuffix(s.sofar, "no messages") {
			counted = true
		}
	}
	mu.Unlock()
	if !inbox || !counted {
		t.Errorf("while running, saw the INBOX bar %v, the count so far %v; all seen: %+v", inbox, counted, seen)
	}

	// When it ended: the archived count, from the archive's own records.
	want := fmt.Sprintf("Done: %s archived (%s).", plural(run.Messages, "message"), bytesText(run.Bytes))
	f.eventually("the archived total is shown", func() bool {
		return c.total.Text == "In the archive: "+messagesText(archived.Messages, archived.Bytes)+"."
	})
	f.onUI(func() {
		if !c.progress.finished.Visible() || c.progress.finished.Text != want {
			t.Errorf("after the run: %q (shown %v), want %q", c.progress.finished.Text, c.progress.finished.Visible(), want)
		}
		if c.progress.box.Visible() || c.progress.spinner.Visible() {
			t.Error("the progress bar is still shown after the run")
		}
		if !strings.Contains(c.last.Text, ", finished: "+messagesText(run.Messages, run.Bytes)+" archived.") {
			t.Errorf("last run: %q", c.last.Text)
		}
		if c.runNow.Disabled() || c.problem.Visible() {
			t.Errorf("after a good run: Run now disabled %v, problem shown %v", c.runNow.Disabled(), c.problem.Visible())
		}
	})

	// The history lists the run, and its details count each folder as the
	// run recorded it.
	f.tap(c.history)
	f.eventually("the history is shown", func() bool { return f.v.history != nil })
	f.onUI(func() {
		h := f.v.history
		if len(h.runs) != 1 || h.runs[0].ID != run.ID {
			t.Fatalf("history lists %+v", h.runs)
		}
		details := h.details.Text
		var d runDetailsJSON
		if err := json.Unmarshal(run.Details, &d); err != nil || len(d.Folders) == 0 {
			t.Fatalf("run details %s: %v", run.Details, err)
		}
		for _, fr := range d.Folders {
			line := fmt.Sprintf("• %s: ", fr.Folder)
			if fr.Messages > 0 {
				line += fmt.Sprintf("%s, %s new", messagesText(fr.Messages, fr.Bytes), humanCount(fr.New))
			} else {
				line += "nothing new"
			}
			if !strings.Contains(details, line) {
				t.Errorf("details lack %q:\n%s", line, details)
			}
		}
		if !strings.Contains(details, "finished.") || !strings.Contains(details, "Archived "+messagesText(run.Messages, run.Bytes)) {
			t.Errorf("details:\n%s", details)
		}
	})
}
