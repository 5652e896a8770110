package app

import (
	"sync"
	"testing"
)

// uiLoop stands in for Fyne's goroutine in tests (Config.UI): the changes
// background work hands over run one after the other on a goroutine of
// their own, in order, as Fyne runs them on its own. (Fyne's test driver
// runs fyne.Do at once on the caller's goroutine: two screens updated from
// two goroutines would race.) The queue has no bound, so a change that
// hands over another one never waits for itself.
type uiLoop struct {
	mu      sync.Mutex
	queue   []func()
	wake    chan struct{}
	stopped chan struct{} // closed when the test ends
	ended   chan struct{} // closed when the loop has run its last change
}

// newUILoop starts a loop that runs until the test ends. Create it before
// the App: the App's Close runs first, then the loop runs what is left and
// ends, before the next test begins.
func newUILoop(t testing.TB) func(func()) {
	l := &uiLoop{wake: make(chan struct{}, 1), stopped: make(chan struct{}), ended: make(chan struct{})}
	go l.run()
	t.Cleanup(func() {
		close(l.stopped)
		<-l.ended
	})
	return l.post
}

func (l *uiLoop) post(f func()) {
	l.mu.Lock()
	l.queue = append(l.queue, f)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *uiLoop) run() {
	defer close(l.ended)
	for {
		l.mu.Lock()
		q := l.queue
		l.queue = nil
		l.mu.Unlock()
		for _, f := range q {
			f()
		}
		if len(q) > 0 {
			continue
		}
		select {
		case <-l.wake:
		case <-l.stopped:
			l.mu.Lock()
			left := len(l.queue)
			l.mu.Unlock()
			if left == 0 {
				return
			}
		}
	}
}

// onUI runs f on a's UI goroutine and waits for it: what a person does to
// the windows (typing, tapping, scrolling), or a test reading them, as one
// change among the App's own.
func onUI(a *App, f func()) {
	done := make(chan struct{})
	a.do(func() {
		defer close(done)
		f()
	})
	<-done
}
