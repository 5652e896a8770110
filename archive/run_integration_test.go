package archive_test

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/auth/authtest"
	"github.com/mailkeep/mailkeep/store"
)

const sharedMailbox = "shared@contoso.com"

// entraDovecot is a Dovecot whose XOAUTH2 sign-ins are checked by a test
// identity provider that granted app the mailbox sharedMailbox.
type entraDovecot struct {
	d   *archivetest.Dovecot
	idp *authtest.IdP
	app authtest.App
}

func startEntraDovecot(t testing.TB) entraDovecot {
	t.Helper()
	idp := authtest.New(t)
	app := idp.AddApp(authtest.App{})
	idp.Grant(app.ClientID, sharedMailbox)
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{ValidateURL: idp.ValidateURL(), ValidateCAFile: idp.CACertFile()})
	return entraDovecot{d: d, idp: idp, app: app}
}

// imapAccount is an Entra account for sharedMailbox over IMAPS, its secret
// in an environment variable.
func (e entraDovecot) imapAccount(t testing.TB, name string) archive.Account {
	t.Helper()
	host, p := port(t, e.d.IMAPSAddr)
	env := "MAILKEEP_TEST_SECRET_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	t.Setenv(env, e.app.Secret)
	return archive.Account{Name: name, Protocol: archive.IMAP, Host: host, Port: p, Security: archive.SecurityTLS,
		User: sharedMailbox, Auth: archive.AuthEntra, Tenant: e.app.Tenant, ClientID: e.app.ClientID,
		AuthorityHost: e.idp.URL(), Secret: auth.SecretRef{Env: env}}
}

func (e entraDovecot) options(events func(archive.Event)) archive.Options {
	return archive.Options{TLSConfig: &tls.Config{RootCAs: e.d.CertPool()}, HTTPClient: e.idp.Client(),
		Progress: events, BatchMessages: 7, RetryInitial: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond}
}

// token gets a token for the reference reader, independently of Run.
func (e entraDovecot) token(t *testing.T) string {
	t.Helper()
	en, err := auth.NewEntra(auth.EntraConfig{Tenant: e.app.Tenant, ClientID: e.app.ClientID, Secret: e.app.Secret,
		AuthorityHost: e.idp.URL(), HTTPClient: e.idp.Client()})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := en.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tok.Access
}

// servedFolder is a folder as a plain IMAP reading finds it.
type servedFolder struct {
	uidValidity uint32
	sums        map[string]string // UID → sha256 of BODY[] as served
	seen        int               // messages with \Seen
}

// readIMAP is the reference: it reads every folder's messages with go-imap's
// own FETCH (BODY.PEEK[]) and hashes them; it shares no code with archive's sync.
func (e entraDovecot) readIMAP(t *testing.T) map[string]servedFolder {
	t.Helper()
	c, err := imapclient.DialTLS(e.d.IMAPSAddr, &imapclient.Options{TLSConfig: &tls.Config{RootCAs: e.d.CertPool()}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Authenticate(testXOAUTH2{sharedMailbox, e.token(t)}); err != nil {
		t.Fatal(err)
	}
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]servedFolder{}
	for _, m := range list {
		if slices.Contains(m.Attrs, imap.MailboxAttrNoSelect) {
			continue
		}
		sel, err := c.Select(m.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			t.Fatal(err)
		}
		f := servedFolder{uidValidity: sel.UIDValidity, sums: map[string]string{}}
		if sel.NumMessages > 0 {
			var all imap.SeqSet
			all.AddRange(1, 0)
			bufs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range bufs {
				sum := sha256.Sum256(b.FindBodySection(&imap.FetchItemBodySection{Peek: true}))
				f.sums[fmt.Sprint(b.UID)] = hex.EncodeToString(sum[:])
				if slices.Contains(b.Flags, imap.FlagSeen) {
					f.seen++
				}
			}
		}
		out[m.Mailbox] = f
	}
	return out
}

// archived returns, for each folder of account, UID → sha256 of the stored
// message, found through the search language's folder: field.
func archived(t *testing.T, s *store.Store, account string, folders []string, uidValidity map[string]uint32) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, f := range folders {
		res, err := s.Search(context.Background(), fmt.Sprintf(`account:%s folder:"%s"`, account, f), store.SearchOptions{NoSnippets: true})
		if err != nil {
			t.Fatalf("search folder %q: %v", f, err)
		}
		m := map[string]string{}
		for _, r := range res {
			for _, l := range r.Locations {
				if l.Account == account && l.Folder == f && l.UIDValidity == uidValidity[f] {
					m[l.UID] = hex.EncodeToString(r.SHA256[:])
				}
			}
		}
		out[f] = m
	}
	return out
}

