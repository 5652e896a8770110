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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
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
