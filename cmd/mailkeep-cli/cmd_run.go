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

// maxConnections bounds --connections: Exchange Online allows a mailbox
// about 20 IMAP connections from all programs together, and throttles
// sooner.
const maxConnections = 10

// connectionsFlag adds --connections to cmd (run, daemon) and returns a
// check for it.
func connectionsFlag(cmd *cobra.Command, n *int) func() error {
	cmd.Flags().IntVar(n, "connections", 2, fmt.Sprintf("archive up to `N` folders of an IMAP account at the same time, each over a connection of its own (1 to %d)", maxConnections))
	return func() error {
		if *n < 1 || *n > maxConnections {
			return usageErrorf("--connections must be from 1 to %d, not %d", maxConnections, *n)
		}
		return nil
	}
}

func newRunCommand(a *app) *cobra.Command {
	var connections int
	cmd := &cobra.Command{
		Use:   "run [NAME...]",
		Short: "Archive now: the named accounts, or all that are not paused",
		Long: `Archive the named accounts now, one after the other, or every account that
is not paused when none is named. Only what the archive does not have yet is
fetched; nothing is marked as read, and nothing is deleted on the server unless
a POP3 account asks for it.

Up to --connections folders of an IMAP account are archived at the same time
(default 2), each over a connection of its own; 1: one after the other.
Exchange Online throttles each mailbox: when it asks Mailkeep to wait, only
that connection waits the time it suggested, then goes on. POP3 accounts use
one connection (they have one mailbox).

Prints one line per account; with --verbose also one line per folder, with
its special use (such as \Sent or \Archive) when the server names one. A
failure of one account does not stop the others; the exit status is 1 if any
failed. An interrupted run keeps what it committed; run again to continue.`,
		Example: `  mailkeep-cli run
  mailkeep-cli run sales support
  mailkeep-cli run --connections 1 sales`,
	}
	check := connectionsFlag(cmd, &connections)
	cmd.RunE = a.runE(func(cmd *cobra.Command, args []string) error {
		if err := check(); err != nil {
			return err
		}
		return a.runAccounts(cmd, args, connections)
	})
	return cmd
}

func (a *app) runAccounts(cmd *cobra.Command, names []string, connections int) (err error) {
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
		bar := newRunProgress(a.newProgress(acct.Name, 0, false))
		start := time.Now()
		rep, err := archive.Run(ctx, s, acct, archive.Options{
			Pool: pool, Keyring: a.keyring(), Logger: a.log, Connections: connections,
			Progress: bar.event,
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
		if a.verbose {
			for _, f := range rep.Folders {
				fmt.Fprintln(a.out(), "  "+folderLine(f))
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %s failed (see above)", failed, plural(len(accounts), "account", "accounts"))
	}
	return nil
}

// folderLine describes what a run did in one folder.
func folderLine(f archive.FolderReport) string {
	name := f.Folder
	if len(f.SpecialUse) > 0 {
		name += " (" + strings.Join(f.SpecialUse, " ") + ")"
	}
	if f.Error != "" {
		return fmt.Sprintf("%s: NOT READ: %s", name, f.Error)
	}
	line := fmt.Sprintf("%s: %s (%d new, %s)", name, plural(f.Messages, "message", "messages"), f.New, humanize.Bytes(uint64(f.Bytes)))
	if f.Rescanned {
		line += ", read again from the start (the server renumbered the folder)"
	}
	if f.SetAside > 0 {
		line += fmt.Sprintf(", %d set aside to try again next run", f.SetAside)
	}
	if f.Deleted > 0 {
		line += fmt.Sprintf(", %d deleted on the server", f.Deleted)
	}
	return line
}

// runProgress shows one account's run on a bar: the messages of every
// folder begun so far, labelled with the folders being archived (several at
// once with parallel connections).
type runProgress struct {
	bar     *progress
	folders map[string]*folderProgress
	order   []string
}

type folderProgress struct{ done, total int }

func newRunProgress(bar *progress) *runProgress {
	return &runProgress{bar: bar, folders: map[string]*folderProgress{}}
}

// event is archive.Options.Progress (called one event at a time).
func (p *runProgress) event(e archive.Event) {
	if e.Kind != archive.EventFolder && e.Kind != archive.EventProgress {
		return
	}
	label, done, total := p.update(e)
	p.bar.set(label, int64(done), int64(total))
}

// update takes in e and returns the bar's label and position.
func (p *runProgress) update(e archive.Event) (label string, done, total int) {
	f := p.folders[e.Folder]
	if f == nil {
		f = &folderProgress{}
		p.folders[e.Folder] = f
		p.order = append(p.order, e.Folder)
	}
	f.done, f.total = e.Done, max(e.Total, e.Done)
	var busy []string
	for _, name := range p.order {
		f := p.folders[name]
		done += f.done
		total += f.total
		if f.done < f.total {
			busy = append(busy, name)
		}
	}
	label = e.Account
	if len(busy) > 0 {
		label += ": " + strings.Join(busy, ", ")
	}
	return label, done, total
}

func (p *runProgress) finish() { p.bar.finish() }
