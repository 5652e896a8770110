package archive_test

import (
	"io"
	"net"
	"sync"
	"testing"
)

// faultProxy forwards loopback TCP connections to target and lets a test
// cut one of them at an exact point of what either side sends.
type faultProxy struct {
	l      net.Listener
	target string
	// cut sees each chunk one side sends (fromServer says which) and the
	// whole stream of that side so far, chunk included; it returns how many
	// bytes of chunk to forward and whether to cut the connection after them.
	cut func(fromServer bool, stream, chunk []byte) (forward int, cut bool)

	mu    sync.Mutex // serialises cut
	conns []net.Conn
	wg    sync.WaitGroup
}

func startFaultProxy(t *testing.T, target string, cut func(fromServer bool, stream, chunk []byte) (int, bool)) *faultProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{l: l, target: target, cut: cut}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		l.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

// cutAll closes every connection open now, as a network failure would.
func (p *faultProxy) cutAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *faultProxy) port() int { return p.l.Addr().(*net.TCPAddr).Port }

func (p *faultProxy) serve() {
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
		go p.pipe(c, s, false)
		go p.pipe(s, c, true)
	}
}

// pipe copies from src to dst until either ends or cut says so; then it
// closes both, as a network failure (or a killed process) would.
func (p *faultProxy) pipe(src, dst net.Conn, fromServer bool) {
	defer p.wg.Done()
	defer src.Close()
	defer dst.Close()
	var stream []byte
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			stream = append(stream, buf[:n]...)
			forward, cut := n, false
			if p.cut != nil {
				p.mu.Lock()
				forward, cut = p.cut(fromServer, stream, buf[:n])
				p.mu.Unlock()
			}
			if _, werr := dst.Write(buf[:forward]); werr != nil {
				return
			}
			if cut {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				return
			}
			return
		}
	}
}
