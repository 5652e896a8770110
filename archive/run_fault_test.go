package archive_test

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/auth/authtest"
	"github.com/mailkeep/mailkeep/store"
)

const (
	faultUser = "fault@contoso.com"
	faultPass = "fault-password"
)

// faultRig is a FaultServer with one mailbox and an archive to run against it.
type faultRig struct {
	srv         *archivetest.FaultServer
	connections int           // Options.Connections; 0: the default
	idp         *authtest.IdP // nil: password sign-in
	app         authtest.App
	s           *store.Store
	acct        archive.Account
}

func startFaultRig(t *testing.T, idp *authtest.IdP) *faultRig {
	t.Helper()
	r := &faultRig{idp: idp}
	r.srv = archivetest.StartFaultServer(t, archivetest.FaultOptions{IdP: idp})
	r.srv.AddUser(faultUser, faultPass)
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "archive.mailkeep"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r.s = s
	host, p := port(t, r.srv.Addr)
	env := "MAILKEEP_TEST_FAULT_SECRET"
	r.acct = archive.Account{Name: "fault", Protocol: archive.IMAP, Host: host, Port: p, Security: archive.SecurityTLS,
		User: faultUser, Auth: archive.AuthPassword, Secret: auth.SecretRef{Env: env}}
	t.Setenv(env, faultPass)
	if idp != nil {
		r.app = idp.AddApp(authtest.App{})
		idp.Grant(r.app.ClientID, faultUser)
		t.Setenv(env, r.app.Secret)
		r.acct.Auth, r.acct.Tenant, r.acct.ClientID, r.acct.AuthorityHost = archive.AuthEntra, r.app.Tenant, r.app.ClientID, idp.URL()
	}
	return r
}

func (r *faultRig) options(events func(archive.Event)) archive.Options {
	o := archive.Options{TLSConfig: &tls.Config{RootCAs: r.srv.CertPool()}, Progress: events, BatchMessages: 5,
		RetryInitial: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond, Connections: r.connections}
	if r.idp != nil {
		o.HTTPClient = r.idp.Client()
	}
	return o
}

// eachConnections runs test once with one connection (folders one after the
// other) and once with two (folders in parallel).
func eachConnections(t *testing.T, test func(t *testing.T, connections int)) {
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprintf("connections=%d", n), func(t *testing.T) { test(t, n) })
	}
}

func (r *faultRig) deliver(folder string, n int) []imap.UID {
	var uids []imap.UID
	for i := range n {
		uids = append(uids, r.srv.Deliver(faultUser, folder, simpleMessage(folder, i)))
	}
	return uids
}

func (r *faultRig) run(t *testing.T, events func(archive.Event)) archive.RunReport {
	t.Helper()
	rep, err := archive.Run(context.Background(), r.s, r.acct, r.options(events))
	if err != nil {
		t.Fatalf("run: %v (report %+v)", err, rep)
	}
	return rep
}

