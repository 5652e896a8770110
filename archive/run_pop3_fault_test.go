package archive_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

// maildropSums returns the sha256 of every message file in user's INBOX.
func maildropSums(t *testing.T, d *archivetest.Dovecot, user string) map[[32]byte]bool {
	t.Helper()
	out := map[[32]byte]bool{}
	for _, sub := range []string{"cur", "new"} {
		dir := filepath.Join(d.MaildirPath(user, "INBOX"), sub)
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			out[sha256.Sum256(raw)] = true
		}
	}
	return out
}

func archivedSums(t *testing.T, s *store.Store) map[[32]byte]bool {
	t.Helper()
	res, err := s.Search(context.Background(), "", store.SearchOptions{NoSnippets: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[[32]byte]bool{}
	for _, r := range res {
		out[r.SHA256] = true
	}
	return out
}

// TestFaultPOP3DeleteAfterArchiveNeverLosesAMessage breaks POP3 sessions with
// delete-after-archive on as a kill would: in the middle of the second
// batch's RETRs (the first batch committed and marked with DELE), and before
// QUIT reaches the server (every batch committed and marked). After each,
// every message is on the server or in the archive, never neither, and the
// server deleted nothing; a last run deletes everything archived.
func TestFaultPOP3DeleteAfterArchiveNeverLosesAMessage(t *testing.T) {
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{})
	const user, pass = "popkill@example.com", "popkill-password"
	d.AddPasswordUser(user, pass)
	delivered := map[[32]byte]bool{}
	for i := range 12 {
		raw := simpleMessage("popkill", i)
		d.Deliver(user, "INBOX", raw)
		delivered[sha256.Sum256(raw)] = true
	}
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "archive.mailkeep"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t.Setenv("MAILKEEP_TEST_POPKILL_SECRET", pass)

	neverNeither := func(label string) {
		t.Helper()
		onServer, inArchive := maildropSums(t, d, user), archivedSums(t, s)
		for sum := range delivered {
			if !onServer[sum] && !inArchive[sum] {
				t.Errorf("%s: message %x is neither on the server nor in the archive", label, sum[:6])
			}
		}
		if v, err := s.Verify(ctx, nil); err != nil || len(v.Bad) != 0 {
			t.Errorf("%s: verify: %+v %v", label, v, err)
		}
	}

	for _, tc := range []struct {
		name    string
		trigger []byte // the client command the connection dies at (not forwarded)
		nth     int    // its nth occurrence
	}{
		{"in the second batch", []byte("RETR "), 8},
		{"before QUIT", []byte("QUIT\r\n"), 1},
	} {
		seen := 0
		proxy := startFaultProxy(t, d.POP3Addr, func(fromServer bool, stream, chunk []byte) (int, bool) {
			if fromServer || seen >= tc.nth {
				return len(chunk), false
			}
			seen += bytes.Count(chunk, tc.trigger)
			if seen >= tc.nth {
				return 0, true
			}
			return len(chunk), false
		})
		acct := archive.Account{Name: "popkill", Protocol: archive.POP3, Host: "127.0.0.1", Port: proxy.port(),
			Security: archive.SecurityNone, AllowPlaintextPassword: true, User: user, Auth: archive.AuthPassword,
			Secret: auth.SecretRef{Env: "MAILKEEP_TEST_POPKILL_SECRET"}, DeleteAfterArchive: true}
		rep, err := archive.Run(ctx, s, acct, archive.Options{BatchMessages: 5, Attempts: 1,
			RetryInitial: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond})
		if err == nil || rep.Deleted != 0 {
			t.Errorf("%s: the broken session ended with %v, %d deleted; want an error and nothing reported deleted", tc.name, err, rep.Deleted)
		}
		if n := len(maildropSums(t, d, user)); n != len(delivered) {
			t.Errorf("%s: the server holds %d messages, want all %d (nothing deleted without QUIT)", tc.name, n, len(delivered))
		}
		neverNeither(tc.name)
		t.Logf("%s: %d messages committed before the break: %v", tc.name, rep.Messages, err)
	}

	host, p := port(t, d.POP3Addr)
	acct := archive.Account{Name: "popkill", Protocol: archive.POP3, Host: host, Port: p,
		Security: archive.SecurityNone, AllowPlaintextPassword: true, User: user, Auth: archive.AuthPassword,
		Secret: auth.SecretRef{Env: "MAILKEEP_TEST_POPKILL_SECRET"}, DeleteAfterArchive: true}
	rep, err := archive.Run(ctx, s, acct, archive.Options{BatchMessages: 5})
	if err != nil || rep.Deleted != len(delivered) {
		t.Fatalf("last run: %d deleted, %v; want %d", rep.Deleted, err, len(delivered))
	}
	if n := len(maildropSums(t, d, user)); n != 0 {
		t.Errorf("after the last run the server holds %d messages, want 0", n)
	}
	inArchive := archivedSums(t, s)
	if len(inArchive) != len(delivered) {
		t.Errorf("the archive holds %d messages, want %d", len(inArchive), len(delivered))
	}
	neverNeither("after the last run")
}
