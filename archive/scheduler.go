package archive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mailkeep/mailkeep/store"
)

// Clock is the time a Scheduler goes by. Tests give one they move by hand.
type Clock interface {
	Now() time.Time
	// At returns a channel that receives once the time is t or later. It
	// may receive earlier (the scheduler then looks again).
	At(t time.Time) <-chan time.Time
}

// SystemClock is the computer's clock. It wakes a waiting scheduler at least
// once a minute, so that a computer that slept through a run's time catches up
// soon after it wakes (Go's timers do not count the time asleep).
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

func (SystemClock) At(t time.Time) <-chan time.Time {
	return time.After(min(time.Until(t), time.Minute))
}

// SchedulerOptions tune a Scheduler. The zero SchedulerOptions are ready to use.
type SchedulerOptions struct {
	// Run are the options of each run. Run.Progress receives the events of
	// every run, from several goroutines at once when Parallel > 1.
	Run Options
	// Started is called when a run of an account begins, Ended when it has
	// ended (err as archive.Run returned it). Either may be nil; they are
	// called on the run's goroutine.
	Started func(acct Account)
	Ended   func(rep RunReport, err error)
	// Logger gets one line as each run begins and one as it ends, with
	// advice on failures. Nil: no logging.
	Logger *slog.Logger
	// Parallel is how many accounts are archived at the same time (default 2).
	Parallel int
	// StopGrace is how long a run may go on after Stop to reach its next
	// commit (default 30 s); then it is cut off, losing at most the batch it
	// was fetching.
	StopGrace time.Duration
	Clock     Clock          // nil: SystemClock
	Location  *time.Location // for Daily times; nil: time.Local
}

// A Scheduler archives accounts on their schedules (Account.Every,
// Account.Daily) while its Run is running, and when asked with RunNow.
//
// When the next run of an account is due is computed from the start of its
// latest run in the archive's run history (NextRun): a restarted scheduler
// does not re-run what has just run, and runs missed while the computer was
// off are made up by one run soon after the start. Paused accounts run only
// when RunNow names them.
//
// An account runs at most once at a time. RunNow for an account that is
// running queues one more run, started as soon as the running one ends;
// further requests while one is queued are merged into it. A failure of one
// account (a refused password, say) does not stop the others; the account is
// tried again at its next scheduled time.
type Scheduler struct {
	store *store.Store
	opt   SchedulerOptions
	// run is Run, or a stand-in in tests.
	run func(ctx context.Context, s *store.Store, acct Account, opt Options) (RunReport, error)
	// onPark, if set (tests), is called each time the scheduler has started
	// what was due and waits, with when it wakes next (zero: when asked).
	onPark func(next time.Time)

	wake chan struct{}

	mu      sync.Mutex
	running map[string]bool
	queued  map[string]bool      // RunNow requests not started yet
	began   map[string]time.Time // start of the latest run this scheduler began
	cancel  context.CancelFunc   // of the Run in progress
	done    chan struct{}        // closed when that Run returns
	paused  bool                 // no scheduled runs start (SetPaused)
}

// NewScheduler returns a scheduler of the accounts in s. Call Run to start it.
func NewScheduler(s *store.Store, opt SchedulerOptions) *Scheduler {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Parallel <= 0 {
		opt.Parallel = 2
	}
	if opt.StopGrace <= 0 {
		opt.StopGrace = 30 * time.Second
	}
	if opt.Clock == nil {
		opt.Clock = SystemClock{}
	}
	if opt.Location == nil {
		opt.Location = time.Local
	}
	return &Scheduler{store: s, opt: opt, run: Run, wake: make(chan struct{}, 1),
		running: map[string]bool{}, queued: map[string]bool{}, began: map[string]time.Time{}}
}

