package archive

import (
	"context"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
)

// syncIMAP brings every included folder of an IMAP account up to date. One
// connection lists the folders and syncs them one after the other, taking
// the next folder from a shared queue when done. When a folder turns out to
// have new messages and other folders wait, one more connection starts, up
// to Options.Connections, and takes from the same queue: a run with nothing
// new stays on one connection (one sign-in). A transient failure (a cut,
// BYE, throttling) makes only its connection wait and sign in again,
// resuming its folder where the last commit ended; a permanent one (a
// refused credential) or giving up stops all of them.
func (r *runner) syncIMAP(ctx context.Context) error {
	var (
		first   *IMAPConn
		folders []Folder
	)
	err := r.retry(ctx, nil, func() error {
		c, err := r.connectIMAP(ctx)
		if err != nil {
			return err
		}
		if folders, err = c.Folders(ctx); err != nil {
			c.Close()
			return err
		}
		first = c
		return nil
	})
	if err != nil {
		return err
	}
	wctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	p := &imapPool{r: r, ctx: wctx, stop: stop}
	for _, f := range folders {
		if !r.acct.includes(f.Name) {
			continue
		}
		fr := r.folder(f.Name) // reports in the order of LIST, whoever syncs them
		fr.SpecialUse = specialUseNames(f.SpecialUse)
		p.q.names = append(p.q.names, f.Name)
	}
	folder, ok := p.q.next()
	if !ok {
		lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		first.Logout(lctx)
		return nil
	}
	p.started = 1
	p.start(first, folder)
	p.wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return context.Cause(wctx) // nil when no connection failed
}

// imapPool is the connections of one syncIMAP.
type imapPool struct {
	r    *runner
	ctx  context.Context
	stop context.CancelCauseFunc // with the first connection's error: stops the others
	wg   sync.WaitGroup
	q    folderQueue

	mu      sync.Mutex
	started int // connections started
}

// start runs a connection that syncs folder and then others from the queue,
// over c (nil: it connects first).
func (p *imapPool) start(c *IMAPConn, folder string) {
	p.wg.Go(func() {
		if err := p.r.imapConnection(p.ctx, c, folder, p); err != nil {
			p.stop(err)
		}
	})
}

// more starts one more connection, with the next folder of the queue, if
// Options.Connections allows and a folder waits.
func (p *imapPool) more() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started >= p.r.opt.Connections {
		return
	}
	if folder, ok := p.q.next(); ok {
		p.started++
		p.start(nil, folder)
	}
}

// imapConnection is one of the parallel connections: it syncs folder, then
// folders from p's queue until none is left, over c (nil: it connects
// first), connecting again after a transient failure.
func (r *runner) imapConnection(ctx context.Context, c *IMAPConn, folder string, p *imapPool) error {
	defer func() {
		if c != nil {
			lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			c.Logout(lctx) // everything is committed; a failed goodbye changes nothing
		}
	}()
	return r.retry(ctx, func() string { return folder }, func() error {
		for {
			if c == nil {
				var err error
				if c, err = r.connectIMAP(ctx); err != nil {
					return err
				}
			}
			if err := r.syncIMAPFolder(ctx, c, folder, p.more); err != nil {
				c.Close()
				c = nil
				return err
			}
			var ok bool
			if folder, ok = p.q.next(); !ok {
				return nil
			}
		}
	})
}

// connectIMAP makes one connection and signs in.
func (r *runner) connectIMAP(ctx context.Context) (*IMAPConn, error) {
	r.countAttempt()
	c, err := DialIMAP(ctx, r.acct.Address(), r.acct.Security, r.opt.TLSConfig)
	if err != nil {
		return nil, &connectError{err}
	}
	if err := r.signIn(ctx, c.Authenticate); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// folderQueue hands out the folders to sync, each once, in LIST order.
type folderQueue struct {
	mu    sync.Mutex
	names []string
	taken int
}

func (q *folderQueue) next() (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.taken == len(q.names) {
		return "", false
	}
	q.taken++
	return q.names[q.taken-1], true
}

// specialUseNames spells special-use attributes as IMAP does ("\Sent").
func specialUseNames(attrs []imap.MailboxAttr) []string {
	var out []string
	for _, a := range attrs {
		out = append(out, string(a))
	}
	return out
}
