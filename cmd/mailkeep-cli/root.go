package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/mailkeep/mailkeep/store"
)

// Exit statuses, as DESIGN.md "Command line" promises them.
const (
	exitOK     = 0 // done
	exitFailed = 1 // the command ran and failed
	exitUsage  = 2 // the command was typed wrong: unknown command or flag, missing or bad argument, bad query
)

// app is one run of the command line: the environment and the global flags.
type app struct {
	env     env
	db      string // --db
	verbose bool   // --verbose
	log     *slog.Logger

	// started is set when a command's own code begins. Cobra reports unknown
	// commands, unknown flags, bad flag values and missing arguments before
	// that, so an error while !started is a usage error.
	started bool
}

// usageError is an error in what was typed; it makes the command line exit 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// run runs the command line with args (without the program's name) and returns
// the exit status.
func run(ctx context.Context, args []string, e env) (code int) {
	a := &app{env: e, log: slog.New(slog.DiscardHandler)}
	defer func() {
		// A bug must not greet an office admin with a Go stack; --verbose logs it.
		if p := recover(); p != nil {
			a.log.Debug("panic", "value", p, "stack", string(debug.Stack()))
			fmt.Fprintf(e.stderr, "mailkeep-cli: internal error: %v. Please report this (run again with --verbose for details)\n", p)
			code = exitFailed
		}
	}()
	root := newRootCommand(a)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil && cmd == root && !root.Flags().Changed("help") {
		// No command: cobra has printed the help; for scripts this is an error.
		err = usageErrorf("no command given")
	}
	if err == nil {
		return exitOK
	}
	code = a.exitCode(err)
	if ctx.Err() != nil {
		code = exitFailed
	}
	a.printError(ctx, cmd, err, code)
	return code
}

// exitCode decides between "failed" and "typed wrong".
func (a *app) exitCode(err error) int {
	var ue *usageError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case !a.started:
		return exitUsage
	case isQueryError(err):
		return exitUsage
	}
	return exitFailed
}

// isQueryError says whether the store refused a query because it is not valid
// in the search language: the query was typed wrong.
func isQueryError(err error) bool {
	var qe *store.QueryError
	return errors.As(err, &qe)
}

// printError prints err once, in the one form every error takes:
// "mailkeep-cli: <message>". Usage errors add where to read how to use cmd.
func (a *app) printError(ctx context.Context, cmd *cobra.Command, err error, code int) {
	msg := err.Error()
	if ctx.Err() != nil {
		msg = "interrupted. Everything committed before the interruption is kept in the archive; run the command again to continue"
	}
	fmt.Fprintf(a.env.stderr, "mailkeep-cli: %s\n", msg)
	if code == exitUsage && cmd != nil {
		fmt.Fprintf(a.env.stderr, "Run '%s --help' to see how to use it.\n", cmd.CommandPath())
	}
}

// newRootCommand builds the whole command tree for one run.
func newRootCommand(a *app) *cobra.Command {
	defaultDB, defaultErr := store.DefaultPath(a.env.getenv)
	defaultText := defaultDB
	if defaultErr != nil {
		defaultText = "(none on this system: " + defaultErr.Error() + ")"
	}
	root := &cobra.Command{
		Use:   "mailkeep-cli",
		Short: "Keep mail in one archive file and find it again",
		Long: `mailkeep-cli works with a Mailkeep archive: one file that keeps every
message exactly as it was received, and finds it again in a second.

The archive file used is, in this order: the one given with --db PATH, the one
named by the MAILKEEP_DB environment variable, or the default:
  ` + defaultText + `
Only "import" creates the file; the other commands need it to exist.

Exit status: 0 done, 1 failed, 2 the command was typed wrong (unknown command
or option, missing argument, bad query).`,
		Example: `  mailkeep-cli import old-mail/archive.mbox
  mailkeep-cli search 'from:alice invoice'
  mailkeep-cli show 42
  mailkeep-cli --db D:\Archives\sales.mailkeep stats`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRun: func(cmd *cobra.Command, args []string) {
			if a.verbose {
				a.log = slog.New(slog.NewTextHandler(a.env.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
			}
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetOut(a.env.stdout)
	root.SetErr(a.env.stderr)
	root.SetIn(a.env.stdin)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.PersistentFlags().StringVar(&a.db, "db", "", "the archive `file` (default: $MAILKEEP_DB, else the per-user data folder)")
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "log what happens, for troubleshooting, to stderr")

	root.AddCommand(
		newImportCommand(a),
		newSearchCommand(a),
		newShowCommand(a),
		newExportCommand(a),
		newVerifyCommand(a),
		newStatsCommand(a),
		newAccountCommand(a),
		newRunCommand(a),
		newDaemonCommand(a),
		newDemoCommand(a),
	)
	return root
}

// runE marks the point where a command's own code starts (see app.started).
func (a *app) runE(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.started = true
		return f(cmd, args)
	}
}

// dbPath is the archive file this run uses.
func (a *app) dbPath() (string, error) {
	if a.db != "" {
		return a.db, nil
	}
	if p := a.env.getenv("MAILKEEP_DB"); p != "" {
		return p, nil
	}
	p, err := store.DefaultPath(a.env.getenv)
	if err != nil {
		return "", fmt.Errorf("%w; pass the archive file with --db PATH or set MAILKEEP_DB", err)
	}
	return p, nil
}

// openExisting opens the archive for a command that reads it: a missing file is
// an error here, not an empty archive (store.Open would create it).
func (a *app) openExisting(ctx context.Context) (*store.Store, error) {
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("there is no archive file at %s. Import messages first (mailkeep-cli import PATH), or pass the right file with --db PATH or MAILKEEP_DB", path)
	}
	return a.open(ctx, path)
}

// openOrCreate opens the archive, creating it when it does not exist yet.
func (a *app) openOrCreate(ctx context.Context) (*store.Store, error) {
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	return a.open(ctx, path)
}

func (a *app) open(ctx context.Context, path string) (*store.Store, error) {
	a.log.Debug("opening archive", "path", path)
	return store.Open(ctx, path)
}

// closeStore closes s and reports a failure to close only when nothing else failed.
func closeStore(s *store.Store, err *error) {
	if cerr := s.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("closing the archive file %s: %w", s.Path(), cerr)
	}
}

// out and errOut are where a command prints results and messages.
func (a *app) out() io.Writer    { return a.env.stdout }
func (a *app) errOut() io.Writer { return a.env.stderr }
