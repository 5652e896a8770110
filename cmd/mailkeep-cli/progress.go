package main

import (
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress shows how a long command advances: a bar on stderr when stderr is a
// terminal, nothing at all otherwise (scripts and logs get only the result).
// Its methods may be called from several goroutines; on a nil *progress they
// do nothing.
type progress struct {
	mu  sync.Mutex
	bar *progressbar.ProgressBar
}

// newProgress starts a bar described by desc; bytes says whether the amounts
// are bytes. total may be 0 when it is not known yet.
func (a *app) newProgress(desc string, total int64, bytes bool) *progress {
	if !a.env.isTerminal(a.env.stderr) {
		return nil
	}
	return &progress{bar: newBar(a.env.stderr, desc, total, bytes)}
}

func newBar(w io.Writer, desc string, total int64, bytes bool) *progressbar.ProgressBar {
	if total <= 0 {
		total = -1 // unknown: a spinner
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionClearOnFinish(),
		// No spinner goroutine: the bar redraws only when told, so nothing
		// writes to the terminal after finish.
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionUseANSICodes(true),
	}
	if bytes {
		opts = append(opts, progressbar.OptionShowBytes(true))
	}
	return progressbar.NewOptions64(total, opts...)
}

// set moves the bar to done of total (total 0: unknown), with desc as its label.
func (p *progress) set(desc string, done, total int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if total > 0 && p.bar.GetMax64() != total {
		p.bar.ChangeMax64(total)
	}
	if desc != "" {
		p.bar.Describe(desc)
	}
	p.bar.Set64(done)
}

// finish removes the bar from the screen.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bar.Finish()
	p.bar.Clear()
}
