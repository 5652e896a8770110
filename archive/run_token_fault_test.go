package archive_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/auth/authtest"
	"github.com/mailkeep/mailkeep/store"
)

// TestFaultTokenShorterThanTheRun: tokens live 3 s; the server throttles
// twice for 1.6 s, so the run makes three connections over more than 3 s.
// Each new connection past a token's half-life signs in with a new token
// (the FaultServer checks each with the IdP: an expired one is refused).
func TestFaultTokenShorterThanTheRun(t *testing.T) {
	idp := authtest.New(t, authtest.WithTokenLifetime(3*time.Second))
	r := startFaultRig(t, idp)
	r.deliver("INBOX", 15)
	r.srv.ThrottleFetches(archivetest.Throttle{Wait: 1600 * time.Millisecond}, archivetest.Throttle{Wait: 1600 * time.Millisecond, Bad: true})

	rep := r.run(t, nil)
	st := r.srv.Stats()
	if rep.Attempts != 3 || st.SignIns != 3 || rep.Messages != 15 {
		t.Errorf("%d attempts, %d sign-ins, %d messages; want 3, 3, 15", rep.Attempts, st.SignIns, rep.Messages)
	}
	if n := idp.TokenRequests(); n < 3 {
		t.Errorf("%d token requests for 3 connections 1.6 s apart with 3 s tokens; want a fresh token for each", n)
	}
	t.Logf("token requests: %d, tokens issued: %d, sign-ins: %d", idp.TokenRequests(), idp.TokensIssued(), st.SignIns)
	checkOnce(t, r.s, "fault", "INBOX", r.srv.Messages(faultUser, "INBOX"))
}

// TestFaultIdentityProviderUnavailable: the IdP answers 503 for longer than
// the token source retries by itself; the run's first attempt fails as a
// service problem and the second completes. When the IdP never recovers, the
// run gives up with an error that says the sign-in service is the problem,
// not the credentials.
func TestFaultIdentityProviderUnavailable(t *testing.T) {
	idp := authtest.New(t)
	r := startFaultRig(t, idp)
	r.deliver("INBOX", 10)

	// Five failures outlast the token source's own five tries: the first
	// attempt fails as a service problem and the run tries again.
	idp.FailNext(5, http.StatusServiceUnavailable)
	var log eventLog
	rep := r.run(t, log.add)
	if rep.Messages != 10 || rep.Attempts != 2 {
		t.Errorf("%d messages after %d attempts, want 10 after 2", rep.Messages, rep.Attempts)
	}
	for _, ev := range log.events {
		if ev.Kind == archive.EventRetry && !errors.Is(ev.Err, auth.ErrService) {
			t.Errorf("retry for %v; want a service problem (auth.ErrService)", ev.Err)
		}
	}
	if n := countRetries(&log); n != 1 {
		t.Errorf("%d retries, want 1", n)
	}
	t.Logf("after 5 failures: %d token requests, %d discovery requests, %d attempts", idp.TokenRequests(), idp.DiscoveryRequests(), rep.Attempts)
	checkOnce(t, r.s, "fault", "INBOX", r.srv.Messages(faultUser, "INBOX"))

	r.deliver("INBOX", 2)
	idp.FailNext(1000, http.StatusServiceUnavailable)
	opt := r.options(nil)
	opt.Attempts = 1
	rep, err := archive.Run(context.Background(), r.s, r.acct, opt)
	var ge *archive.GaveUpError
	var ce *archive.CredentialError
	switch {
	case errors.As(err, &ce):
		t.Fatalf("an unavailable IdP was reported as a credential problem: %v", err)
	case !errors.As(err, &ge) || !errors.Is(err, auth.ErrService):
		t.Fatalf("run against an IdP that answers 503: %v; want a *GaveUpError marked auth.ErrService", err)
	}
	if rep.Outcome != store.OutcomeFailed || rep.Messages != 0 {
		t.Errorf("report: %+v", rep)
	}
	t.Logf("gave up: %v", err)
	idp.FailNext(0, 0)
	rep = r.run(t, nil)
	if rep.Messages != 2 {
		t.Errorf("after the IdP recovered: %d messages, want 2", rep.Messages)
	}
	checkOnce(t, r.s, "fault", "INBOX", r.srv.Messages(faultUser, "INBOX"))
}