// hardIMAPMessages are the POP3 torture set plus what an IMAP archive must
// also survive: no Date, no Message-ID, two different messages sharing a
// Message-ID.
func hardIMAPMessages() []hardMessage {
	msgs := hardMessages(false)
	msgs = append(msgs,
		hardMessage{"no-date-no-id", []byte("From: nobody@example.com\r\nSubject: no date and no message id\r\n\r\nbody\r\n")},
		hardMessage{"dup-id-1", []byte("Subject: same id one\r\nMessage-ID: <same@mailkeep.test>\r\n\r\none\r\n")},
		hardMessage{"dup-id-2", []byte("Subject: same id two\r\nMessage-ID: <same@mailkeep.test>\r\n\r\ntwo\r\n")},
	)
	return msgs
}

func simpleMessage(folder string, i int) []byte {
	return fmt.Appendf(nil, "From: sender%d@example.com\r\nTo: %s\r\nSubject: %s message %d\r\nDate: Mon, 2 Jan 2023 10:%02d:00 +0100\r\nMessage-ID: <%s-%d@mailkeep.test>\r\n\r\nHello number %d in %s.\r\n",
		i, sharedMailbox, folder, i, i%60, strings.ReplaceAll(folder, " ", "-"), i, i, folder)
}

// eventLog collects a run's events.
type eventLog struct {
	mu     sync.Mutex
	events []archive.Event
}

