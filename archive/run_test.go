package archive_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

// TestRunRetriesThenGivesUp points an account at a port where nothing
// listens: each attempt fails to connect, the run retries a bounded number of
// times, then gives up with the doctor's explanation, and records the run.
func TestRunRetriesThenGivesUp(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().(*net.TCPAddr)
	l.Close()

	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "a.mailkeep"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t.Setenv("MAILKEEP_TEST_RETRY_PW", "pw")
	acct := archive.Account{Name: "down", Protocol: archive.IMAP, Host: "127.0.0.1", Port: addr.Port, Security: archive.SecurityTLS,
		User: "u@example.com", Auth: archive.AuthPassword, Secret: auth.SecretRef{Env: "MAILKEEP_TEST_RETRY_PW"}}
	var retries int
	rep, err := archive.Run(ctx, s, acct, archive.Options{Attempts: 3, RetryInitial: time.Millisecond, RetryMax: 5 * time.Millisecond,
		Progress: func(e archive.Event) {
			if e.Kind == archive.EventRetry {
				retries++
			}
		}})
	var gu *archive.GaveUpError
	if !errors.As(err, &gu) || gu.Attempts != 3 || rep.Attempts != 3 || retries != 2 {
		t.Fatalf("got %v after %d attempts (%d retry events), want a *GaveUpError after 3", err, rep.Attempts, retries)
	}
	if gu.Advice == nil || !strings.Contains(gu.Advice.Problem, "connection refused") || !strings.Contains(err.Error(), "next run continues") {
		t.Errorf("the error does not explain the connection failure: %v", err)
	}
	runs, _ := s.Runs(ctx, "down", 0)
	if len(runs) != 1 || runs[0].Outcome != store.OutcomeFailed || !strings.Contains(runs[0].Error, "gave up") {
		t.Errorf("run history: %+v", runs)
	}

	// A cancelled run stops at once and is recorded as cancelled.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	rep, err = archive.Run(cctx, s, acct, archive.Options{Attempts: 3})
	if !errors.Is(err, context.Canceled) || rep.Outcome != store.OutcomeCancelled {
		t.Errorf("cancelled run: %v, outcome %s", err, rep.Outcome)
	}
}
