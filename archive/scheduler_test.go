package archive

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

// fakeClock is a Clock the test moves by hand.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) At(t time.Time) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if !t.After(c.now) {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, fakeWaiter{t, ch})
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			kept = append(kept, w)
		} else {
			w.ch <- c.now
		}
	}
	c.waiters = kept
}

// fakeRuns stands in for Run: it records each run in the archive's history at
// the fake clock's time, can hold a run until released, and fails the
// accounts told to.
type fakeRuns struct {
	clock *fakeClock

	mu      sync.Mutex
	started []string // account names, in the order their runs began
	active  map[string]int
	overlap bool                     // an account ran twice at the same time
	hold    map[string]chan struct{} // a run of this account waits for the channel to close
	// commits: a run of this account commits a batch each time the channel
	// receives, until its context ends.
	commits   map[string]chan struct{}
	committed int
	fail      map[string]error
	parked    time.Time // the scheduler's latest "next wake-up"
	parks     int
}

func newFakeRuns(clock *fakeClock) *fakeRuns {
	return &fakeRuns{clock: clock, active: map[string]int{}, hold: map[string]chan struct{}{}, fail: map[string]error{},
		commits: map[string]chan struct{}{}}
}

func (f *fakeRuns) run(ctx context.Context, s *store.Store, acct Account, opt Options) (RunReport, error) {
	rep := RunReport{Account: acct.Name, Started: f.clock.Now()}
	id, err := s.StartRun(ctx, acct.Name, rep.Started)
	if err != nil {
		return rep, err
	}
	f.mu.Lock()
	f.started = append(f.started, acct.Name)
	f.active[acct.Name]++
	if f.active[acct.Name] > 1 {
		f.overlap = true
	}
	hold, fail, commits := f.hold[acct.Name], f.fail[acct.Name], f.commits[acct.Name]
	f.mu.Unlock()
	if opt.Progress != nil {
		opt.Progress(Event{Kind: EventProgress, Account: acct.Name, Folder: "INBOX", Done: 1, Total: 1})
	}
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	for commits != nil && err == nil {
		select {
		case <-commits:
			f.mu.Lock()
			f.committed++
			f.mu.Unlock()
			opt.Progress(Event{Kind: EventProgress, Account: acct.Name, Folder: "INBOX"})
			err = ctx.Err() // a real run notices at its next network step
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	if err == nil {
		err = fail
	}
	rep.Outcome = store.OutcomeOK
	switch {
	case ctx.Err() != nil:
		rep.Outcome = store.OutcomeCancelled
	case err != nil:
		rep.Outcome = store.OutcomeFailed
	}
	rec := store.RunRecord{ID: id, Ended: f.clock.Now(), Outcome: rep.Outcome}
	if err != nil {
		rec.Error = err.Error()
	}
	ferr := s.FinishRun(context.WithoutCancel(ctx), rec)
	f.mu.Lock()
	f.active[acct.Name]--
	f.mu.Unlock()
	return rep, errors.Join(err, ferr)
}

func (f *fakeRuns) park(next time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.parked, f.parks = next, f.parks+1
}

// settle waits until the scheduler has started want runs, none is active, and
// it waits for next (zero: nothing scheduled).
func (f *fakeRuns) settle(t *testing.T, want []string, next time.Time) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		f.mu.Lock()
		got := slices.Clone(f.started)
		active := 0
		for _, n := range f.active {
			active += n
		}
		parked := f.parked
		f.mu.Unlock()
		slices.Sort(got)
		w := slices.Sorted(slices.Values(want))
		if slices.Equal(got, w) && active == 0 && parked.Equal(next) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("runs started %q (want %q), %d active, scheduler waits for %v (want %v)", got, w, active, parked, next)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (f *fakeRuns) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.started)
}

type schedulerTest struct {
	ctx   context.Context
	s     *store.Store
	clock *fakeClock
	runs  *fakeRuns
	sc    *Scheduler
	done  chan error
}

var schedStart = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func newSchedulerTest(t *testing.T, accounts []Account, history map[string]time.Time, opt SchedulerOptions) *schedulerTest {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "a.mailkeep"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, a := range accounts {
		if err := SaveAccount(ctx, s, a); err != nil {
			t.Fatal(err)
		}
	}
	for name, started := range history {
		id, err := s.StartRun(ctx, name, started)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.FinishRun(ctx, store.RunRecord{ID: id, Ended: started.Add(time.Minute), Outcome: store.OutcomeOK}); err != nil {
			t.Fatal(err)
		}
	}
	clock := &fakeClock{now: schedStart}
	runs := newFakeRuns(clock)
	opt.Clock, opt.Location = clock, time.UTC
	sc := NewScheduler(s, opt)
	sc.run, sc.onPark = runs.run, runs.park
	return &schedulerTest{ctx: ctx, s: s, clock: clock, runs: runs, sc: sc}
}

