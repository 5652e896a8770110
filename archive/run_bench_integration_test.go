package archive_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

// BenchmarkRunIMAPConnections archives a Dovecot mailbox of four folders of
// 1,250 messages each into a fresh archive, over one connection and over
// two (go test -bench RunIMAPConnections -benchtime 3x ./archive/), on
// loopback and through a proxy that adds a round trip of 30 ms to each
// command, as a mail server on the internet has. The folders are what runs
// in parallel: one folder alone is one connection's work either way.
func BenchmarkRunIMAPConnections(b *testing.B) {
	e := startEntraDovecot(b)
	folders := []string{"INBOX", "Sent Items", "Archive/2023", "Archive/2024"}
	const perFolder = 1250
	for _, f := range folders {
		for i := range perFolder {
			e.d.Deliver(sharedMailbox, f, simpleMessage(f, i))
		}
	}
	slow := startLatencyProxy(b, e.d.IMAPSAddr, 30*time.Millisecond)
	for _, rtt := range []time.Duration{0, 30 * time.Millisecond} {
		for _, connections := range []int{1, 2} {
			b.Run(fmt.Sprintf("rtt=%s/connections=%d", rtt, connections), func(b *testing.B) {
				benchmarkRun(b, e, rtt, slow, connections, len(folders)*perFolder)
			})
		}
	}
}

func benchmarkRun(b *testing.B, e entraDovecot, rtt time.Duration, slow string, connections, messages int) {
	ctx := context.Background()
	acct := e.imapAccount(b, "bench")
	if rtt > 0 {
		_, acct.Port = port(b, slow)
	}
	opts := e.options(nil)
	opts.BatchMessages = 0 // the engine's own
	opts.Connections = connections
	for b.Loop() {
		b.StopTimer()
		s, err := store.Open(ctx, filepath.Join(b.TempDir(), "archive.mailkeep"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := archive.Run(ctx, s, acct, opts)
		b.StopTimer()
		if err != nil || rep.Messages != messages {
			b.Fatalf("run: %d messages, %v", rep.Messages, err)
		}
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(messages*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// startLatencyProxy forwards loopback connections to target, holding back
// each piece the client sends for rtt: every command's answer comes rtt
// later. It returns the proxy's address.
func startLatencyProxy(tb testing.TB, target string, rtt time.Duration) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			go func() {
				defer s.Close()
				buf := make([]byte, 32<<10)
				for {
					n, err := c.Read(buf)
					if n > 0 {
						time.Sleep(rtt)
						if _, err := s.Write(buf[:n]); err != nil {
							return
						}
					}
					if err != nil {
						return
					}
				}
			}()
			go func() {
				defer c.Close()
				io.Copy(c, s)
			}()
		}
	}()
	return l.Addr().String()
}