// Run archives the accounts on their schedules until ctx is cancelled or Stop
// is called; then it stops the runs in progress, waits for them to end and
// returns nil. A run stops right after its next commit (or as it begins a
// folder or waits to retry, when nothing is uncommitted), or when
// StopGrace has passed, whichever comes first; everything it committed is
// kept, and the next run continues from there. Run returns an error only
// when the archive's accounts cannot be read.
func (sc *Scheduler) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sc.mu.Lock()
	if sc.cancel != nil {
		sc.mu.Unlock()
		return errors.New("the scheduler is already running")
	}
	sc.cancel, sc.done = cancel, make(chan struct{})
	sc.mu.Unlock()

	var jobs sync.WaitGroup
	slots := make(chan struct{}, sc.opt.Parallel)
	err := sc.loop(ctx, &jobs, slots)
	cancel() // the runs' signal to stop (see start)
	jobs.Wait()

	sc.mu.Lock()
	close(sc.done)
	sc.cancel, sc.done = nil, nil
	sc.mu.Unlock()
	return err
}

// Stop stops a Run in progress and waits until it has returned, that is until
// the runs in progress have ended.
func (sc *Scheduler) Stop() {
	sc.mu.Lock()
	cancel, done := sc.cancel, sc.done
	sc.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// RunNow asks for a run of the named accounts (paused ones too), or of every
// account that is not paused when none is named, as soon as possible. An
// account that is running gets one more run after the current one. The runs
// start only while Run is running.
func (sc *Scheduler) RunNow(ctx context.Context, names ...string) error {
	if len(names) == 0 {
		accounts, err := Accounts(ctx, sc.store)
		if err != nil {
			return err
		}
		for _, a := range accounts {
			if !a.Paused {
				names = append(names, a.Name)
			}
		}
	} else {
		for _, name := range names {
			if _, err := sc.store.Account(ctx, name); err != nil {
				return err
			}
		}
	}
	sc.mu.Lock()
	for _, name := range names {
		sc.queued[name] = true
	}
	sc.mu.Unlock()
	sc.poke()
	return nil
}

// Reload makes the scheduler read the accounts again (after one was added,
// changed, paused or removed).
func (sc *Scheduler) Reload() { sc.poke() }

// poke wakes the scheduler's loop.
func (sc *Scheduler) poke() {
	select {
	case sc.wake <- struct{}{}:
	default:
	}
}

// loop starts what is due and sleeps until the next run is due or it is woken.
func (sc *Scheduler) loop(ctx context.Context, jobs *sync.WaitGroup, slots chan struct{}) error {
	for {
		next, err := sc.startDue(ctx, jobs, slots)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if next.IsZero() {
			sc.opt.Logger.Debug("scheduler waits until asked")
		} else {
			sc.opt.Logger.Debug("scheduler waits", "until", next.Format(time.DateTime))
		}
		if sc.onPark != nil {
			sc.onPark(next)
		}
		var timer <-chan time.Time
		if !next.IsZero() {
			timer = sc.opt.Clock.At(next)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-sc.wake:
		case <-timer:
		}
	}
}

// startDue starts the runs that are due or asked for and returns when the
// next one is due (zero: none is scheduled).
func (sc *Scheduler) startDue(ctx context.Context, jobs *sync.WaitGroup, slots chan struct{}) (time.Time, error) {
	accounts, err := Accounts(ctx, sc.store)
	if err != nil {
		return time.Time{}, fmt.Errorf("the scheduler cannot read the accounts: %w", err)
	}
	now := sc.opt.Clock.Now()
	var earliest time.Time
	known := map[string]bool{}
	for _, acct := range accounts {
		known[acct.Name] = true
		sc.mu.Lock()
		running, asked := sc.running[acct.Name], sc.queued[acct.Name]
		began := sc.began[acct.Name]
		sc.mu.Unlock()
		if running {
			continue
		}
		if !asked {
			if sc.Paused() {
				continue
			}
			last, err := sc.lastStart(ctx, acct.Name)
			if err != nil {
				return time.Time{}, err
			}
			if began.After(last) {
				last = began
			}
			next := NextRun(acct, last, now, sc.opt.Location)
			if next.IsZero() {
				continue
			}
			if next.After(now) {
				if earliest.IsZero() || next.Before(earliest) {
					earliest = next
				}
				continue
			}
		}
		sc.start(ctx, jobs, slots, acct, now)
	}
	sc.mu.Lock()
	for name := range sc.queued {
		if !known[name] { // removed since it was asked for
			delete(sc.queued, name)
		}
	}
	sc.mu.Unlock()
	return earliest, nil
}

// lastStart is when the latest run of account in the run history began
// (zero: it never ran).
func (sc *Scheduler) lastStart(ctx context.Context, account string) (time.Time, error) {
	runs, err := sc.store.Runs(ctx, account, 1)
	if err != nil || len(runs) == 0 {
		return time.Time{}, err
	}
	return runs[0].Started, nil
}

// start runs acct on a goroutine of its own, once one of the slots is free.
// The run is not cancelled with ctx: when ctx ends, it is asked to stop at
// its next commit, and cut off after StopGrace.
func (sc *Scheduler) start(ctx context.Context, jobs *sync.WaitGroup, slots chan struct{}, acct Account, now time.Time) {
	sc.mu.Lock()
	sc.running[acct.Name] = true
	delete(sc.queued, acct.Name)
	sc.began[acct.Name] = now
	sc.mu.Unlock()
	jobs.Add(1)
	go func() {
		defer jobs.Done()
		defer func() {
			sc.mu.Lock()
			delete(sc.running, acct.Name)
			sc.mu.Unlock()
			sc.poke()
		}()
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		defer func() { <-slots }()
		if ctx.Err() != nil {
			return
		}
		runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		defer cancel()
		go sc.cutOff(ctx, runCtx, cancel, acct.Name)
		sc.runOne(runCtx, acct, func(e Event) {
			if ctx.Err() != nil && (e.Kind == EventProgress || e.Kind == EventFolder || e.Kind == EventRetry) {
				cancel() // just committed, or nothing uncommitted: stop here
			}
		})
	}()
}

// cutOff cancels a run StopGrace after stop ends, unless the run ended first.
func (sc *Scheduler) cutOff(stop, run context.Context, cancel context.CancelFunc, account string) {
	select {
	case <-run.Done():
		return
	case <-stop.Done():
	}
	deadline := sc.opt.Clock.Now().Add(sc.opt.StopGrace)
	for sc.opt.Clock.Now().Before(deadline) {
		select {
		case <-run.Done():
			return
		case <-sc.opt.Clock.At(deadline):
		}
	}
	sc.opt.Logger.Warn("a run did not reach a commit in time and was cut off; the next run fetches again what it had not committed",
		"account", account, "grace", sc.opt.StopGrace)
	cancel()
}

// runOne runs acct and reports its start and end; step sees each event
// before Run.Progress does.
func (sc *Scheduler) runOne(ctx context.Context, acct Account, step func(Event)) {
	log := sc.opt.Logger
	log.Info("run started", "account", acct.Name, "schedule", acct.Schedule())
	if sc.opt.Started != nil {
		sc.opt.Started(acct)
	}
	opt := sc.opt.Run
	progress := opt.Progress
	opt.Progress = func(e Event) {
		step(e)
		if progress != nil {
			progress(e)
		}
	}
	rep, err := sc.run(ctx, sc.store, acct, opt)
	attrs := []any{"account", acct.Name, "outcome", rep.Outcome, "messages", rep.Messages, "new", rep.New,
		"bytes", rep.Bytes, "folders", len(rep.Folders)}
	if rep.SetAside > 0 {
		attrs = append(attrs, "set_aside", rep.SetAside)
	}
	if rep.Deleted > 0 {
		attrs = append(attrs, "deleted", rep.Deleted)
	}
	if !rep.Ended.IsZero() && !rep.Started.IsZero() {
		attrs = append(attrs, "took", rep.Ended.Sub(rep.Started).Round(time.Millisecond))
	}
	var credErr *CredentialError
	switch {
	case err == nil:
		log.Info("run ended", attrs...)
	case ctx.Err() != nil:
		log.Info("run stopped; it continues from its last commit next time", attrs...)
	case errors.As(err, &credErr):
		log.Error("run failed; the account is tried again at its next scheduled time, fix its sign-in first",
			append(attrs, "advice", err.Error())...)
	default:
		log.Warn("run failed; what was archived is kept and the next run continues from there",
			append(attrs, "advice", err.Error())...)
	}
	if sc.opt.Ended != nil {
		sc.opt.Ended(rep, err)
	}
}
