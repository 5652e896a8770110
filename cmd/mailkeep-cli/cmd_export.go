package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mailkeep/mailkeep/store"
)

type exportOptions struct {
	out    string
	format string
}

func newExportCommand(a *app) *cobra.Command {
	var opts exportOptions
	cmd := &cobra.Command{
		Use:   "export QUERY --out PATH [--format mbox|eml]",
		Short: "Write the messages a search finds to an mbox file or a folder of .eml files",
		Long: `Write every message that QUERY finds (see "mailkeep-cli search --help" for
queries; '' is every message) byte for byte as it was received:

  --format mbox   one mbox file at PATH (the default), which Thunderbird and
                  most mail programs can open
  --format eml    a folder PATH holding one .eml file per message, which
                  Outlook and most mail programs open with a double click

An mbox file that already holds something is never overwritten: give a new
name. Exporting again into the same .eml folder adds what is missing and
leaves the files already there as they are.`,
		Example: `  mailkeep-cli export 'from:alice@contoso.com before:2020-01-01' --out alice-old.mbox
  mailkeep-cli export 'subject:contract' --out contracts --format eml
  mailkeep-cli export '' --out everything.mbox`,
		Args: queryArgs,
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			format := store.ExportFormat(strings.ToLower(opts.format))
			if format != store.FormatMbox && format != store.FormatEML {
				return usageErrorf("--format must be mbox or eml, not %q", opts.format)
			}
			return a.export(cmd, strings.Join(args, " "), opts.out, format)
		}),
	}
	cmd.Flags().StringVarP(&opts.out, "out", "o", "", "the mbox `file` or .eml folder to write (required)")
	cmd.Flags().StringVar(&opts.format, "format", string(store.FormatMbox), "mbox (one file) or eml (a folder of files)")
	cmd.MarkFlagRequired("out")
	return cmd
}

func (a *app) export(cmd *cobra.Command, query, out string, format store.ExportFormat) (err error) {
	ctx := cmd.Context()
	s, err := a.openExisting(ctx)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)

	a.log.Debug("export", "query", query, "out", out, "format", format)
	bar := a.newProgress("Exporting", 0, true)
	n, err := s.Export(ctx, query, out, format, func(p store.ImportProgress) {
		bar.set(fmt.Sprintf("Exporting: %s", plural(p.Messages, "message", "messages")), p.Bytes, p.Total)
	})
	bar.finish()
	if err != nil {
		return err
	}
	switch {
	case n == 0:
		fmt.Fprintln(a.out(), "No messages match; nothing was written.")
	case format == store.FormatEML:
		fmt.Fprintf(a.out(), "Exported %s as .eml files into the folder %s\n", plural(n, "message", "messages"), out)
	default:
		fmt.Fprintf(a.out(), "Exported %s to the mbox file %s\n", plural(n, "message", "messages"), out)
	}
	return nil
}