// checkOnce checks that every message the server holds in folder is archived
// at its UID byte for byte, that the archive holds nothing else but flagged
// placeholders, and that verify passes.
func checkOnce(t *testing.T, s *store.Store, account, folder string, served map[imap.UID][]byte) {
	t.Helper()
	ctx := context.Background()
	res, err := s.Search(ctx, fmt.Sprintf(`account:%s folder:"%s"`, account, folder), store.SearchOptions{NoSnippets: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[[32]byte]bool{}
	for _, raw := range served {
		want[sha256.Sum256(raw)] = true
	}
	atUID := map[string]map[[32]byte]bool{}
	real := 0
	for _, m := range res {
		if m.Flags&store.FlagPlaceholder != 0 {
			continue
		}
		if !want[m.SHA256] {
			t.Errorf("folder %q: archived message %x is not on the server", folder, m.SHA256[:6])
		}
		real++
		for _, l := range m.Locations {
			if l.Account == account && l.Folder == folder {
				if atUID[l.UID] == nil {
					atUID[l.UID] = map[[32]byte]bool{}
				}
				atUID[l.UID][m.SHA256] = true
			}
		}
	}
	if real != len(want) {
		t.Errorf("folder %q: %d messages archived (placeholders aside), the server holds %d distinct", folder, real, len(want))
	}
	for uid, raw := range served {
		if !atUID[fmt.Sprint(uid)][sha256.Sum256(raw)] {
			t.Errorf("folder %q UID %d: not archived byte for byte", folder, uid)
		}
	}
	if v, err := s.Verify(ctx, nil); err != nil || len(v.Bad) != 0 {
		t.Errorf("verify: %+v %v", v, err)
	}
}

func TestFaultThrottlingWaitsTheSuggestedTime(t *testing.T) {
	eachConnections(t, func(t *testing.T, connections int) {
		r := startFaultRig(t, nil)
		r.connections = connections
		r.deliver("INBOX", 20)
		r.srv.ThrottleFetches(
			archivetest.Throttle{Wait: 50 * time.Millisecond},
			archivetest.Throttle{Wait: 70 * time.Millisecond, Bad: true},
		)
		var log eventLog
		rep := r.run(t, log.add)

		var waits []time.Duration
		for _, ev := range log.events {
			if ev.Kind != archive.EventRetry {
				continue
			}
			waits = append(waits, ev.Wait)
			var te *archive.ThrottledError
			if !errors.As(ev.Err, &te) {
				t.Errorf("retry event %v: not a *ThrottledError", ev.Err)
				continue
			}
			if msg := ev.Err.Error(); !strings.HasPrefix(msg, "the server asked Mailkeep to pause for "+ev.Wait.String()+" (Request is throttled.") {
				t.Errorf("retry event says %q; want it to say in words how long it pauses (%s)", msg, ev.Wait)
			}
		}
		if fmt.Sprint(waits) != "[50ms 70ms]" {
			t.Errorf("waits %v, want the suggested [50ms 70ms]", waits)
		}
		if rep.Attempts != 3 || rep.Messages != 20 || rep.New != 20 {
			t.Errorf("report: %d attempts, %d messages (%d new); want 3, 20, 20", rep.Attempts, rep.Messages, rep.New)
		}
		if st := r.srv.Stats(); st.Throttled != 2 {
			t.Errorf("server throttled %d FETCHes, want 2", st.Throttled)
		}
		checkOnce(t, r.s, "fault", "INBOX", r.srv.Messages(faultUser, "INBOX"))
		if rep := r.run(t, nil); rep.Messages != 0 {
			t.Errorf("re-run fetched %d messages, want 0", rep.Messages)
		}
		checkOnce(t, r.s, "fault", "INBOX", r.srv.Messages(faultUser, "INBOX"))
	})
}

func TestFaultPlaceholdersAreFlaggedAndRetried(t *testing.T) {
	eachConnections(t, func(t *testing.T, connections int) {
		r := startFaultRig(t, nil)
		r.connections = connections
		uids := r.deliver("INBOX", 12)
		r.srv.ServePlaceholder("INBOX", uids[2], 2) // first run and first retry
		r.srv.ServePlaceholder("INBOX", uids[9], 1)
		ctx := context.Background()

		rep := r.run(t, nil)
		if rep.Messages != 12 || rep.SetAside != 2 {
			t.Errorf("first run: %d messages, %d set aside; want 12 (2 placeholders), 2", rep.Messages, rep.SetAside)
		}
		if n, _ := r.s.Count(ctx, ""); n != 12 {
			t.Errorf("after the first run the archive holds %d messages, want 12", n)
		}
		flagged := func() int {
			res, err := r.s.Search(ctx, "", store.SearchOptions{NoSnippets: true})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, m := range res {
				if m.Flags&store.FlagPlaceholder != 0 {
					n++
				}
			}
			return n
		}
		if n := flagged(); n != 2 {
			t.Errorf("%d placeholders flagged, want 2", n)
		}
		aside, _ := r.s.SetAsideMessages(ctx, "fault")
		if len(aside) != 2 {
			t.Fatalf("set aside: %+v, want the 2 placeholders' UIDs", aside)
		}

		// Second run: UID 10 comes whole, UID 3 is still a placeholder;
		// third run: UID 3 comes whole at last.
		checkStandInsReturn(t, r)
		checkOnce(t, r.s, "fault", "INBOX", r.srv.Messages(faultUser, "INBOX"))
		if rep := r.run(t, nil); rep.Messages != 0 {
			t.Errorf("re-run fetched %d messages, want 0", rep.Messages)
		}
		if st := r.srv.Stats(); st.Placeholders != 3 {
			t.Errorf("the server served %d placeholders, want 3", st.Placeholders)
		}
	})
}

func TestFaultMessageThatAlwaysFailsIsSetAside(t *testing.T) {
	eachConnections(t, func(t *testing.T, connections int) {
		r := startFaultRig(t, nil)
		r.connections = connections
		uids := r.deliver("INBOX", 12)
		bad := uids[3]
		r.srv.FailAlways("INBOX", bad, true)
		ctx := context.Background()

		var log eventLog
		rep := r.run(t, log.add)
		if rep.Messages != 11 || rep.SetAside != 1 || rep.Outcome != store.OutcomeOK {
			t.Errorf("first run: %d messages, %d set aside, %s; want 11, 1, ok", rep.Messages, rep.SetAside, rep.Outcome)
		}
		if len(rep.Folders) != 1 || rep.Folders[0].SetAside != 1 {
			t.Errorf("folder report: %+v", rep.Folders)
		}
		var asideEvents int
		for _, ev := range log.events {
			if ev.Kind == archive.EventSetAside && ev.UID == fmt.Sprint(bad) && ev.Err != nil {
				asideEvents++
			}
		}
		if asideEvents != 1 {
			t.Errorf("%d set-aside events for UID %d, want 1", asideEvents, bad)
		}
		// The folder went on past it.
		st, _, _ := r.s.FolderState(ctx, "fault", "INBOX")
		if st.LastUID != uint32(uids[len(uids)-1]) {
			t.Errorf("last UID %d, want %d", st.LastUID, uids[len(uids)-1])
		}

		// Still failing: set aside again, one more attempt counted; nothing else fetched.
		rep = r.run(t, nil)
		if rep.Messages != 0 || rep.SetAside != 1 {
			t.Errorf("second run: %d messages, %d set aside; want 0, 1", rep.Messages, rep.SetAside)
		}
		aside, _ := r.s.SetAsideMessages(ctx, "fault")
		if len(aside) != 1 || aside[0].UID != fmt.Sprint(bad) || aside[0].Attempts != 2 || aside[0].LastError == "" {
			t.Fatalf("set aside: %+v; want UID %d after 2 attempts", aside, bad)
		}

		// New mail meanwhile, and the message can be served at last.
		more := r.deliver("INBOX", 3)
		r.srv.FailAlways("INBOX", bad, false)
		rep = r.run(t, nil)
		if rep.Messages != 1+len(more) || rep.SetAside != 0 {
			t.Errorf("third run: %d messages, %d set aside; want %d, 0", rep.Messages, rep.SetAside, 1+len(more))
		}
		if aside, _ := r.s.SetAsideMessages(ctx, "fault"); len(aside) != 0 {
			t.Errorf("still set aside: %+v", aside)
		}
		checkOnce(t, r.s, "fault", "INBOX", r.srv.Messages(faultUser, "INBOX"))
	})
}

func TestFaultDroppedConnectionsAndUIDValidityChange(t *testing.T) {
	eachConnections(t, func(t *testing.T, connections int) {
		r := startFaultRig(t, nil)
		r.connections = connections
		r.deliver("INBOX", 30)
		r.deliver("Sent Items", 8)
		// The connection drops after 7, then after 7 more messages.
		r.srv.CloseAfter(7)
		var dropped int
		rep := r.run(t, func(ev archive.Event) {
			if ev.Kind == archive.EventRetry {
				dropped++
				if dropped == 1 {
					r.srv.CloseAfter(7)
				}
			}
		})
		r.srv.CloseAfter(0)
		// One connection per folder at most, and one more per drop.
		if st := r.srv.Stats(); rep.Attempts != connections+2 || st.Dropped != 2 || rep.Messages != 38 {
			t.Errorf("with 2 dropped connections: %d attempts, %d messages, server dropped %d; want %d, 38, 2", rep.Attempts, rep.Messages, st.Dropped, connections+2)
		}
		checkOnce(t, r.s, "fault", "INBOX", r.srv.Messages(faultUser, "INBOX"))
		checkOnce(t, r.s, "fault", "Sent Items", r.srv.Messages(faultUser, "Sent Items"))

		r.srv.RebuildFolder(faultUser, "INBOX")
		rep = r.run(t, nil)
		var inbox archive.FolderReport
		for _, f := range rep.Folders {
			if f.Folder == "INBOX" {
				inbox = f
			}
		}
		if !inbox.Rescanned || inbox.Messages != 30 || rep.New != 0 {
			t.Errorf("after the rebuild: %+v, %d new; want a rescan of 30 with nothing new", inbox, rep.New)
		}
		if n, _ := r.s.Count(context.Background(), ""); n != 38 {
			t.Errorf("the archive holds %d messages, want 38", n)
		}
		checkOnce(t, r.s, "fault", "INBOX", r.srv.Messages(faultUser, "INBOX"))
	})
}

// TestFaultPlaceholderFetchedAloneIsRetried: a message comes back without
// its body in a batch FETCH, and as a placeholder when fetched alone; it must
// be set aside like any placeholder, and archived whole on a later run.
func TestFaultPlaceholderFetchedAloneIsRetried(t *testing.T) {
	eachConnections(t, func(t *testing.T, connections int) {
		r := startFaultRig(t, nil)
		r.connections = connections
		uids := r.deliver("INBOX", 8)
		odd := uids[4]
		r.srv.OmitBody("INBOX", odd, 1)
		r.srv.ServePlaceholder("INBOX", odd, 1)

		rep := r.run(t, nil)
		if rep.Messages != 8 || rep.SetAside != 1 {
			t.Errorf("first run: %d messages, %d set aside; want 8 (one placeholder), 1", rep.Messages, rep.SetAside)
		}
		rep = r.run(t, nil)
		if rep.Messages != 1 || rep.New != 1 {
			t.Errorf("second run: %d messages (%d new); want the real message of UID %d", rep.Messages, rep.New, odd)
		}
		if aside, _ := r.s.SetAsideMessages(context.Background(), "fault"); len(aside) != 0 {
			t.Errorf("still set aside: %+v", aside)
		}
		checkOnce(t, r.s, "fault", "INBOX", r.srv.Messages(faultUser, "INBOX"))
	})
}

// checkStandInsReturn runs twice more after a first run that set two
// stand-ins aside, while the server gives one of them whole each time: each
// run fetches the one that came whole, and in the end nothing is set aside.
func checkStandInsReturn(t *testing.T, r *faultRig) {
	t.Helper()
	rep := r.run(t, nil)
	if rep.Messages != 1 || rep.New != 1 || rep.SetAside != 1 {
		t.Errorf("second run: %d messages (%d new), %d set aside; want 1, 1, 1", rep.Messages, rep.New, rep.SetAside)
	}
	rep = r.run(t, nil)
	if rep.Messages != 1 || rep.New != 1 || rep.SetAside != 0 {
		t.Errorf("third run: %d messages (%d new), %d set aside; want 1, 1, 0", rep.Messages, rep.New, rep.SetAside)
	}
	if aside, _ := r.s.SetAsideMessages(context.Background(), "fault"); len(aside) != 0 {
		t.Errorf("still set aside: %+v", aside)
	}
}
