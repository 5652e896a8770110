package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/mailkeep/mailkeep/store"
)

func newImportCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "import PATH...",
		Short: "Add .eml files, mbox files and Maildir folders to the archive",
		Long: `Add messages from files to the archive: .eml files, mbox files (as Thunderbird
and most mail programs export them), Maildir folders, and folders holding any
of these. The archive file is created when it does not exist yet.

A message already in the archive is not stored twice, so importing the same
files again is harmless. An import that is interrupted keeps what it has
committed; run it again to finish. Messages that do not parse completely are
still kept exactly as they are, and counted as flagged.`,
		Example: `  mailkeep-cli import old-mail/archive.mbox
  mailkeep-cli import message1.eml message2.eml
  mailkeep-cli import ~/Maildir
  mailkeep-cli --db sales.mailkeep import "Exported mail"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("import needs at least one file or folder to read")
			}
			return nil
		},
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			return a.importPaths(cmd, args)
		}),
	}
}

func (a *app) importPaths(cmd *cobra.Command, paths []string) (err error) {
	ctx := cmd.Context()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("%s does not exist; check the path (nothing was imported)", p)
			}
			return fmt.Errorf("cannot read %s: %w (nothing was imported)", p, err)
		}
	}
	s, done, err := a.openWriting(ctx, true)
	if err != nil {
		return err
	}
	defer done(&err)

	start := time.Now()
	bar := a.newProgress("Importing", 0, true)
	stats, err := s.Import(ctx, paths, func(p store.ImportProgress) {
		bar.set(fmt.Sprintf("Importing: %s", plural(p.Messages, "message", "messages")), p.Bytes, p.Total)
	})
	bar.finish()
	if err != nil {
		return err
	}
	a.log.Debug("import done", "read", stats.Read, "new", stats.New, "problems", stats.Problems)
	fmt.Fprintf(a.out(), "Imported %s (%s new, %s flagged) from %s in %s\n",
		plural(stats.Read, "message", "messages"), humanize.Comma(int64(stats.New)), humanize.Comma(int64(stats.Problems)),
		plural(len(paths), "path", "paths"), roundDuration(time.Since(start)))
	return nil
}

// roundDuration keeps a duration readable: 340ms, 1.2s, 3m4s.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond)
	case d < time.Minute:
		return d.Round(100 * time.Millisecond)
	default:
		return d.Round(time.Second)
	}
}
