package archive

import (
	"context"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
)

// syncIMAP brings every included folder of an IMAP account up to date. One
// connection lists the folders; then up to Options.Connections connections
// sync one folder each at a time, taking the next folder from a shared
// queue when done. A transient failure (a cut, BYE, throttling) makes only
// its connection wait and sign in again, resuming its folder where the last
// commit ended; a permanent one (a refused credential) or giving up stops
// all of them.
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
	q := &folderQueue{}
	for _, f := range folders {
		if !r.acct.includes(f.Name) {
			continue
		}
		fr := r.folder(f.Name) // reports in the order of LIST, whoever syncs them
		fr.SpecialUse = specialUseNames(f.SpecialUse)
		q.names = append(q.names, f.Name)
	}

	wctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var wg sync.WaitGroup
	for i := range max(1, min(r.opt.Connections, len(q.names))) {
		var c *IMAPConn
		if i == 0 {
			c = first // the others connect when they start
		}
		wg.Go(func() {
			if err := r.imapConnection(wctx, c, q); err != nil {
				stop(err) // the first error stops the others
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return context.Cause(wctx) // nil when no connection failed
}

// imapConnection is one of the parallel connections: it syncs folders from q
// until none is left, over c (nil: it connects first), connecting again
// after a transient failure.
func (r *runner) imapConnection(ctx context.Context, c *IMAPConn, q *folderQueue) error {
	defer func() {
		if c != nil {
			lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			c.Logout(lctx) // everything is committed; a failed goodbye changes nothing
		}
	}()
	folder, ok := q.next()
	if !ok {
		return nil
	}
	return r.retry(ctx, func() string { return folder }, func() error {
		for {
			if c == nil {
				var err error
				if c, err = r.connectIMAP(ctx); err != nil {
					return err
				}
			}
			if err := r.syncIMAPFolder(ctx, c, folder); err != nil {
				c.Close()
				c = nil
				return err
			}
			if folder, ok = q.next(); !ok {
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
