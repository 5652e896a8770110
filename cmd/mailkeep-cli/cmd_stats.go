package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/mailkeep/mailkeep/store"
)

func newStatsCommand(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Show how many messages the archive holds and how much space they take",
		Long: `Show what the archive holds: how many messages, from how many accounts and
folders, how old the oldest and newest are, and how much disk space they take.

With --json it prints one JSON object with the fields path, messages,
raw_bytes, stored_bytes, file_bytes, accounts, folders, locations,
attachments, flagged, oldest and newest (dates in RFC 3339, null when none).`,
		Example: `  mailkeep-cli stats
  mailkeep-cli stats --json`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			return a.stats(cmd, asJSON)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object, for scripts")
	return cmd
}

// jsonStats is stats as --json prints it.
type jsonStats struct {
	Path        string  `json:"path"`
	Messages    int     `json:"messages"`
	RawBytes    int64   `json:"raw_bytes"`
	StoredBytes int64   `json:"stored_bytes"`
	FileBytes   int64   `json:"file_bytes"`
	Accounts    int     `json:"accounts"`
	Folders     int     `json:"folders"`
	Locations   int     `json:"locations"`
	Attachments int     `json:"attachments"`
	Flagged     int     `json:"flagged"`
	Oldest      *string `json:"oldest"`
	Newest      *string `json:"newest"`
}

func (a *app) stats(cmd *cobra.Command, asJSON bool) (err error) {
	ctx := cmd.Context()
	s, err := a.openExisting(ctx)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)

	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return newJSONEncoder(a.out()).Encode(jsonStats{
			Path: s.Path(), Messages: st.Messages,
			RawBytes: st.RawBytes, StoredBytes: st.StoredBytes, FileBytes: st.FileBytes,
			Accounts: st.Accounts, Folders: st.Folders, Locations: st.Locations,
			Attachments: st.Attachments, Flagged: st.Flagged,
			Oldest: rfc3339(st.Oldest), Newest: rfc3339(st.Newest),
		})
	}
	return a.printStats(s.Path(), st)
}

func (a *app) printStats(path string, st store.Stats) error {
	tw := tabwriter.NewWriter(a.out(), 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Archive file:\t%s\n", path)
	fmt.Fprintf(tw, "Messages:\t%s\n", humanize.Comma(int64(st.Messages)))
	fmt.Fprintf(tw, "Attachments:\t%s\n", humanize.Comma(int64(st.Attachments)))
	if st.Flagged > 0 {
		fmt.Fprintf(tw, "Flagged:\t%s (did not parse completely or were stand-ins; kept as received)\n", humanize.Comma(int64(st.Flagged)))
	}
	fmt.Fprintf(tw, "Accounts:\t%s\n", humanize.Comma(int64(st.Accounts)))
	fmt.Fprintf(tw, "Folders:\t%s (%s places messages were seen)\n", humanize.Comma(int64(st.Folders)), humanize.Comma(int64(st.Locations)))
	fmt.Fprintf(tw, "Oldest message:\t%s\n", a.statsDate(st.Oldest))
	fmt.Fprintf(tw, "Newest message:\t%s\n", a.statsDate(st.Newest))
	fmt.Fprintf(tw, "Mail size:\t%s\n", humanize.Bytes(uint64(st.RawBytes)))
	fmt.Fprintf(tw, "Stored size:\t%s (compressed)\n", humanize.Bytes(uint64(st.StoredBytes)))
	fmt.Fprintf(tw, "File size:\t%s on disk\n", humanize.Bytes(uint64(st.FileBytes)))
	return tw.Flush()
}

func (a *app) statsDate(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(a.env.location).Format("2006-01-02")
}
