package archive_test

import (
	"context"
	"crypto/tls"
	"errors"
	"slices"
	"testing"

	"github.com/emersion/go-sasl"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/archive/archivetest"
)

func TestIMAPFoldersAndSignIn(t *testing.T) {
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{})
	const user = "imap@example.com"
	d.AddPasswordUser(user, "imap-pw")
	for _, f := range []string{"INBOX", "Sent Items", "Archiv/Übersicht 2024", "日本語", "Empty"} {
		d.CreateFolder(user, f)
	}
	ctx := context.Background()
	tlsConfig := &tls.Config{RootCAs: d.CertPool()}
	for _, tc := range []struct {
		name     string
		addr     string
		security archive.Security
	}{
		{"starttls", d.IMAPAddr, archive.SecurityStartTLS},
		{"tls", d.IMAPSAddr, archive.SecurityTLS},
		{"none", d.IMAPAddr, archive.SecurityNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := archive.DialIMAP(ctx, tc.addr, tc.security, tlsConfig)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			err = c.Authenticate(ctx, sasl.NewPlainClient("", user, "wrong"))
			var se *archive.SignInError
			if !errors.As(err, &se) || se.Protocol != archive.IMAP || se.Mechanism != "PLAIN" {
				t.Fatalf("wrong password: got %v, want *SignInError", err)
			}
			if err := c.Authenticate(ctx, sasl.NewPlainClient("", user, "imap-pw")); err != nil {
				t.Fatal(err)
			}
			folders, err := c.Folders(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range folders {
				names = append(names, f.Name)
				if f.Delim != '/' {
					t.Errorf("%s: delimiter %q, want '/'", f.Name, f.Delim)
				}
			}
			slices.Sort(names)
			// "Archiv" exists only as a parent (\Noselect) and is left out.
			want := []string{"Archiv/Übersicht 2024", "Empty", "INBOX", "Sent Items", "日本語"}
			if !slices.Equal(names, want) {
				t.Errorf("folders: got %q, want %q", names, want)
			}
			if err := c.Logout(ctx); err != nil {
				t.Errorf("logout: %v", err)
			}
		})
	}
}