func (st *schedulerTest) start(t *testing.T) {
	ctx, cancel := context.WithCancel(st.ctx)
	st.done = make(chan error, 1)
	go func() { st.done <- st.sc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-st.done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

func schedAccount(name string, change func(*Account)) Account {
	a := Account{Name: name, Protocol: IMAP, Host: "imap.example.com", Security: SecurityTLS, User: name + "@example.com",
		Auth: AuthPassword, Secret: auth.SecretRef{Env: "UNUSED"}}
	if change != nil {
		change(&a)
	}
	return a
}

func every(d time.Duration) func(*Account) { return func(a *Account) { a.Every = Interval(d) } }

// TestSchedulerRunsOnScheduleFromHistory: after a restart, an account that ran
// recently waits for its time; one that never ran runs at once; one that
// missed ten runs runs once; a daily one waits for its time of day; paused and
// unscheduled ones do not run.
func TestSchedulerRunsOnScheduleFromHistory(t *testing.T) {
	st := newSchedulerTest(t, []Account{
		schedAccount("recent", every(time.Hour)),
		schedAccount("never", every(2*time.Hour)),
		schedAccount("missed", every(time.Hour)),
		schedAccount("daily", func(a *Account) { a.Daily = "13:30" }),
		schedAccount("paused", func(a *Account) { a.Every, a.Paused = Interval(time.Hour), true }),
		schedAccount("manual", nil),
	}, map[string]time.Time{
		"recent": schedStart.Add(-20 * time.Minute),
		"missed": schedStart.Add(-10 * time.Hour),
		"paused": schedStart.Add(-10 * time.Hour),
		"daily":  schedStart.Add(-22 * time.Hour), // yesterday 14:00, after its time
	}, SchedulerOptions{Parallel: 4})
	st.start(t)
	// "never" and "missed" at once; then "recent" at 12:40.
	st.runs.settle(t, []string{"never", "missed"}, schedStart.Add(40*time.Minute))

	st.clock.Advance(40 * time.Minute) // 12:40: "recent"; next "missed" at 13:00
	st.runs.settle(t, []string{"never", "missed", "recent"}, schedStart.Add(60*time.Minute))
	st.clock.Advance(20 * time.Minute) // 13:00: "missed" again (an hour after 12:00); next "daily" at 13:30
	st.runs.settle(t, []string{"never", "missed", "recent", "missed"}, schedStart.Add(90*time.Minute))
	st.clock.Advance(30 * time.Minute) // 13:30: "daily"; next "recent" at 13:40
	st.runs.settle(t, []string{"never", "missed", "recent", "missed", "daily"}, schedStart.Add(100*time.Minute))

	// A long jump (the computer slept 5 hours): each due account runs once.
	st.clock.Advance(5 * time.Hour) // 18:30
	st.runs.settle(t, []string{"never", "missed", "recent", "missed", "daily", "never", "missed", "recent"},
		schedStart.Add(7*time.Hour+30*time.Minute)) // "missed" and "recent" at 19:30, "never" at 20:30
	if st.runs.overlap {
		t.Error("an account ran twice at the same time")
	}
}

// TestSchedulerOneRunPerAccount: RunNow while an account runs queues one
// more run (several requests merge into it), never a second run at the same
// time; RunNow runs paused and unscheduled accounts when named.
func TestSchedulerOneRunPerAccount(t *testing.T) {
	st := newSchedulerTest(t, []Account{
		schedAccount("busy", every(time.Hour)),
		schedAccount("paused", func(a *Account) { a.Paused = true }),
		schedAccount("manual", nil),
	}, nil, SchedulerOptions{})
	hold := make(chan struct{})
	st.runs.hold["busy"] = hold
	st.start(t)
	waitFor(t, func() bool { return st.runs.count() == 1 }, "the first run of busy")
	for range 3 {
		if err := st.sc.RunNow(st.ctx, "busy"); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.sc.RunNow(st.ctx, "nosuch"); !IsAccountNotFound(err) {
		t.Errorf("RunNow of an unknown account: %v", err)
	}
	st.runs.mu.Lock()
	delete(st.runs.hold, "busy")
	st.runs.mu.Unlock()
	close(hold)
	// The queued run starts at 12:00 too, so the next scheduled one is at 13:00.
	st.runs.settle(t, []string{"busy", "busy"}, schedStart.Add(time.Hour))

	// RunNow with no names: every account that is not paused ("manual" has no schedule).
	if err := st.sc.RunNow(st.ctx); err != nil {
		t.Fatal(err)
	}
	st.runs.settle(t, []string{"busy", "busy", "busy", "manual"}, schedStart.Add(time.Hour))
	if err := st.sc.RunNow(st.ctx, "paused"); err != nil {
		t.Fatal(err)
	}
	st.runs.settle(t, []string{"busy", "busy", "busy", "manual", "paused"}, schedStart.Add(time.Hour))
	if st.runs.overlap {
		t.Error("an account ran twice at the same time")
	}
}

// TestSchedulerFailureOfOneAccount: a refused password stops that account's
// run, not the others, and the account is tried again at its next time; the
// failure is reported with the advice.
func TestSchedulerFailureOfOneAccount(t *testing.T) {
	var mu sync.Mutex
	var ended []string
	var progress int
	st := newSchedulerTest(t, []Account{
		schedAccount("refused", every(time.Hour)),
		schedAccount("fine", every(time.Hour)),
	}, nil, SchedulerOptions{
		Run: Options{Progress: func(Event) { mu.Lock(); progress++; mu.Unlock() }},
		Ended: func(rep RunReport, err error) {
			mu.Lock()
			defer mu.Unlock()
			ended = append(ended, fmt.Sprintf("%s %s %v", rep.Account, rep.Outcome, err != nil))
		},
	})
	st.runs.fail["refused"] = &CredentialError{Account: "refused", Advice: auth.Advice{Problem: "the password was refused"}}
	st.start(t)
	st.runs.settle(t, []string{"refused", "fine"}, schedStart.Add(time.Hour))
	st.clock.Advance(time.Hour)
	st.runs.settle(t, []string{"refused", "fine", "refused", "fine"}, schedStart.Add(2*time.Hour))
	// Ended is called after a run returns, which settle does not wait for.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		n := len(ended)
		mu.Unlock()
		if n >= 4 || time.Now().After(deadline) {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(ended)
	want := []string{"fine ok false", "fine ok false", "refused failed true", "refused failed true"}
	if !slices.Equal(ended, want) {
		t.Errorf("Ended saw %q, want %q", ended, want)
	}
	if progress != 4 {
		t.Errorf("%d progress events were forwarded, want 4", progress)
	}
}

// TestSchedulerStopWaitsForRuns: Stop lets a running run go on to its next
// commit and stop there, or cuts it off after StopGrace; it returns only once
// the runs ended (recorded as cancelled in the history).
func TestSchedulerStopWaitsForRuns(t *testing.T) {
	tests := []struct {
		name       string
		commits    bool // the run commits when told (else it never does)
		wantCommit int
	}{
		{"stops after its next commit", true, 1},
		{"cut off after the grace time", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newSchedulerTest(t, []Account{schedAccount("long", every(time.Hour))}, nil, SchedulerOptions{StopGrace: time.Minute})
			commits := make(chan struct{})
			if tt.commits {
				st.runs.commits["long"] = commits
			} else {
				st.runs.hold["long"] = make(chan struct{}) // never released
			}
			ctx, cancel := context.WithCancel(st.ctx)
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- st.sc.Run(ctx) }()
			waitFor(t, func() bool { return st.runs.count() == 1 }, "the run to start")

			stopped := make(chan struct{})
			go func() { st.sc.Stop(); close(stopped) }()
			// Stop waits for the run: it has not returned while the run goes on.
			time.Sleep(20 * time.Millisecond)
			select {
			case <-stopped:
				t.Fatal("Stop returned while the run was still going")
			default:
			}
			if tt.commits {
				commits <- struct{}{}
				<-stopped
			} else {
				for waiting := true; waiting; {
					st.clock.Advance(time.Minute)
					select {
					case <-stopped:
						waiting = false
					case <-time.After(5 * time.Millisecond):
					}
				}
			}
			st.runs.mu.Lock()
			active, committed := st.runs.active["long"], st.runs.committed
			st.runs.mu.Unlock()
			if active != 0 || committed != tt.wantCommit {
				t.Errorf("Stop returned with %d runs going, after %d commits (want %d)", active, committed, tt.wantCommit)
			}
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
			runs, err := st.s.Runs(st.ctx, "long", 0)
			if err != nil || len(runs) != 1 || runs[0].Outcome != store.OutcomeCancelled {
				t.Errorf("run history after Stop: %+v, %v", runs, err)
			}
			st.sc.Stop() // without Run: harmless
		})
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
