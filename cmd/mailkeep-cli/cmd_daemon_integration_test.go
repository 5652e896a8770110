package main

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/internal/buildtest"
	"github.com/mailkeep/mailkeep/store"
)

// TestBinaryDaemon runs the built program's daemon against a real Dovecot
// with two password accounts on a schedule, one with the right password and
// one with a wrong one: both run at once (they never ran), the good one
// archives everything, the bad one fails with advice without stopping the
// other; meanwhile a second process that wants to write is told who holds the
// archive. SIGTERM stops the daemon with exit status 0, and its log names
// each run but no password.
func TestBinaryDaemon(t *testing.T) {
	const (
		user     = "daemon@example.com"
		password = "Daemon-Pass~0123456789"
		wrong    = "Wrong-Pass~9876543210"
	)
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{})
	d.AddPasswordUser(user, password)
	for i := range 5 {
		d.Deliver(user, "INBOX", fmt.Appendf(nil, "Subject: daemon %d\r\nMessage-ID: <d%d@x>\r\n\r\nbody %d\r\n", i, i, i))
	}
	d.Deliver(user, "Sent Items", []byte("Subject: sent\r\nMessage-ID: <s@x>\r\n\r\nbody\r\n"))

	dir := t.TempDir()
	db := filepath.Join(dir, "archive.mailkeep")
	bin := buildtest.CLI(t, runtime.GOOS)
	env := []string{"HOME=" + filepath.Join(dir, "home"), "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "TZ=UTC",
		"MAILKEEP_DB=" + db, "SSL_CERT_FILE=" + d.CAFile(), "GOOD_PW=" + password, "BAD_PW=" + wrong}
	_, imapsPort, _ := net.SplitHostPort(d.IMAPSAddr)
	for _, acct := range []struct{ name, secretEnv, schedule string }{{"good", "GOOD_PW", "--every=1m"}, {"bad", "BAD_PW", "--every=1h"}} {
		r := runBinaryWith(t, bin, env, "", "account", "add", acct.name, "--protocol", "imap", "--host", "127.0.0.1",
			"--port", imapsPort, "--user", user, "--auth", "password", "--secret-env", acct.secretEnv, acct.schedule)
		if r.code != exitOK {
			t.Fatalf("account add %s: %s", acct.name, r)
		}
	}

	daemon := exec.Command(bin, "daemon")
	daemon.Env = env
	var log lockedBuffer
	daemon.Stdout, daemon.Stderr = &log, &log
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = daemon.Wait(); close(exited) }()
	t.Cleanup(func() {
		daemon.Process.Kill()
		<-exited
	})

	// Wait until the daemon has both runs in its history.
	okRun := regexp.MustCompile(`\sok\s+6 messages`)
	deadline := time.Now().Add(60 * time.Second)
	for {
		good := runBinaryWith(t, bin, env, "", "account", "show", "good")
		bad := runBinaryWith(t, bin, env, "", "account", "show", "bad")
		if okRun.Match(good.stdout) && strings.Contains(string(bad.stdout), "failed") {
			break
		}
		select {
		case <-exited:
			t.Fatalf("the daemon ended (%v) before its runs did:\n%s", waitErr, log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no finished runs after a minute:\ngood: %s\nbad: %s\ndaemon log:\n%s", good, bad, log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}

	// A second writer is turned away, naming the daemon.
	held := fmt.Sprintf("another Mailkeep (pid %d) is using %s; wait for it to finish or stop it", daemon.Process.Pid, db)
	if r := runBinaryWith(t, bin, env, "", "run", "good"); r.code != exitFailed || !strings.Contains(string(r.stderr), held) {
		t.Errorf("run while the daemon runs: %s", r)
	}
	if r := runBinaryWith(t, bin, env, "", "search", "subject:daemon", "--json"); r.code != exitOK || strings.Count(string(r.stdout), "\n") != 5 {
		t.Errorf("search while the daemon runs: %s", r)
	}

	if err := daemon.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		if waitErr != nil {
			t.Errorf("the daemon exited with %v after SIGTERM, want status 0:\n%s", waitErr, log.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("the daemon did not stop within a minute of SIGTERM:\n%s", log.String())
	}

	out := log.String()
	if testing.Verbose() {
		t.Logf("daemon log:\n%s", out)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`level=INFO msg="daemon started" archive=\S+ pid=\d+ accounts=2 scheduled=2`),
		regexp.MustCompile(`msg=schedule account=good schedule="every 1m0s" next=`),
		regexp.MustCompile(`msg="run started" account=good`),
		regexp.MustCompile(`level=INFO msg="run ended" account=good outcome=ok messages=6 new=6 bytes=\d+ folders=2`),
		regexp.MustCompile(`level=ERROR msg="run failed; [^"]*" account=bad outcome=failed .*advice=".*account test bad`),
		regexp.MustCompile(`msg="daemon stopped"`),
	} {
		if !want.MatchString(out) {
			t.Errorf("the daemon log lacks %s:\n%s", want, out)
		}
	}
	for _, secret := range []string{password, wrong} {
		if strings.Contains(out, secret) {
			t.Errorf("the daemon log holds a password:\n%s", out)
		}
	}
	// Every log line is one slog record.
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, "time=") {
			t.Errorf("a log line is not a slog record: %q", line)
		}
	}
	// The lock went with the daemon.
	if r := runBinaryWith(t, bin, env, "", "run", "good"); r.code != exitOK || !strings.HasPrefix(string(r.stdout), "good: 0 messages") {
		t.Errorf("run after the daemon stopped: %s", r)
	}

	// Restarted, the daemon counts from the runs in the history: nothing is
	// due, so it runs nothing before it is stopped again.
	restart := exec.Command(bin, "--verbose", "daemon")
	restart.Env = env
	var log2 lockedBuffer
	restart.Stdout, restart.Stderr = &log2, &log2
	if err := restart.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(log2.String(), `msg="scheduler waits" until=`) }, "the restarted daemon to look at its schedule")
	if err := restart.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := restart.Wait(); err != nil {
		t.Errorf("the restarted daemon exited with %v after SIGTERM, want status 0:\n%s", err, log2.String())
	}
	if strings.Contains(log2.String(), "run started") {
		t.Errorf("the restarted daemon ran again what had just run:\n%s", log2.String())
	}
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for account, want := range map[string]int{"good": 2, "bad": 1} { // good: the daemon's run and the one by hand
		if runs, err := s.Runs(context.Background(), account, 0); err != nil || len(runs) != want {
			t.Errorf("%s has %d runs in the history (%v), want %d", account, len(runs), err, want)
		}
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
