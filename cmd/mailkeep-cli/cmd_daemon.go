package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
)

func newDaemonCommand(a *app) *cobra.Command {
	var connections int
	cmd := &cobra.Command{
		Use:   "daemon",
		Short: "Archive the accounts on their schedules until stopped",
		Long: `Archive each account that is not paused on its schedule (account add --every
DURATION or --daily HH:MM) until stopped with Ctrl-C, SIGINT or SIGTERM, logging
one line as each run begins and one as it ends to standard error.

When a run is next due is counted from the start of the account's latest run,
so restarting the daemon does not archive everything again at once, and runs
missed while the computer was off are made up by one run soon after the start.
An account that never ran on an --every schedule runs at once. A failure of one
account does not stop the others. Up to --connections folders of an IMAP
account are archived at the same time (default 2), each over a connection of
its own.

Stopping lets the running runs stop at their next commit (at most 30 seconds
later; what they archived is kept, and the next run continues from there) and
exits 0. A second Ctrl-C stops at once. While the daemon runs, it
holds the archive file: run, import and account add or remove wait for it to
stop; search, show, export, verify and stats work as usual.`,
		Example: `  mailkeep-cli daemon
  mailkeep-cli --db /srv/mail/sales.mailkeep daemon 2>>/var/log/mailkeep.log
  mailkeep-cli daemon --connections 4`,
		Args: cobra.NoArgs,
	}
	check := connectionsFlag(cmd, &connections)
	cmd.RunE = a.runE(func(cmd *cobra.Command, args []string) error {
		if err := check(); err != nil {
			return err
		}
		return a.daemon(cmd, connections)
	})
	return cmd
}

func (a *app) daemon(cmd *cobra.Command, connections int) (err error) {
	ctx := cmd.Context()
	s, done, err := a.openWriting(ctx, false)
	if err != nil {
		return err
	}
	defer done(&err)
	level := slog.LevelInfo
	if a.verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(a.errOut(), &slog.HandlerOptions{Level: level}))

	accounts, err := archive.Accounts(ctx, s)
	if err != nil {
		return err
	}
	if len(accounts) == 0 {
		return fmt.Errorf("there are no accounts to archive in %s: add one with mailkeep-cli account add NAME ... --every 1h", s.Path())
	}
	scheduled := 0
	for _, acct := range accounts {
		if acct.Scheduled() && !acct.Paused {
			scheduled++
		}
	}
	if scheduled == 0 {
		return errors.New("no account has a schedule, so the daemon would have nothing to do: give accounts one with account add --every DURATION or --daily HH:MM, or archive now with mailkeep-cli run")
	}
	log.Info("daemon started", "archive", s.Path(), "pid", os.Getpid(), "accounts", len(accounts), "scheduled", scheduled)
	now := time.Now()
	for _, acct := range accounts {
		if !acct.Scheduled() || acct.Paused {
			continue
		}
		var last time.Time
		if runs, err := s.Runs(ctx, acct.Name, 1); err != nil {
			return err
		} else if len(runs) > 0 {
			last = runs[0].Started
		}
		log.Info("schedule", "account", acct.Name, "schedule", acct.Schedule(),
			"next", archive.NextRun(acct, last, now, time.Local).Format(time.DateTime))
	}

	sc := archive.NewScheduler(s, archive.SchedulerOptions{
		Logger: log,
		// archive.Run's own log (attempts, retries) only with --verbose.
		Run: archive.Options{Pool: &auth.EntraPool{}, Keyring: a.keyring(), Logger: a.log, Connections: connections},
	})
	if err := sc.Run(ctx); err != nil {
		return err
	}
	log.Info("daemon stopped")
	return nil
}
