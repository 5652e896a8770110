package archive_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/auth"
)

func TestFoldersListsTheServersFolders(t *testing.T) {
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{})
	const user, pass = "folders@example.com", "folders-pw"
	d.AddPasswordUser(user, pass)
	for _, f := range []string{"INBOX", "Sent Items", "Files", "Archive/2024", "Archive/2025"} {
		d.CreateFolder(user, f)
	}
	t.Setenv("MAILKEEP_TEST_FOLDERS_PW", pass)
	t.Setenv("MAILKEEP_TEST_FOLDERS_WRONG", "not-the-password")
	host, p := port(t, d.IMAPSAddr)
	base := archive.Account{Name: "folders", Protocol: archive.IMAP, Host: host, Port: p, Security: archive.SecurityTLS,
		User: user, Auth: archive.AuthPassword, Secret: auth.SecretRef{Env: "MAILKEEP_TEST_FOLDERS_PW"}}
	opt := archive.Options{TLSConfig: &tls.Config{RootCAs: d.CertPool()}}
	ctx := context.Background()

	tests := []struct {
		name     string
		folders  []string
		exclude  []string
		included map[string]bool // every folder listed, and whether it is archived
	}{
		{"defaults leave out Files", nil, nil, map[string]bool{
			"INBOX": true, "Sent Items": true, "Files": false, "Archive/2024": true, "Archive/2025": true}},
		{"include and exclude globs", []string{"inbox", "Archive/*"}, []string{"archive/2024"}, map[string]bool{
			"INBOX": true, "Sent Items": false, "Files": false, "Archive/2024": false, "Archive/2025": true}},
		{"an empty exclude list takes Files too", nil, []string{}, map[string]bool{
			"INBOX": true, "Sent Items": true, "Files": true, "Archive/2024": true, "Archive/2025": true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			acct := base
			acct.Folders, acct.Exclude = tc.folders, tc.exclude
			got, err := archive.Folders(ctx, acct, opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.included) {
				t.Errorf("got %d folders %+v, want %d", len(got), got, len(tc.included))
			}
			for _, f := range got {
				want, ok := tc.included[f.Name]
				if !ok {
					t.Errorf("unexpected folder %q", f.Name)
				} else if f.Included != want {
					t.Errorf("%q: Included = %v, want %v", f.Name, f.Included, want)
				}
			}
		})
	}

	t.Run("wrong password", func(t *testing.T) {
		acct := base
		acct.Secret = auth.SecretRef{Env: "MAILKEEP_TEST_FOLDERS_WRONG"}
		_, err := archive.Folders(ctx, acct, opt)
		var ce *archive.CredentialError
		if !errors.As(err, &ce) || ce.Advice.Fix == "" {
			t.Fatalf("got %v, want a *CredentialError with advice", err)
		}
	})
	t.Run("no server", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		_, free, _ := net.SplitHostPort(l.Addr().String())
		l.Close()
		acct := base
		acct.Port, _ = strconv.Atoi(free)
		_, err = archive.Folders(ctx, acct, opt)
		advice := auth.ExplainConnectError(errors.Unwrap(err), host)
		if err == nil || advice.Fix == "" || !strings.HasPrefix(err.Error(), advice.String()) {
			t.Fatalf("got %v, want the doctor's advice %q", err, advice.String())
		}
	})
	t.Run("POP3 has its inbox", func(t *testing.T) {
		acct := base
		acct.Protocol = archive.POP3
		got, err := archive.Folders(ctx, acct, opt)
		if err != nil || len(got) != 1 || got[0].Name != "INBOX" || !got[0].Included {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
}
