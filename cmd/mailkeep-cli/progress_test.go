package main

import (
	"io"
	"strings"
	"sync"
	"testing"
)

func TestProgress(t *testing.T) {
	for _, tt := range []struct {
		terminal bool
		total    int64 // 0: not known
	}{{false, 200_000}, {true, 200_000}, {true, 0}, {false, 0}} {
		terminal := tt.terminal
		stderr := &lockedBuffer{}
		a := &app{env: env{stderr: stderr, isTerminal: func(io.Writer) bool { return terminal }}}
		p := a.newProgress("Importing", 0, true)
		// The store may report from several goroutines.
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range 50 {
					p.set("Importing: some messages", int64(i*50+j)*1000, tt.total)
				}
			}()
		}
		wg.Wait()
		p.finish()
		got := stderr.String()
		switch {
		case !terminal && got != "":
			t.Errorf("not a terminal, yet the progress printed %q", got)
		case terminal && !strings.Contains(got, "Importing"):
			t.Errorf("on a terminal the bar did not show: %q", got)
		}
	}
}
