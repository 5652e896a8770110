package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

// ID is the application's ID: Fyne keeps its preferences under it, and the
// desktop entry and the single-instance socket are named after it.
const ID = "org.mailkeep.Mailkeep"

// Config is what the App takes from the world outside it. The zero Config
// is the real thing for a desktop session; tests set the fields that point
// at their servers.
type Config struct {
	// ArchivePath is the archive file. Empty: the one chosen in Settings,
	// else store.DefaultPath.
	ArchivePath string
	// Keyring is where secrets are kept (the zero Keyring: the OS keyring).
	Keyring auth.Keyring
	// TLSConfig is used for mail servers (nil: the system's roots, which on
	// Linux honour SSL_CERT_FILE); HTTPClient for Entra ID (nil: default).
	TLSConfig  *tls.Config
	HTTPClient *http.Client
	Logger     *slog.Logger // nil: no logging
	// Getenv reads the environment (nil: os.Getenv).
	Getenv func(string) string
	// Now is the clock for "next run" and secret expiry (nil: time.Now).
	Now func() time.Time
	// UI runs a change of the windows on the UI goroutine, after those
	// handed over before it (nil: fyne.Do). Fyne's test driver runs
	// fyne.Do at once on the caller's goroutine, so tests give a goroutine
	// of their own.
	UI func(func())
}

// App is one running Mailkeep: its archive, its scheduler and its windows.
type App struct {
	fyne fyne.App
	cfg  Config
	log  *slog.Logger

	store *store.Store
	lock  *store.Lock
	sched *archive.Scheduler
	pool  *auth.EntraPool
	board *board

	ctx    context.Context // ends when the App closes
	cancel context.CancelFunc
	jobs   sync.WaitGroup // the scheduler's Run, and checks in flight

	main      fyne.Window    // nil until first shown: setup and mailboxes take turns in it
	mailboxes *mailboxesView // the list of mailboxes, made the first time it is shown

	shell shell // the tray, notifications and quitting (tray.go)
}

// New opens (creating when needed) the archive and prepares the scheduler;
// Start shows the first window. The archive stays locked for writing until
// Close: a second Mailkeep, or mailkeep-cli run, is told who holds it.
func New(fa fyne.App, cfg Config) (*App, error) {
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.UI == nil {
		cfg.UI = fyne.Do
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	path := cfg.ArchivePath
	if path == "" {
		path = fa.Preferences().String(prefArchivePath)
	}
	if path == "" {
		p, err := store.DefaultPath(cfg.Getenv)
		if err != nil {
			return nil, fmt.Errorf("no archive file is set and %w: choose one in Settings", err)
		}
		path = p
	}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := store.Open(ctx, path)
	if err != nil {
		cancel()
		return nil, err
	}
	lock, err := store.LockArchive(s.Path())
	if err != nil {
		s.Close()
		cancel()
		return nil, err
	}
	a := &App{fyne: fa, cfg: cfg, log: log, store: s, lock: lock, pool: &auth.EntraPool{}, ctx: ctx, cancel: cancel}
	a.board = newBoard(cfg.Now)
	a.sched = archive.NewScheduler(s, archive.SchedulerOptions{
		Run:      a.runOptions(),
		Started:  a.board.started,
		Ended:    a.board.ended,
		Logger:   log,
		Parallel: fa.Preferences().IntWithFallback(prefParallel, 2),
	})
	if err := a.board.load(ctx, s); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// runOptions are the options of every archive run the App starts.
func (a *App) runOptions() archive.Options {
	return archive.Options{
		Progress:    a.board.event,
		Logger:      a.log,
		Keyring:     a.cfg.Keyring,
		Pool:        a.pool,
		TLSConfig:   a.cfg.TLSConfig,
		HTTPClient:  a.cfg.HTTPClient,
		Connections: a.fyne.Preferences().IntWithFallback(prefConnections, defaultConnections),
	}
}

// Start runs the schedule in the background and shows the first window: the
// setup when the archive has no mailbox yet, else the main window unless
// trayOnly (started at login).
func (a *App) Start(trayOnly bool) {
	a.jobs.Go(func() {
		if err := a.sched.Run(a.ctx); err != nil {
			a.log.Error("the scheduler stopped", "err", err)
		}
	})
	a.startTray()
	if len(a.board.snapshot()) == 0 {
		a.showSetup()
		return
	}
	if !trayOnly {
		a.showMain()
	}
}

// Close stops the runs in progress (each at its next commit), waits for
// them, and releases the archive.
func (a *App) Close() error {
	a.sched.Stop()
	a.cancel()
	a.jobs.Wait()
	err := a.store.Close()
	if a.lock != nil {
		err = errors.Join(err, a.lock.Release())
	}
	return err
}

// background runs f off Fyne's goroutine, as part of the App's jobs.
func (a *App) background(f func(ctx context.Context)) {
	a.jobs.Go(func() { f(a.ctx) })
}

// do runs f on Fyne's goroutine. Background work (a search, a run's
// progress, an import) changes the windows only through it.
func (a *App) do(f func()) { a.cfg.UI(f) }
