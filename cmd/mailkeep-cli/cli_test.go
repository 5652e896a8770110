package main

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer that progress callbacks from the store's
// goroutines may write to while the command writes too.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

func (b *lockedBuffer) String() string { return string(b.Bytes()) }

// cliRun is what one in-process run of the command line printed and returned.
type cliRun struct {
	code   int
	stdout *lockedBuffer
	stderr *lockedBuffer
}

// testCLI runs the command line in-process. vars is the process environment it
// sees (nothing else leaks in from the test's own environment); terminal makes
// stdout and stderr look like an 80-column terminal.
type testCLI struct {
	vars     map[string]string
	terminal bool
	// interrupted runs the command as if Ctrl-C had been pressed at once.
	interrupted bool
	// stdin is what the command reads from standard input.
	stdin string
}

func (c testCLI) run(t *testing.T, args ...string) cliRun {
	t.Helper()
	r := cliRun{stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	e := env{
		stdout:     r.stdout,
		stderr:     r.stderr,
		stdin:      strings.NewReader(c.stdin),
		getenv:     func(k string) string { return c.vars[k] },
		isTerminal: func(io.Writer) bool { return c.terminal },
		termWidth: func(io.Writer) int {
			if c.terminal {
				return 80
			}
			return 0
		},
		location: time.UTC,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if c.interrupted {
		cancel()
	}
	r.code = run(ctx, args, e)
	stderr := r.stderr.String()
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic:") {
		t.Errorf("mailkeep-cli %q printed a Go stack:\n%s", args, stderr)
	}
	if n := strings.Count(stderr, "mailkeep-cli: "); n > 1 {
		t.Errorf("mailkeep-cli %q printed %d errors, want at most one:\n%s", args, n, stderr)
	}
	return r
}

// cliWithDB is a testCLI whose environment names db as the archive file.
func cliWithDB(db string) testCLI {
	return testCLI{vars: map[string]string{"MAILKEEP_DB": db, "HOME": "/nonexistent-home"}}
}

func (r cliRun) String() string {
	return "exit " + strconv.Itoa(r.code) + "\nstdout:\n" + r.stdout.String() + "\nstderr:\n" + r.stderr.String()
}
