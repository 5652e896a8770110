package archive_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

// cutProxy forwards TCP connections to target and can cut them all at once.
type cutProxy struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	wg     sync.WaitGroup
}

func startCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{l: l, target: target}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		l.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *cutProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		p.wg.Add(2)
		go func() { defer p.wg.Done(); io.Copy(s, c); s.Close() }()
		go func() { defer p.wg.Done(); io.Copy(c, s); c.Close() }()
	}
}

// cut closes every connection open now, as a network failure would.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *cutProxy) port() int { return p.l.Addr().(*net.TCPAddr).Port }

// TestRunResumesAfterConnectionCut cuts the connection after the first batch
// is committed: the run retries, resumes after the last commit, and ends with
// every message archived exactly once.
func TestRunResumesAfterConnectionCut(t *testing.T) {
	e := startEntraDovecot(t)
	const n = 60
	for i := range n {
		e.d.Deliver(sharedMailbox, "INBOX", simpleMessage("resume", i))
	}
	proxy := startCutProxy(t, e.d.IMAPSAddr)
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
			once.Do(proxy.cut)
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
