package app

import (
	"context"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

// Pause stops the schedule: a paused mailbox on a one-minute schedule that
// has never run (so is due at once) is not run by the scheduler, while
// another mailbox, looked at in the same pass, is; Resume makes it run.
func TestPauseStopsTheSchedule(t *testing.T) {
	f := newBoxesFixture(t, boxesOptions{dovecot: true})
	f.deliver("INBOX", 5)
	ctx := context.Background()
	// The scheduler looks at the accounts by name: "a-paused" before
	// "b-probe", so by the time b-probe starts, a-paused has been weighed.
	paused := f.imapAccount("a-paused")
	paused.Every = archive.Interval(time.Minute)
	f.save(paused)
	probe := f.imapAccount("b-probe")
	probe.Every = archive.Interval(time.Hour)
	f.save(probe)

	c := f.card("a-paused")
	if got := f.text(func() string { return c.pause.Text }); got != "Pause" {
		t.Fatalf("pause button %q", got)
	}
	f.tap(c.pause)
	f.eventually("the card shows Paused", func() bool {
		return c.pause.Text == "Resume" && c.next.Text == "Paused: not archived on its schedule until you press Resume."
	})
	rec, err := f.a.store.Account(ctx, "a-paused")
	if err != nil || !rec.Paused {
		t.Fatalf("the archive does not keep the pause: %+v, %v", rec, err)
	}

	f.startScheduler()
	f.eventually("b-probe has run", func() bool {
		m, _ := f.a.board.get("b-probe")
		return m.Last != nil && !m.Running
	})
	if runs := f.runs("b-probe"); len(runs) != 1 || runs[0].Outcome != store.OutcomeOK {
		t.Fatalf("b-probe runs: %+v", runs)
	}
	if runs := f.runs("a-paused"); len(runs) != 0 {
		t.Fatalf("the paused mailbox ran: %+v", runs)
	}
	if m, _ := f.a.board.get("a-paused"); !m.Next.IsZero() || m.Running {
		t.Errorf("paused mailbox: next run %v, running %v", m.Next, m.Running)
	}

	f.tap(c.pause) // Resume
	f.eventually("a-paused has run after Resume", func() bool {
		m, _ := f.a.board.get("a-paused")
		return m.Last != nil && !m.Running && c.pause.Text == "Pause"
	})
	runs := f.runs("a-paused")
	if len(runs) != 1 || runs[0].Outcome != store.OutcomeOK {
		t.Fatalf("a-paused runs after Resume: %+v", runs)
	}
	rec, err = f.a.store.Account(ctx, "a-paused")
	if err != nil || rec.Paused {
		t.Fatalf("the archive still has it paused: %+v, %v", rec, err)
	}
	m, _ := f.a.board.get("a-paused")
	if want := runs[0].Started.Add(time.Minute); !m.Next.Equal(want) && !m.Next.After(want) {
		t.Errorf("next run %v, want a minute after the run's start %v", m.Next, runs[0].Started)
	}
}
