package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/mailkeep/mailkeep/archive/demo"
)

func newDemoCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Archive a built-in demo mailbox into a separate demo archive, to try Mailkeep",
		Long: `Archive a demo mailbox, to see Mailkeep work without a mail account: a small
office's mail (about 300 messages in five folders, in English, German and
Japanese, some with PDF and CSV attachments), served by an IMAP server inside
mailkeep-cli over TLS on 127.0.0.1 for as long as the command runs.

The demo writes to an archive file of its own, never to your real archive:
` + demo.FileName + ` in the same folder as the default archive, or the file given
with --db (MAILKEEP_DB is not used: it names the real archive). It refuses a
file that holds other mail. Running it again archives nothing new. Afterwards
it prints searches to try.`,
		Example: `  mailkeep-cli demo
  mailkeep-cli --db /tmp/try.mailkeep demo`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			return a.demo(cmd)
		}),
	}
}

func (a *app) demo(cmd *cobra.Command) error {
	path := a.db
	if path == "" {
		p, err := demo.DefaultPath(a.env.getenv)
		if err != nil {
			return usageErrorf("%v; name a file for the demo archive with --db PATH", err)
		}
		path = p
	}
	bar := newRunProgress(a.newProgress("demo", 0, false)) // folders in parallel, on one bar
	start := time.Now()
	rep, err := demo.Run(cmd.Context(), path, bar.event)
	bar.finish()
	var nd *demo.NotDemoArchiveError
	if errors.As(err, &nd) {
		return &usageError{err}
	}
	if err != nil {
		return err
	}
	if rep.New == 0 {
		fmt.Fprintf(a.out(), "Demo mailbox: nothing new; the demo archive %s holds it already (checked %s in %s). Your real archive was not touched.\n",
			path, plural(len(rep.Folders), "folder", "folders"), roundDuration(time.Since(start)))
	} else {
		fmt.Fprintf(a.out(), "Demo mailbox: %s (%d new, %s) from %s archived into %s in %s. Your real archive was not touched.\n",
			plural(rep.Messages, "message", "messages"), rep.New, humanize.Bytes(uint64(rep.Bytes)),
			plural(len(rep.Folders), "folder", "folders"), path, roundDuration(time.Since(start)))
	}
	fmt.Fprintln(a.out(), "\nTry:")
	db := shellQuote(path)
	searches := demo.SuggestedSearches()
	for _, s := range searches[1:min(3, len(searches))] {
		fmt.Fprintf(a.out(), "  mailkeep-cli --db %s search %s\n", db, shellQuote(s.Query))
	}
	fmt.Fprintf(a.out(), "  mailkeep-cli --db %s stats\n", db)
	return nil
}

// shellSafe are words a shell takes as they are.
var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:=@%+,-]+$`)

// shellQuote writes s so that a POSIX shell reads it back as one word: in
// single quotes unless it needs none.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
