package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
)

func newRunCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "run [NAME...]",
		Short: "Archive now: the named accounts, or all that are not paused",
		Long: `Archive the named accounts now, one after the other, or every account that
is not paused when none is named. Only what the archive does not have yet is
fetched; nothing is marked as read, and nothing is deleted on the server unless
a POP3 account asks for it.

Prints one line per account. A failure of one account does not stop the
others; the exit status is 1 if any failed. An interrupted run keeps what it
committed; run again to continue.`,
		Example: `  mailkeep-cli run
  mailkeep-cli run sales support`,
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			return a.runAccounts(cmd, args)
		}),
	}
}

func (a *app) runAccounts(cmd *cobra.Command, names []string) (err error) {
	ctx := cmd.Context()
	s, done, err := a.openWriting(ctx, false)
	if err != nil {
		return err
	}
	defer done(&err)
	var accounts []archive.Account
	if len(names) == 0 {
		all, err := archive.Accounts(ctx, s)
		if err != nil {
			return err
		}
		for _, acct := range all {
			if !acct.Paused {
				accounts = append(accounts, acct)
			}
		}
		if len(accounts) == 0 {
			return fmt.Errorf("there are no accounts to archive in %s: add one with mailkeep-cli account add NAME ...", s.Path())
		}
	}
	for _, name := range names {
		acct, err := archive.LoadAccount(ctx, s, name)
		if err != nil {
			return err
		}
		accounts = append(accounts, acct)
	}

	pool := &auth.EntraPool{} // accounts of one app share its token
	failed := 0
	for _, acct := range accounts {
		bar := a.newProgress(acct.Name, 0, false)
		start := time.Now()
		rep, err := archive.Run(ctx, s, acct, archive.Options{
			Pool: pool, Keyring: a.keyring(), Logger: a.log,
			Progress: func(e archive.Event) {
				switch e.Kind {
				case archive.EventFolder, archive.EventProgress:
					bar.set(fmt.Sprintf("%s: %s", e.Account, e.Folder), int64(e.Done), int64(e.Total))
				}
			},
		})
		bar.finish()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		line := fmt.Sprintf("%s: %s (%d new, %s) from %s in %s", acct.Name, plural(rep.Messages, "message", "messages"),
			rep.New, humanize.Bytes(uint64(rep.Bytes)), plural(len(rep.Folders), "folder", "folders"), roundDuration(time.Since(start)))
		if rep.Deleted > 0 {
			line += fmt.Sprintf(", %d deleted on the server", rep.Deleted)
		}
		if rep.SetAside > 0 {
			line += fmt.Sprintf(", %d set aside to try again next run", rep.SetAside)
		}
		if err != nil {
			failed++
			line = fmt.Sprintf("%s: FAILED: %s", acct.Name, oneLine(strings.TrimPrefix(err.Error(), fmt.Sprintf("account %q: ", acct.Name))))
		}
		fmt.Fprintln(a.out(), line)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %s failed (see above)", failed, plural(len(accounts), "account", "accounts"))
	}
	return nil
}
