package archive_test

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"path/filepath"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

// bigFolderMessages is the size of the folder a real shared mailbox has.
const bigFolderMessages = 5000

// TestRunLargeMailbox archives a mailbox with a folder of 5,000 messages and a
// 50 MiB message over IMAP (XOAUTH2) and the same hard messages over POP3,
// compares every archived message with what the server serves, and reports
// how long a run with nothing new takes.
func TestRunLargeMailbox(t *testing.T) {
	if testing.Short() {
		t.Skip("large mailbox: skipped with -short")
	}
	e := startEntraDovecot(t)
	big := hardMessages(true)
	for _, m := range big {
		e.d.Deliver(sharedMailbox, "INBOX", m.raw)
	}
	for i := range bigFolderMessages {
		e.d.Deliver(sharedMailbox, "Archive/Big", simpleMessage("Archive/Big", i))
	}

	ctx := context.Background()
	served := e.readIMAP(t)
	var s *store.Store
	// The same mailbox into a fresh archive over one connection, then over
	// two (INBOX and Archive/Big at the same time).
	for _, connections := range []int{1, 2} {
		var err error
		s, err = store.Open(ctx, filepath.Join(t.TempDir(), "archive.mailkeep"))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		acct := e.imapAccount(t, "large")
		opts := e.options(nil)
		opts.BatchMessages = 0 // the engine's own batch size
		opts.Connections = connections

		start := time.Now()
		rep, err := archive.Run(ctx, s, acct, opts)
		if err != nil {
			t.Fatalf("connections=%d: first run: %v", connections, err)
		}
		first := time.Since(start)
		if want := len(big) + bigFolderMessages; rep.Messages != want || rep.Attempts != connections {
			t.Errorf("connections=%d: first run archived %d messages over %d connections, want %d over %d", connections, rep.Messages, rep.Attempts, want, connections)
		}

		for _, f := range []string{"INBOX", "Archive/Big"} {
			uv := map[string]uint32{f: served[f].uidValidity}
			got := archived(t, s, "large", []string{f}, uv)[f]
			want := served[f].sums
			if len(got) != len(want) {
				t.Errorf("connections=%d: folder %q: %d archived, server has %d", connections, f, len(got), len(want))
			}
			for uid, sum := range want {
				if got[uid] != sum {
					t.Errorf("connections=%d: folder %q UID %s: archived %q, server serves %s", connections, f, uid, got[uid], sum)
				}
			}
		}
		if n, err := s.Count(ctx, `folder:"Archive/Big" Hello`); err != nil || n != bigFolderMessages {
			t.Errorf("connections=%d: search in the big folder found %d, %v; want %d", connections, n, err, bigFolderMessages)
		}

		// Nothing new: the run only looks.
		start = time.Now()
		again, err := archive.Run(ctx, s, acct, opts)
		if err != nil {
			t.Fatalf("connections=%d: no-change run: %v", connections, err)
		}
		noChange := time.Since(start)
		if again.Messages != 0 || again.New != 0 || again.Attempts != 1 {
			t.Errorf("connections=%d: no-change run fetched %d messages (%d new) over %d connections, want none over 1", connections, again.Messages, again.New, again.Attempts)
		}
		t.Logf("IMAP, %d connections: first run %d messages (%d MiB) in %v; no-change run over %d messages in %v", connections,
			rep.Messages, rep.Bytes>>20, first.Round(time.Millisecond), rep.Messages, noChange.Round(time.Millisecond))
	}

	// POP3 (INBOX only), the same hard messages and the 50 MiB one, compared
	// with an independent reading of every RETR.
	d := seededPOP3(t, big)
	ref := captureRETR(t, d.POP3Addr, false, nil, len(big))
	t.Setenv("MAILKEEP_TEST_LARGE_POP", popPass)
	host, p := port(t, d.POP3SAddr)
	pop := archive.Account{Name: "large-pop", Protocol: archive.POP3, Host: host, Port: p, Security: archive.SecurityTLS,
		User: popUser, Auth: archive.AuthPassword, Secret: auth.SecretRef{Env: "MAILKEEP_TEST_LARGE_POP"}}
	popOpts := archive.Options{TLSConfig: &tls.Config{RootCAs: d.CertPool()}, RetryInitial: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond}
	start := time.Now()
	prep, err := archive.Run(ctx, s, pop, popOpts)
	if err != nil {
		t.Fatalf("POP3 run: %v", err)
	}
	popTime := time.Since(start)
	if prep.Messages != len(big) {
		t.Errorf("POP3 run archived %d messages, want %d", prep.Messages, len(big))
	}
	res, err := s.Search(ctx, "account:large-pop", store.SearchOptions{NoSnippets: true})
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, r := range res {
		have[hex.EncodeToString(r.SHA256[:])] = true
	}
	for i, m := range ref {
		sum := sha256.Sum256(m.body)
		if !have[hex.EncodeToString(sum[:])] {
			t.Errorf("POP3 message %d (%d bytes) as served is not in the archive", i+1, len(m.body))
		}
	}
	start = time.Now()
	if again, err := archive.Run(ctx, s, pop, popOpts); err != nil || again.Messages != 0 {
		t.Errorf("POP3 no-change run: %d messages, %v", again.Messages, err)
	}
	t.Logf("POP3: %d messages (%d MiB) in %v; no-change run in %v", prep.Messages, prep.Bytes>>20,
		popTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

	if rep, err := s.Verify(ctx, nil); err != nil || len(rep.Bad) != 0 {
		t.Errorf("verify: %+v %v", rep, err)
	}
}
