package main

import (
	"encoding/hex"
	"fmt"

	"github.com/spf13/cobra"
)

func newVerifyCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Check that every stored message is still exactly as it was received",
		Long: `Re-read every message in the archive and check it against the fingerprint
(SHA-256) taken when it was archived. Run it now and then, and before you rely
on a backup of the archive file.

Prints "All N messages verified" and exits 0 when all is well. Otherwise it
lists each damaged message and exits 1: restore the archive file from a backup.`,
		Example: `  mailkeep-cli verify
  mailkeep-cli --db /backup/archive.mailkeep verify`,
		Args: cobra.NoArgs,
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			return a.verify(cmd)
		}),
	}
}

func (a *app) verify(cmd *cobra.Command) (err error) {
	ctx := cmd.Context()
	s, err := a.openExisting(ctx)
	if err != nil {
		return err
	}
	defer closeStore(s, &err)

	bar := a.newProgress("Verifying", 0, false)
	report, err := s.Verify(ctx, func(done, total int) {
		bar.set("", int64(done), int64(total))
	})
	bar.finish()
	if err != nil {
		return err
	}
	if len(report.Bad) == 0 {
		fmt.Fprintf(a.out(), "All %s verified\n", plural(report.Checked, "message", "messages"))
		return nil
	}
	fmt.Fprintf(a.out(), "%s of %d failed the check:\n", plural(len(report.Bad), "message", "messages"), report.Checked)
	for _, bad := range report.Bad {
		fmt.Fprintf(a.out(), "  id %d  sha256 %s  %s\n", bad.ID, hex.EncodeToString(bad.SHA256[:]), oneLine(bad.Reason))
	}
	return fmt.Errorf("%d of %d messages in %s are damaged (listed above). Restore the archive file from a backup; the other messages are intact",
		len(report.Bad), report.Checked, s.Path())
}
