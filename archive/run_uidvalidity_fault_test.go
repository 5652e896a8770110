package archive_test

import (
	"context"
	"crypto/tls"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

// TestFaultUIDValidityChangeAndCutDuringRescan: Dovecot gives INBOX a new
// UIDVALIDITY, and the connection is cut while the run reads the folder
// again; the retry resumes the rescan, and nothing is stored twice.
func TestFaultUIDValidityChangeAndCutDuringRescan(t *testing.T) {
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{})
	const user, pass = "uv@example.com", "uv-password"
	d.AddPasswordUser(user, pass)
	served := map[imap.UID][]byte{}
	deliver := func(n int) {
		for range n {
			uid := imap.UID(len(served) + 1)
			served[uid] = simpleMessage("uidvalidity", int(uid))
			d.Deliver(user, "INBOX", served[uid])
		}
	}
	deliver(40)
	proxy := startFaultProxy(t, d.IMAPSAddr, nil)
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "archive.mailkeep"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t.Setenv("MAILKEEP_TEST_UV_SECRET", pass)
	acct := archive.Account{Name: "uv", Protocol: archive.IMAP, Host: "127.0.0.1", Port: proxy.port(), Security: archive.SecurityTLS,
		User: user, Auth: archive.AuthPassword, Secret: auth.SecretRef{Env: "MAILKEEP_TEST_UV_SECRET"}}
	opts := func(events func(archive.Event)) archive.Options {
		return archive.Options{TLSConfig: &tls.Config{RootCAs: d.CertPool()}, Progress: events, BatchMessages: 7,
			RetryInitial: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond}
	}
	if _, err := archive.Run(ctx, s, acct, opts(nil)); err != nil {
		t.Fatal(err)
	}
	old := d.UIDValidity(user, "INBOX")
	d.SetUIDValidity(user, "INBOX", old+1000)
	deliver(5)

	var once sync.Once
	rep, err := archive.Run(ctx, s, acct, opts(func(ev archive.Event) {
		if ev.Kind == archive.EventProgress {
			once.Do(proxy.cutAll)
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Folders) != 1 || !rep.Folders[0].Rescanned || rep.Folders[0].UIDValidity != old+1000 {
		t.Errorf("folder report %+v; want INBOX rescanned under UIDVALIDITY %d", rep.Folders, old+1000)
	}
	if rep.Attempts != 2 || rep.Messages != 45 || rep.New != 5 {
		t.Errorf("rescan with a cut: %d attempts, %d messages, %d new; want 2, 45, 5", rep.Attempts, rep.Messages, rep.New)
	}
	if n, _ := s.Count(ctx, ""); n != 45 {
		t.Errorf("the archive holds %d messages, want 45", n)
	}
	st, _, _ := s.FolderState(ctx, "uv", "INBOX")
	if st.UIDValidity != old+1000 || st.LastUID != 45 {
		t.Errorf("folder state %+v; want UIDVALIDITY %d, last UID 45", st, old+1000)
	}
	checkOnce(t, s, "uv", "INBOX", served)
	if rep, err := archive.Run(ctx, s, acct, opts(nil)); err != nil || rep.Messages != 0 {
		t.Errorf("re-run: %d messages, %v; want 0", rep.Messages, err)
	}
}
