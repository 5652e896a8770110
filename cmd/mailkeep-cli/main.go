// Command mailkeep-cli is Mailkeep's command line: it imports, searches, shows,
// exports and verifies the messages of a Mailkeep archive file, for servers,
// scripts, scheduled tasks and tests. It parses what was typed, calls the
// engine (package store) and prints what the engine reports.
//
//	mailkeep-cli import ~/old-mail/archive.mbox
//	mailkeep-cli search 'from:alice invoice'
//	mailkeep-cli show 42 --raw > message.eml
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// memoryTarget is where the garbage collector starts working harder. Archiving
// holds at most a batch of messages (or one big one) at a time; without a
// target, Go would let garbage grow to twice that before collecting. It is a
// target, not a cap: more is used when more is needed. GOMEMLIMIT overrides it.
const memoryTarget = 128 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryTarget)
	}
	// SIGTERM (a service manager stopping the daemon) asks to stop as Ctrl-C does.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first Ctrl-C asks the command to stop, a second one ends
		// the process at once.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], osEnv())
	stop()
	os.Exit(code)
}