func (l *eventLog) add(e archive.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

// TestRunIMAPArchivesEverythingIncrementally archives a mailbox of several
// folders with one connection and with two (folders in parallel).
func TestRunIMAPArchivesEverythingIncrementally(t *testing.T) {
	eachConnections(t, func(t *testing.T, connections int) {
		e := startEntraDovecot(t)
		d := e.d
		opts := func(events func(archive.Event)) archive.Options {
			o := e.options(events)
			o.Connections = connections
			return o
		}
		folders := map[string][]hardMessage{}
		folders["INBOX"] = hardIMAPMessages()
		for _, f := range []string{"Sent Items", "Archive/2023", "Entwürfe", "Files"} {
			for i := range 5 {
				folders[f] = append(folders[f], hardMessage{fmt.Sprint(i), simpleMessage(f, i)})
			}
		}
		// The same message in two folders.
		folders["Archive/2023"] = append(folders["Archive/2023"], folders["INBOX"][0])
		for f, msgs := range folders {
			for _, m := range msgs {
				d.Deliver(sharedMailbox, f, m.raw)
			}
		}
		d.CreateFolder(sharedMailbox, "Empty")
		included := []string{"Archive/2023", "Empty", "Entwürfe", "INBOX", "Sent Items"}

		ctx := context.Background()
		s, err := store.Open(ctx, filepath.Join(t.TempDir(), "archive.mailkeep"))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		acct := e.imapAccount(t, "shared")
		if err := archive.SaveAccount(ctx, s, acct); err != nil {
			t.Fatal(err)
		}
		acct, err = archive.LoadAccount(ctx, s, "shared")
		if err != nil {
			t.Fatal(err)
		}

		var log eventLog
		start := time.Now()
		rep, err := archive.Run(ctx, s, acct, opts(log.add))
		if err != nil {
			t.Fatalf("first run: %v", err)
		}
		first := time.Since(start)
		served := e.readIMAP(t)
		check := func(t *testing.T, label string) {
			t.Helper()
			uv := map[string]uint32{}
			for f, sf := range served {
				uv[f] = sf.uidValidity
			}
			got := archived(t, s, "shared", append(included, "Files"), uv)
			for _, f := range included {
				want := served[f].sums
				if len(got[f]) != len(want) {
					t.Errorf("%s: folder %q: %d messages archived, server has %d", label, f, len(got[f]), len(want))
				}
				for uid, sum := range want {
					if got[f][uid] != sum {
						t.Errorf("%s: folder %q UID %s: archived %q, server serves %s", label, f, uid, got[f][uid], sum)
					}
				}
				if served[f].seen != 0 {
					t.Errorf("%s: folder %q: %d messages were marked read", label, f, served[f].seen)
				}
			}
			if len(got["Files"]) != 0 {
				t.Errorf("%s: the Files folder was archived (%d messages); it is excluded by default", label, len(got["Files"]))
			}
			if res, err := s.Verify(ctx, nil); err != nil || len(res.Bad) != 0 {
				t.Errorf("%s: verify: %+v %v", label, res, err)
			}
		}
		check(t, "first run")

		wantMessages := 0
		distinct := map[string]bool{}
		for _, f := range included {
			wantMessages += len(served[f].sums)
			for _, sum := range served[f].sums {
				distinct[sum] = true
			}
		}
		if rep.Messages != wantMessages || rep.New != len(distinct) || rep.Outcome != store.OutcomeOK || rep.Attempts != connections {
			t.Errorf("first run report: %d messages (%d new), outcome %s, %d attempts; want %d (%d new), ok, %d",
				rep.Messages, rep.New, rep.Outcome, rep.Attempts, wantMessages, len(distinct), connections)
		}
		// Special-use folders are noted, in the report and the run history.
		use := map[string][]string{}
		for _, f := range rep.Folders {
			use[f.Folder] = f.SpecialUse
		}
		if fmt.Sprint(use) != `map[Archive/2023:[] Empty:[] Entwürfe:[] INBOX:[] Sent Items:[\Sent]]` {
			t.Errorf("special use noted: %v; want Sent Items as \\Sent, no other", use)
		}
		if runs, err := s.Runs(ctx, "shared", 1); err != nil || len(runs) != 1 {
			t.Errorf("run history: %d runs, %v", len(runs), err)
		} else if !strings.Contains(string(runs[0].Details), `{"folder":"Sent Items","special_use":["\\Sent"]`) {
			t.Errorf("run history details %s; want Sent Items' special use", runs[0].Details)
		}
		if n, _ := s.Count(ctx, ""); n != len(distinct) {
			t.Errorf("archive holds %d messages, want %d distinct", n, len(distinct))
		}
		// Searchable by folder, with non-ASCII and nested names.
		for _, q := range []string{`folder:Entwürfe subject:message`, `folder:"Archive/2023"`, `folder:"Sent Items" Hello`, `folder:Archive/*`} {
			if n, err := s.Count(ctx, q); err != nil || n == 0 {
				t.Errorf("search %s: %d, %v", q, n, err)
			}
		}
		// Progress: every included folder announced, progress never past its total.
		announced := map[string]bool{}
		for _, ev := range log.events {
			if ev.Account != "shared" {
				t.Errorf("event for account %q", ev.Account)
			}
			switch ev.Kind {
			case archive.EventFolder:
				announced[ev.Folder] = true
			case archive.EventProgress:
				if ev.Done > ev.Total || ev.Bytes <= 0 {
					t.Errorf("progress event %+v", ev)
				}
			}
		}
		for _, f := range included {
			if !announced[f] {
				t.Errorf("no event announced folder %q", f)
			}
		}

		// Incremental: 100 new messages, exactly those are fetched.
		for i := range 100 {
			d.Deliver(sharedMailbox, []string{"INBOX", "Sent Items", "Entwürfe", "Empty"}[i%4], simpleMessage("new", 100+i))
		}
		rep, err = archive.Run(ctx, s, acct, opts(nil))
		if err != nil || rep.Messages != 100 || rep.New != 100 {
			t.Fatalf("after adding 100: %d messages, %d new, %v; want 100, 100", rep.Messages, rep.New, err)
		}
		served = e.readIMAP(t)
		check(t, "incremental run")

		// Nothing new: nothing fetched.
		start = time.Now()
		rep, err = archive.Run(ctx, s, acct, opts(nil))
		if err != nil || rep.Messages != 0 {
			t.Fatalf("no-change run: %d messages, %v; want 0", rep.Messages, err)
		}
		noChange := time.Since(start)

		// A new UIDVALIDITY: the folder is read again; nothing is stored twice.
		before, _ := s.Count(ctx, "")
		oldUV := served["Sent Items"].uidValidity
		d.SetUIDValidity(sharedMailbox, "Sent Items", oldUV+1000)
		rep, err = archive.Run(ctx, s, acct, opts(nil))
		if err != nil {
			t.Fatal(err)
		}
		served = e.readIMAP(t)
		if served["Sent Items"].uidValidity == oldUV {
			t.Fatal("the UIDVALIDITY did not change")
		}
		var sent archive.FolderReport
		for _, f := range rep.Folders {
			if f.Folder == "Sent Items" {
				sent = f
			}
		}
		if !sent.Rescanned || sent.Messages != len(served["Sent Items"].sums) || sent.New != 0 || rep.New != 0 {
			t.Errorf("after the UIDVALIDITY change: %+v (run: %d new)", sent, rep.New)
		}
		if after, _ := s.Count(ctx, ""); after != before {
			t.Errorf("the rescan changed the number of messages from %d to %d", before, after)
		}
		check(t, "after the UIDVALIDITY change")

		runs, err := s.Runs(ctx, "shared", 0)
		if err != nil || len(runs) != 4 {
			t.Fatalf("run history: %d runs, %v", len(runs), err)
		}
		for _, r := range runs {
			if r.Outcome != store.OutcomeOK || r.Ended.IsZero() || r.Error != "" {
				t.Errorf("run %d: %+v", r.ID, r)
			}
		}
		if runs[3].Messages != wantMessages || runs[2].Messages != 100 || runs[1].Messages != 0 {
			t.Errorf("run history counts: %d, %d, %d", runs[3].Messages, runs[2].Messages, runs[1].Messages)
		}
		t.Logf("first run: %d messages in %s; no-change run: %s", wantMessages, first.Round(time.Millisecond), noChange.Round(time.Millisecond))
	})
}
