package main

import (
	"fmt"
	"os"
	"testing"
)

// runner is the part of testing.TB that archivetest uses, for a program: a
// failure stops the program (after cleaning up), temporary directories live
// until the program ends. The embedded interface is never set: calling a
// method runner does not define panics, which is the signal to add it here.
type runner struct {
	testing.TB
	cleanups []func()
	failed   bool
}

func (r *runner) Helper() {}

func (r *runner) Logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

func (r *runner) Fatalf(format string, args ...any) {
	r.failed = true
	r.Logf(format, args...)
	r.cleanup()
	os.Exit(1)
}

func (r *runner) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }

// Skip is how archivetest says the machine lacks something; for a program
// that is a failure.
func (r *runner) Skip(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }

func (r *runner) Failed() bool { return r.failed }

func (r *runner) TempDir() string {
	dir, err := os.MkdirTemp("", "benchdovecot-")
	if err != nil {
		r.Fatalf("benchdovecot: %v", err)
	}
	r.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func (r *runner) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

// cleanup runs the registered functions, last first, once.
func (r *runner) cleanup() {
	for len(r.cleanups) > 0 {
		f := r.cleanups[len(r.cleanups)-1]
		r.cleanups = r.cleanups[:len(r.cleanups)-1]
		f()
	}
}
