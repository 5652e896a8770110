package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/mailkeep/mailkeep/store"
)

func newShowCommand(a *app) *cobra.Command {
	var raw bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one message: its headers, folders and attachments",
		Long: `Show one message of the archive by its id (the number "search" prints):
its date, sender, recipients, subject, the folders it was seen in, and its
attachments.

With --raw, write the message itself instead, exactly the bytes that were
received and nothing else, for example to open it in a mail program or hand
it on as evidence.`,
		Example: `  mailkeep-cli show 42
  mailkeep-cli show 42 --raw > message.eml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("show needs exactly one message id (find ids with mailkeep-cli search)")
			}
			return nil
		},
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return usageErrorf("%q is not a message id; ids are the numbers mailkeep-cli search prints", args[0])
			}
			return a.show(cmd, id, raw)
		}),
	}
	cmd.Flags().BoolVar(&raw, "raw", false, "write the exact stored bytes of the message, nothing added")
	return cmd
}

func (a *app) show(cmd *cobra.Command, id int64, raw bool) (err error) {
	ctx := cmd.Context()
	s, err := a.openExisting(ctx)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)
	if raw {
		return s.WriteRaw(ctx, id, a.out())
	}
	m, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	return a.printMessage(a.out(), m)
}

// printMessage prints a message's summary for people.
func (a *app) printMessage(w io.Writer, m store.Message) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	field := func(name, value string) {
		if value = oneLine(value); value != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", name, value)
		}
	}
	field("Id", strconv.FormatInt(m.ID, 10))
	date := "(none)"
	if !m.Date.IsZero() {
		date = m.Date.In(a.env.location).Format("2006-01-02 15:04:05 -0700")
	}
	field("Date", date)
	field("From", m.From)
	field("To", m.To)
	field("Cc", m.Cc)
	field("Subject", m.Subject)
	field("Message-ID", m.MessageID)
	field("Size", humanize.Bytes(uint64(m.Size)))
	field("SHA-256", hex.EncodeToString(m.SHA256[:]))
	field("Folders", strings.Join(folders(m.Locations), ", "))
	if m.Flags&store.FlagPlaceholder != 0 {
		field("Note", "the server sent a stand-in instead of this message")
	}
	if m.Flags&store.FlagParseError != 0 {
		problem := "the message did not parse completely; it is kept exactly as received"
		if m.Problem != "" {
			problem += " (" + oneLine(m.Problem) + ")"
		}
		field("Note", problem)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(m.Attachments) > 0 {
		fmt.Fprintf(w, "\nAttachments (%d):\n", len(m.Attachments))
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, att := range m.Attachments {
			name := oneLine(att.Filename)
			if name == "" {
				name = "(no name)"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", name, oneLine(att.ContentType), humanize.Bytes(uint64(att.Size)))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "\nThe message itself: mailkeep-cli show %d --raw > message.eml\n", m.ID)
	return err
}
