package archive_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/store"
)

// TestFaultParallelConnections: three folders, two of them holding the same
// messages, synced over one connection and over two. With two, the server
// sees two FETCHes at once; a throttled FETCH makes one connection wait the
// suggested time and resume its folder while the other goes on; every
// message is archived once, and the folders are reported in LIST order.
func TestFaultParallelConnections(t *testing.T) {
	eachConnections(t, func(t *testing.T, connections int) {
		r := startFaultRig(t, nil)
		r.connections = connections
		folders := []string{"Archive", "Copies", "INBOX"} // as the server lists them
		r.deliver("INBOX", 40)
		r.deliver("Archive", 30)
		for i := range 30 { // the same bytes as in Archive
			r.srv.Deliver(faultUser, "Copies", simpleMessage("Archive", i))
		}
		if connections > 1 {
			r.srv.HoldFirstFetch(10 * time.Second)
		}
		r.srv.ThrottleFetches(archivetest.Throttle{}, archivetest.Throttle{Wait: 40 * time.Millisecond})

		var log eventLog
		var inProgress atomic.Int32
		rep := r.run(t, func(ev archive.Event) {
			if inProgress.Add(1) > 1 {
				t.Errorf("Progress called again while a call for another event was running (%+v)", ev)
			}
			time.Sleep(2 * time.Millisecond) // a slow receiver widens the window
			log.add(ev)
			inProgress.Add(-1)
		})
		st := r.srv.Stats()
		if st.MostFetches != connections {
			t.Errorf("the server answered at most %d FETCHes at once, want %d", st.MostFetches, connections)
		}
		// One connection per folder at most, and one more per throttling.
		if rep.Attempts != connections+2 || rep.Messages != 100 || rep.New != 70 {
			t.Errorf("report: %d attempts, %d messages (%d new); want %d, 100 (70 new)", rep.Attempts, rep.Messages, rep.New, connections+2)
		}
		var got []string
		for _, f := range rep.Folders {
			got = append(got, f.Folder)
		}
		if !slices.Equal(got, folders) {
			t.Errorf("folders reported %q, want %q (LIST order)", got, folders)
		}
		began := map[string]bool{}
		var waits []time.Duration
		for _, ev := range log.events {
			switch ev.Kind {
			case archive.EventFolder:
				began[ev.Folder] = true
			case archive.EventRetry:
				waits = append(waits, ev.Wait)
				if ev.Folder == "" {
					t.Errorf("retry event %v names no folder", ev.Err)
				}
				if !strings.HasPrefix(ev.Err.Error(), "the server asked Mailkeep to ") {
					t.Errorf("retry event says %q; want the server's request in words", ev.Err)
				}
			}
		}
		if len(began) != len(folders) {
			t.Errorf("folder events for %v, want all of %q", began, folders)
		}
		if len(waits) != 2 || !slices.Contains(waits, 40*time.Millisecond) {
			t.Errorf("waits %v; want 2, one of them the suggested 40ms", waits)
		}
		for _, f := range folders {
			checkOnce(t, r.s, "fault", f, r.srv.Messages(faultUser, f))
		}
		if n, _ := r.s.Count(context.Background(), ""); n != 70 {
			t.Errorf("the archive holds %d messages, want 70", n)
		}
		// Nothing new: one connection (one sign-in) looks at every folder.
		if rep := r.run(t, nil); rep.Messages != 0 || rep.Attempts != 1 {
			t.Errorf("no-change run: %d messages over %d connections, want 0 over 1", rep.Messages, rep.Attempts)
		}
		// New mail in Copies: a second connection takes INBOX meanwhile.
		more := r.deliver("Copies", 3)
		if rep := r.run(t, nil); rep.Messages != len(more) || rep.New != len(more) || rep.Attempts != connections {
			t.Errorf("re-run fetched %d messages (%d new) over %d connections, want the %d new ones over %d", rep.Messages, rep.New, rep.Attempts, len(more), connections)
		}
	})
}

