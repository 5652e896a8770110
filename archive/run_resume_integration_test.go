package archive_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

// TestRunResumesAfterConnectionCut cuts the connection after the first batch
// is committed: the run retries, resumes after the last commit, and ends with
// every message archived exactly once.
func TestRunResumesAfterConnectionCut(t *testing.T) {
	e := startEntraDovecot(t)
	const n = 60
	for i := range n {
		e.d.Deliver(sharedMailbox, "INBOX", simpleMessage("resume", i))
	}
	proxy := startFaultProxy(t, e.d.IMAPSAddr, nil)
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "archive.mailkeep"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	acct := e.imapAccount(t, "resume")
	acct.Port = proxy.port()

	var once sync.Once
	rep, err := archive.Run(ctx, s, acct, e.options(func(ev archive.Event) {
		if ev.Kind == archive.EventProgress {
			once.Do(proxy.cutAll)
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Attempts != 2 || rep.Messages != n || rep.New != n {
		t.Errorf("after a cut: %d attempts, %d messages (%d new); want 2, %d, %d", rep.Attempts, rep.Messages, rep.New, n, n)
	}
	served := e.readIMAP(t)
	got := archived(t, s, "resume", []string{"INBOX"}, map[string]uint32{"INBOX": served["INBOX"].uidValidity})
	for uid, sum := range served["INBOX"].sums {
		if got["INBOX"][uid] != sum {
			t.Errorf("UID %s: archived %q, served %s", uid, got["INBOX"][uid], sum)
		}
	}
	if c, _ := s.Count(ctx, ""); c != n {
		t.Errorf("the archive holds %d messages, want %d", c, n)
	}
	st, _, _ := s.FolderState(ctx, "resume", "INBOX")
	if strconv.Itoa(int(st.LastUID)) != fmt.Sprint(maxUID(served["INBOX"].sums)) {
		t.Errorf("folder state: last UID %d, want %d", st.LastUID, maxUID(served["INBOX"].sums))
	}
}

func maxUID(sums map[string]string) int {
	m := 0
	for uid := range sums {
		n, _ := strconv.Atoi(uid)
		m = max(m, n)
	}
	return m
}
