//go:build cgo

// Command mailkeep is Mailkeep's tray app: the guided setup, the mailboxes
// and their jobs, search, and a tray icon that archives on schedule. The
// screens are package app; this command only starts them.
//
//	mailkeep                 open the window (the setup, the first time)
//	mailkeep --tray          start hidden in the tray (as at login)
//	mailkeep --db FILE       use another archive file
//
// On a machine without a desktop, use mailkeep-cli.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/mailkeep/mailkeep/app"
	"github.com/mailkeep/mailkeep/assets"
)

// version is Mailkeep's version; keep it in step with FyneApp.toml.
const version = "0.1.0"

func main() { os.Exit(run(os.Args[1:], os.Getenv)) }

func run(args []string, getenv func(string) string) int {
	flags := flag.NewFlagSet("mailkeep", flag.ContinueOnError)
	trayOnly := flags.Bool("tray", false, "start hidden in the system tray, as at login")
	db := flags.String("db", "", "the archive `file` (default: the one chosen in Settings, else the per-user data folder)")
	verbose := flags.Bool("verbose", false, "log more (debug level)")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "mailkeep takes no arguments (got %q); see mailkeep --help\n", flags.Args())
		return 2
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if msg := noDesktop(getenv); msg != "" {
		fmt.Fprintln(os.Stderr, msg)
		return 1
	}

	// One Mailkeep per user: a second start shows the first one's window.
	var instance *app.Instance
	socket, err := app.InstanceSocket(getenv)
	if err == nil {
		instance, err = app.ClaimInstance(socket)
	}
	var running *app.AlreadyRunningError
	switch {
	case errors.As(err, &running):
		fmt.Fprintln(os.Stderr, running)
		return 0
	case err != nil:
		log.Warn("cannot make sure Mailkeep runs only once; going on", "err", err)
	default:
		defer instance.Close()
	}

	fa := fyneapp.NewWithID(app.ID)
	if fa.Metadata().Name == "" {
		// Built with go build rather than fyne package: the tray's title
		// and the notifications' sender would be the bare ID.
		fyneapp.SetMetadata(fyne.AppMetadata{ID: app.ID, Name: "Mailkeep", Version: version, Build: 1, Icon: assets.AppIcon})
	}
	fa.SetIcon(assets.AppIcon)
	a, err := app.New(fa, app.Config{ArchivePath: *db, Logger: log})
	if err != nil {
		log.Error("Mailkeep cannot start", "err", err)
		showStartError(fa, err)
		return 1
	}
	if instance != nil {
		instance.Serve(a.Raise)
	}

	// Fyne quits on SIGINT and SIGTERM itself; this is in case it does not.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		fyne.Do(fa.Quit)
	}()

	a.Start(*trayOnly && a.HasTray())
	if unmadeWindow(fa) {
		// Fyne would carry on without the window: say why, and end.
		log.Error("the window could not be made: the display offers no OpenGL 2.1")
		tellNoWindow()
		if err := a.Shutdown(); err != nil {
			log.Error("closing the archive", "err", err)
		}
		return 1
	}
	fa.Run()
	log.Info("Mailkeep is closing; runs in progress stop at their next commit")
	if err := a.Shutdown(); err != nil {
		log.Error("closing the archive", "err", err)
		return 1
	}
	return 0
}