// TestFaultCredentialRefusedMidRunStopsEveryConnection: a sign-in refused
// after the run began (the password changed) stops the account at once —
// every connection, without retrying — and the next run, with the sign-in
// accepted again, completes without losing or repeating anything.
func TestFaultCredentialRefusedMidRunStopsEveryConnection(t *testing.T) {
	eachConnections(t, func(t *testing.T, connections int) {
		r := startFaultRig(t, nil)
		r.connections = connections
		r.deliver("INBOX", 200)
		r.deliver("Sent Items", 20)
		// The first sign-in passes; the next is refused: with two
		// connections the second's, with one the one after a drop.
		r.srv.RefuseSignIns(1, 1)
		if connections == 1 {
			r.srv.CloseAfter(12)
		}
		var log eventLog
		rep, err := archive.Run(context.Background(), r.s, r.acct, r.options(log.add))
		r.srv.CloseAfter(0)
		var ce *archive.CredentialError
		if !errors.As(err, &ce) {
			t.Fatalf("run: %v; want a *CredentialError", err)
		}
		if rep.Outcome != store.OutcomeFailed || r.srv.Stats().RefusedSignIns != 1 {
			t.Errorf("outcome %s, %d refused sign-ins; want failed, 1", rep.Outcome, r.srv.Stats().RefusedSignIns)
		}
		wantAttempts := 2
		if rep.Attempts != wantAttempts {
			t.Errorf("%d connections made; want %d (a refused sign-in is not retried)", rep.Attempts, wantAttempts)
		}
		for _, ev := range log.events {
			if ev.Kind == archive.EventRetry && connections > 1 {
				t.Errorf("retry after %v; want none", ev.Err)
			}
		}

		rep = r.run(t, nil)
		if rep.Outcome != store.OutcomeOK {
			t.Errorf("second run: %s", rep.Outcome)
		}
		for _, f := range []string{"INBOX", "Sent Items"} {
			checkOnce(t, r.s, "fault", f, r.srv.Messages(faultUser, f))
		}
	})
}

// TestFaultThrottledSignInAndSelect: Exchange throttles the sign-in and
// SELECT too, with a NO or with a BAD and BYE. The run waits the suggested
// time, says so, signs in again (a throttled sign-in is no credential
// failure) and ends with every message once.
func TestFaultThrottledSignInAndSelect(t *testing.T) {
	eachConnections(t, func(t *testing.T, connections int) {
		r := startFaultRig(t, nil)
		r.connections = connections
		folders := []string{"INBOX", "Sent Items", "Archive/2023"}
		for i, f := range folders {
			r.deliver(f, 12+i)
		}
		r.srv.ThrottleSignIns(archivetest.Throttle{Wait: 30 * time.Millisecond}, archivetest.Throttle{Wait: 45 * time.Millisecond, Bad: true})
		r.srv.ThrottleSelects(archivetest.Throttle{Wait: 60 * time.Millisecond}, archivetest.Throttle{Wait: 75 * time.Millisecond, Bad: true})

		var log eventLog
		rep := r.run(t, log.add)
		var waits []string
		for _, ev := range log.events {
			if ev.Kind != archive.EventRetry {
				continue
			}
			waits = append(waits, ev.Wait.String())
			var te *archive.ThrottledError
			if !errors.As(ev.Err, &te) {
				t.Errorf("retry event %v: not a *ThrottledError", ev.Err)
				continue
			}
			if msg := ev.Err.Error(); !strings.HasPrefix(msg, "the server asked Mailkeep to pause for "+ev.Wait.String()+" (Request is throttled.") {
				t.Errorf("retry event says %q; want it to say in words how long it pauses (%s)", msg, ev.Wait)
			}
		}
		slices.Sort(waits)
		if fmt.Sprint(waits) != "[30ms 45ms 60ms 75ms]" {
			t.Errorf("waits %v, want the suggested [30ms 45ms 60ms 75ms]", waits)
		}
		st := r.srv.Stats()
		if st.ThrottledSignIns != 2 || st.ThrottledSelects != 2 {
			t.Errorf("server throttled %d sign-ins and %d SELECTs, want 2 and 2", st.ThrottledSignIns, st.ThrottledSelects)
		}
		if want := 12 + 13 + 14; rep.Messages != want || rep.New != want || rep.Attempts != connections+4 {
			t.Errorf("report: %d messages (%d new) after %d connections; want %d after %d", rep.Messages, rep.New, rep.Attempts, want, connections+4)
		}
		for _, f := range folders {
			checkOnce(t, r.s, "fault", f, r.srv.Messages(faultUser, f))
		}
		if rep := r.run(t, nil); rep.Messages != 0 {
			t.Errorf("re-run fetched %d messages, want 0", rep.Messages)
		}
	})
}

