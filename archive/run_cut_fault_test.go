package archive_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/auth"
	"github.com/mailkeep/mailkeep/store"
)

// largeMessage is a message of about size bytes, CRLF lines.
func largeMessage(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: big@example.com\r\nSubject: a large message\r\nMessage-ID: <large@mailkeep.test>\r\n\r\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "line %06d of a large message, to be cut somewhere in the middle of its literal\r\n", i)
	}
	return b.Bytes()
}

// TestFaultConnectionCutMidMessage cuts the connection to a real Dovecot
// inside a large message's literal, at five points from its first bytes to
// its last; each time the run retries, resumes after the last commit, and
// ends with every message archived once.
func TestFaultConnectionCutMidMessage(t *testing.T) {
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{})
	const user, pass = "cut@example.com", "cut-password"
	d.AddPasswordUser(user, pass)
	served := map[imap.UID][]byte{}
	var uid imap.UID
	for i := range 9 {
		uid++
		served[uid] = simpleMessage("cut", i)
		d.Deliver(user, "INBOX", served[uid])
	}
	big := largeMessage(1 << 20)
	uid++
	served[uid] = big
	d.Deliver(user, "INBOX", big)
	for i := range 4 {
		uid++
		served[uid] = simpleMessage("after", i)
		d.Deliver(user, "INBOX", served[uid])
	}
	marker := fmt.Appendf(nil, "BODY[] {%d}\r\n", len(big))

	for _, offset := range []int{1, len(big) / 4, len(big) / 2, 3 * len(big) / 4, len(big) - 1} {
		t.Run(fmt.Sprint(offset), func(t *testing.T) {
			cuts := 0
			proxy := startFaultProxy(t, d.IMAPAddr, func(fromServer bool, stream, chunk []byte) (int, bool) {
				if !fromServer || cuts > 0 {
					return len(chunk), false
				}
				i := bytes.Index(stream, marker)
				if i < 0 {
					return len(chunk), false
				}
				at := i + len(marker) + offset // cut before this byte of the stream
				before := len(stream) - len(chunk)
				if at > len(stream) {
					return len(chunk), false
				}
				cuts++
				return max(0, at-before), true
			})
			ctx := context.Background()
			s, err := store.Open(ctx, filepath.Join(t.TempDir(), "archive.mailkeep"))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			t.Setenv("MAILKEEP_TEST_CUT_SECRET", pass)
			acct := archive.Account{Name: "cut", Protocol: archive.IMAP, Host: "127.0.0.1", Port: proxy.port(),
				Security: archive.SecurityNone, AllowPlaintextPassword: true, User: user, Auth: archive.AuthPassword,
				Secret: auth.SecretRef{Env: "MAILKEEP_TEST_CUT_SECRET"}}
			var log eventLog
			rep, err := archive.Run(ctx, s, acct, archive.Options{Progress: log.add, BatchMessages: 4,
				RetryInitial: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			proxy.mu.Lock()
			cutsMade := cuts
			proxy.mu.Unlock()
			if cutsMade != 1 || rep.Attempts != 2 {
				t.Errorf("%d cuts, %d attempts; want 1, 2", cutsMade, rep.Attempts)
			}
			if n := countRetries(&log); n != 1 {
				t.Errorf("%d retry events, want 1", n)
			}
			for _, ev := range log.events {
				if ev.Kind == archive.EventRetry && !strings.Contains(ev.Err.Error(), "in the middle of a message") {
					t.Errorf("the retry says %q; want it to say the connection broke in the middle of a message", ev.Err)
				}
			}
			checkOnce(t, s, "cut", "INBOX", served)
			if rep, err := archive.Run(ctx, s, acct, archive.Options{}); err != nil || rep.Messages != 0 {
				t.Errorf("re-run: %d messages, %v; want 0", rep.Messages, err)
			}
			checkOnce(t, s, "cut", "INBOX", served)
		})
	}
}

func countRetries(l *eventLog) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, ev := range l.events {
		if ev.Kind == archive.EventRetry {
			n++
		}
	}
	return n
}
