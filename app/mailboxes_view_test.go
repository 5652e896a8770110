package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

// seedAccount is an account that is never reached (no scheduler runs in
// these tests).
func seedAccount(name string) archive.Account {
	return archive.Account{Name: name, Protocol: archive.IMAP, Host: "mail.example.com", Security: archive.SecurityTLS,
		User: name + "@example.com", Auth: archive.AuthPassword, Secret: auth.SecretRef{Env: "MAILKEEP_TEST_UNUSED"}}
}

// seedRun records a finished run.
func seedRun(t *testing.T, s *store.Store, r store.RunRecord) {
	t.Helper()
	ctx := context.Background()
	id, err := s.StartRun(ctx, r.Account, r.Started)
	if err != nil {
		t.Fatal(err)
	}
	r.ID = id
	if err := s.FinishRun(ctx, r); err != nil {
		t.Fatal(err)
	}
}

// seedMail archives n small messages as seen in account's INBOX.
func seedMail(t *testing.T, s *store.Store, account string, n int) {
	t.Helper()
	var b store.Batch
	for i := range n {
		b.Messages = append(b.Messages, store.Incoming{
			Raw:      fmt.Appendf(nil, "Subject: %s %d\r\nMessage-ID: <%s.%d@x>\r\n\r\nzqmail%s%d\r\n", account, i, account, i, strings.ReplaceAll(account, "-", ""), i),
			Location: store.Location{Account: account, Folder: "INBOX", UIDValidity: 1, UID: fmt.Sprint(i + 1)},
		})
	}
	if _, err := s.Ingest(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

func TestMailboxesShowTheirStatusInPlainWords(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.Local)
	f := newBoxesFixture(t, boxesOptions{now: func() time.Time { return now }})
	s := f.a.store
	ctx := context.Background()

	hourly := func(name string) archive.Account {
		a := seedAccount(name)
		a.Every = archive.Interval(time.Hour)
		return a
	}
	f.save(hourly("a-fresh"))

	f.save(hourly("b-ok"))
	seedMail(t, s, "b-ok", 3)
	archived := f.counts()["b-ok"]
	seedRun(t, s, store.RunRecord{Account: "b-ok", Started: now.Add(-30 * time.Minute), Ended: now.Add(-29 * time.Minute),
		Outcome: store.OutcomeOK, Messages: archived.Messages, Bytes: archived.Bytes})

	daily := seedAccount("c-failed")
	daily.Daily = "02:30"
	f.save(daily)
	const problem = "The server refused the password. Open Edit and type the mailbox's current password."
	seedRun(t, s, store.RunRecord{Account: "c-failed", Started: now.Add(-570 * time.Minute), Ended: now.Add(-569 * time.Minute),
		Outcome: store.OutcomeFailed, Error: problem})

	paused := hourly("d-paused")
	paused.Paused = true
	f.save(paused)
	f.save(seedAccount("e-manual"))
	if err := f.a.board.load(ctx, s); err != nil { // the runs above
		t.Fatal(err)
	}
	f.v.loadCounts() // the mail was put in the archive behind the view's back

	tests := []struct {
		name          string
		last, next    string
		total         string
		problem       string // "" : no problem shown, no attention mark
		pauseButton   string
		runNowEnabled bool
	}{
		{"a-fresh", "Last run: never — press Run now to archive it for the first time.", "Next run: now (every hour).",
			"In the archive: no messages.", "", "Pause", true},
		{"b-ok", fmt.Sprintf("Last run: today at 11:30, finished: %s archived.", messagesText(archived.Messages, archived.Bytes)),
			"Next run: today at 12:30 (every hour).", fmt.Sprintf("In the archive: %s.", messagesText(archived.Messages, archived.Bytes)),
			"", "Pause", true},
		{"c-failed", "Last run: today at 02:30, failed: no messages archived.", "Next run: tomorrow at 02:30 (every day at 02:30).",
			"In the archive: no messages.", problem, "Pause", true},
		{"d-paused", "Last run: never — press Run now to archive it for the first time.",
			"Paused: not archived on its schedule until you press Resume.", "In the archive: no messages.", "", "Resume", true},
		{"e-manual", "Last run: never — press Run now to archive it for the first time.", "Next run: only when you press Run now.",
			"In the archive: no messages.", "", "Pause", true},
	}
	// The counts are read in the background: wait for them.
	f.eventually("the archived count of b-ok is shown", func() bool {
		return f.v.cards["b-ok"] != nil && f.v.cards["b-ok"].total.Text == tests[1].total
	})
	f.onUI(func() {
		if got := strings.Join(f.v.order, ","); got != "a-fresh,b-ok,c-failed,d-paused,e-manual" {
			t.Errorf("cards %s", got)
		}
		for _, tc := range tests {
			c := f.v.cards[tc.name]
			if c == nil {
				t.Errorf("%s: no card", tc.name)
				continue
			}
			for _, l := range []struct{ what, got, want string }{
				{"last", c.last.Text, tc.last}, {"next", c.next.Text, tc.next}, {"total", c.total.Text, tc.total},
				{"pause button", c.pause.Text, tc.pauseButton}, {"subtitle", c.card.Subtitle, tc.name + "@example.com on mail.example.com"},
			} {
				if l.got != l.want {
					t.Errorf("%s: %s = %q, want %q", tc.name, l.what, l.got, l.want)
				}
			}
			if shown := c.problem.Visible() && c.attention.Visible(); shown != (tc.problem != "") || (shown && c.problem.Text != tc.problem) {
				t.Errorf("%s: problem shown %v %q, want %q", tc.name, shown, c.problem.Text, tc.problem)
			}
			if marked := strings.HasSuffix(c.card.Title, " — needs attention"); marked != (tc.problem != "") {
				t.Errorf("%s: title %q", tc.name, c.card.Title)
			}
			if c.runNow.Disabled() == tc.runNowEnabled {
				t.Errorf("%s: Run now enabled = %v", tc.name, !c.runNow.Disabled())
			}
			if c.progress.box.Visible() || c.progress.finished.Visible() {
				t.Errorf("%s: progress shown while nothing runs", tc.name)
			}
		}
	})
}

func TestMailboxesEmptyAsksToAddOne(t *testing.T) {
	f := newBoxesFixture(t, boxesOptions{})
	f.onUI(func() {
		if !f.v.empty.Visible() || f.v.runAll.Visible() || len(f.v.list.Objects) != 0 {
			t.Errorf("empty archive: hint shown %v, Run all shown %v, %d cards", f.v.empty.Visible(), f.v.runAll.Visible(), len(f.v.list.Objects))
		}
	})
	f.save(seedAccount("first"))
	f.onUI(func() {
		if f.v.empty.Visible() || !f.v.runAll.Visible() || len(f.v.list.Objects) != 1 {
			t.Errorf("one mailbox: hint shown %v, Run all shown %v, %d cards", f.v.empty.Visible(), f.v.runAll.Visible(), len(f.v.list.Objects))
		}
	})
}