// TestFaultEmptyBodyIsFlaggedAndRetried: Exchange answers some items with an
// empty BODY[]. That is archived as what it is, flagged, and set aside; a
// later run archives the real message, and nothing is lost or repeated.
func TestFaultEmptyBodyIsFlaggedAndRetried(t *testing.T) {
	eachConnections(t, func(t *testing.T, connections int) {
		r := startFaultRig(t, nil)
		r.connections = connections
		inbox := r.deliver("INBOX", 11)
		sent := r.deliver("Sent Items", 6)
		r.srv.ServeEmpty("INBOX", inbox[3], 2) // the first run and the first retry
		r.srv.ServeEmpty("Sent Items", sent[5], 1)
		ctx := context.Background()

		var log eventLog
		rep := r.run(t, log.add)
		if rep.Messages != 17 || rep.SetAside != 2 {
			t.Errorf("first run: %d messages, %d set aside; want 17 (2 empty), 2", rep.Messages, rep.SetAside)
		}
		aside := map[string]bool{}
		for _, ev := range log.events {
			if ev.Kind == archive.EventSetAside {
				aside[ev.Folder+"/"+ev.UID] = true
			}
		}
		if want := map[string]bool{fmt.Sprint("INBOX/", inbox[3]): true, fmt.Sprint("Sent Items/", sent[5]): true}; fmt.Sprint(aside) != fmt.Sprint(want) {
			t.Errorf("set aside %v, want %v", aside, want)
		}
		empty, err := r.s.Search(ctx, "", store.SearchOptions{NoSnippets: true})
		if err != nil {
			t.Fatal(err)
		}
		flagged := 0
		for _, m := range empty {
			if m.Flags&store.FlagPlaceholder != 0 {
				flagged++
				if m.Size != 0 {
					t.Errorf("flagged message of %d bytes, want the empty stand-in", m.Size)
				}
			}
		}
		if flagged != 1 {
			t.Errorf("%d flagged stand-ins, want 1 (both empty bodies are the same bytes)", flagged)
		}

		checkStandInsReturn(t, r)
		checkOnce(t, r.s, "fault", "INBOX", r.srv.Messages(faultUser, "INBOX"))
		checkOnce(t, r.s, "fault", "Sent Items", r.srv.Messages(faultUser, "Sent Items"))
		if st := r.srv.Stats(); st.Empty != 3 {
			t.Errorf("the server served %d empty bodies, want 3", st.Empty)
		}
	})
}

// TestFaultCancelStopsEveryConnection: cancelling a run over two connections
// stops both soon (each at its next step), records the run as cancelled, and
// the next run finishes the job with every message once.
func TestFaultCancelStopsEveryConnection(t *testing.T) {
	r := startFaultRig(t, nil)
	r.connections = 2
	r.deliver("INBOX", 100)
	r.deliver("Sent Items", 100)
	r.srv.HoldFirstFetch(10 * time.Second) // both connections are fetching when the cancel comes
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	busy := map[string]bool{}
	rep, err := archive.Run(ctx, r.s, r.acct, r.options(func(ev archive.Event) {
		if ev.Kind == archive.EventProgress {
			busy[ev.Folder] = true
			if len(busy) == 2 {
				cancel()
			}
		}
	}))
	if !errors.Is(err, context.Canceled) || rep.Outcome != store.OutcomeCancelled {
		t.Fatalf("run: %v, outcome %s; want cancelled", err, rep.Outcome)
	}
	if rep.Messages >= 200 {
		t.Errorf("the cancelled run archived all %d messages; it should have stopped early", rep.Messages)
	}
	if runs, err := r.s.Runs(context.Background(), "fault", 1); err != nil || len(runs) != 1 || runs[0].Outcome != store.OutcomeCancelled {
		t.Errorf("run history: %+v %v", runs, err)
	}
	rep = r.run(t, nil)
	if rep.Outcome != store.OutcomeOK {
		t.Errorf("second run: %s", rep.Outcome)
	}
	for _, f := range []string{"INBOX", "Sent Items"} {
		checkOnce(t, r.s, "fault", f, r.srv.Messages(faultUser, f))
	}
}
