// Command benchdovecot runs a private Dovecot for scripts/bench-fetch.sh: one
// password user whose INBOX holds every message of a Maildir, served over
// IMAPS and POP3S with a throw-away CA. It prints the addresses as shell
// variables, then "ready", and keeps Dovecot running until SIGTERM or SIGINT
// (or until the process that started it is gone), when it stops it and
// removes everything it made.
//
//	benchdovecot -maildir DIR -user bench -pass secret
//
// It reuses archive/archivetest (the tests' Dovecot). That package takes a
// testing.TB; runner below is the small part of one a program can provide.
// Needs root and Dovecot, like the tests.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/mailkeep/mailkeep/archive/archivetest"
)

func main() {
	maildir := flag.String("maildir", "", "the Maildir whose messages (cur/ and new/) go into the INBOX")
	user := flag.String("user", "bench", "the mailbox's user name")
	pass := flag.String("pass", "", "the mailbox's password (required)")
	flag.Parse()
	if *maildir == "" || *pass == "" {
		fmt.Fprintln(os.Stderr, "benchdovecot: give -maildir DIR and -pass PASSWORD")
		os.Exit(2)
	}

	r := &runner{}
	defer r.cleanup()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)

	d := archivetest.StartDovecot(r, archivetest.DovecotOptions{})
	d.AddPasswordUser(*user, *pass)
	n, err := seed(d, *user, *maildir)
	if err != nil {
		r.Fatalf("benchdovecot: seed the INBOX from %s: %v", *maildir, err)
	}
	fmt.Printf("dovecot_dir=%s\nimap_addr=%s\nimaps_addr=%s\npop3_addr=%s\npop3s_addr=%s\nca_file=%s\ninbox=%s\nseeded=%d\nready\n",
		d.Dir, d.IMAPAddr, d.IMAPSAddr, d.POP3Addr, d.POP3SAddr, d.CAFile(), d.MaildirPath(*user, "INBOX"), n)
	select {
	case <-stop:
	case <-orphaned(time.Second):
		fmt.Fprintln(os.Stderr, "benchdovecot: the script that started it is gone; stopping Dovecot")
	}
}

// orphaned is closed once this process's parent has gone (it is then
// re-parented), checked every interval: a bench script killed with SIGKILL
// leaves no Dovecot behind.
func orphaned(interval time.Duration) <-chan struct{} {
	gone := make(chan struct{})
	parent := os.Getppid()
	go func() {
		for os.Getppid() == parent {
			time.Sleep(interval)
		}
		close(gone)
	}()
	return gone
}

// seed delivers every file of maildir's cur/ and new/ into user's INBOX, in
// name order (the generator's names sort by creation).
func seed(d *archivetest.Dovecot, user, maildir string) (int, error) {
	var files []string
	for _, sub := range []string{"cur", "new"} {
		err := filepath.WalkDir(filepath.Join(maildir, sub), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.Type().IsRegular() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	slices.Sort(files)
	if len(files) == 0 {
		return 0, fmt.Errorf("no messages in cur/ or new/")
	}
	for _, p := range files {
		raw, err := os.ReadFile(p)
		if err != nil {
			return 0, err
		}
		d.Deliver(user, "INBOX", raw)
	}
	return len(files), nil
}
