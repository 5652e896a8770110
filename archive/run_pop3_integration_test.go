package archive_test

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

func TestRunPOP3ArchivesByteExactAndDeletesOnlyWhatIsCommitted(t *testing.T) {
	msgs := hardIMAPMessages()
	d := seededPOP3(t, msgs)
	// The reference: an independent reading of every RETR.
	served := captureRETR(t, d.POP3Addr, false, nil, len(msgs))

	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "archive.mailkeep"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t.Setenv("MAILKEEP_TEST_POP_SECRET", popPass)
	host, p := port(t, d.POP3SAddr)
	acct := archive.Account{Name: "pop", Protocol: archive.POP3, Host: host, Port: p, Security: archive.SecurityTLS,
		User: popUser, Auth: archive.AuthPassword, Secret: auth.SecretRef{Env: "MAILKEEP_TEST_POP_SECRET"}}
	opts := archive.Options{TLSConfig: &tls.Config{RootCAs: d.CertPool()}, BatchMessages: 5,
		RetryInitial: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond}

	rep, err := archive.Run(ctx, s, acct, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Messages != len(msgs) || rep.Deleted != 0 {
		t.Errorf("first run: %d messages, %d deleted; want %d, 0", rep.Messages, rep.Deleted, len(msgs))
	}
	// Which UIDL is which message number.
	c, err := archive.DialPOP3(ctx, d.POP3SAddr, archive.SecurityTLS, opts.TLSConfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(ctx, popUser, popPass); err != nil {
		t.Fatal(err)
	}
	list, err := c.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.Quit(ctx)
	res, err := s.Search(ctx, "account:pop folder:INBOX", store.SearchOptions{NoSnippets: true})
	if err != nil {
		t.Fatal(err)
	}
	byUIDL := map[string]string{}
	for _, r := range res {
		for _, l := range r.Locations {
			if l.Account == "pop" {
				byUIDL[l.UID] = hex.EncodeToString(r.SHA256[:])
			}
		}
	}
	for i, m := range list {
		want := sha256.Sum256(served[i].body)
		if byUIDL[m.UID] != hex.EncodeToString(want[:]) {
			t.Errorf("%s (UIDL %s): archived %q, the server serves %x", msgs[i].name, m.UID, byUIDL[m.UID], want)
		}
	}

	// Nothing new: nothing fetched.
	if rep, err := archive.Run(ctx, s, acct, opts); err != nil || rep.Messages != 0 {
		t.Fatalf("no-change run: %d messages, %v", rep.Messages, err)
	}

	// Three new messages, and delete-after-archive switched on: the new ones
	// are fetched, and then everything archived is deleted on the server.
	for i := range 3 {
		d.Deliver(popUser, "INBOX", simpleMessage("pop", i))
	}
	acct.DeleteAfterArchive = true
	if err := archive.SaveAccount(ctx, s, acct); err != nil {
		t.Fatal(err)
	}
	rep, err = archive.Run(ctx, s, acct, opts)
	if err != nil || rep.Messages != 3 || rep.Deleted != len(msgs)+3 {
		t.Fatalf("run with delete-after-archive: %d messages, %d deleted, %v; want 3, %d", rep.Messages, rep.Deleted, err, len(msgs)+3)
	}
	c, err = archive.DialPOP3(ctx, d.POP3SAddr, archive.SecurityTLS, opts.TLSConfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(ctx, popUser, popPass); err != nil {
		t.Fatal(err)
	}
	if n, _, err := c.Stat(ctx); err != nil || n != 0 {
		t.Errorf("after delete-after-archive the maildrop holds %d messages (%v), want 0", n, err)
	}
	c.Quit(ctx)
	if n, _ := s.Count(ctx, "account:pop"); n != len(msgs)+3-duplicates(msgs) {
		t.Errorf("archive: %d messages of account pop, want %d", n, len(msgs)+3-duplicates(msgs))
	}
	if res, err := s.Verify(ctx, nil); err != nil || len(res.Bad) != 0 {
		t.Errorf("verify: %+v %v", res, err)
	}

	// A wrong password stops at once, with the doctor's advice, and is
	// recorded as a failed run.
	t.Setenv("MAILKEEP_TEST_POP_SECRET", "wrong")
	rep, err = archive.Run(ctx, s, acct, opts)
	var ce *archive.CredentialError
	if !errors.As(err, &ce) || rep.Attempts != 1 || ce.Advice.Fix == "" {
		t.Fatalf("wrong password: %v after %d attempts, want a *CredentialError after 1", err, rep.Attempts)
	}
	runs, _ := s.Runs(ctx, "pop", 1)
	if len(runs) != 1 || runs[0].Outcome != store.OutcomeFailed || runs[0].Error == "" {
		t.Errorf("the failed run's record: %+v", runs)
	}
}

// duplicates counts messages whose bytes equal an earlier one's.
func duplicates(msgs []hardMessage) int {
	seen := map[[32]byte]bool{}
	n := 0
	for _, m := range msgs {
		sum := sha256.Sum256(m.raw)
		if seen[sum] {
			n++
		}
		seen[sum] = true
	}
	return n
}
