package archive_test

import (
	"context"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/mailkeep/mailkeep/archive/archivetest"
	"github.com/mailkeep/mailkeep/store"
)

// buildMailkeepCLI builds cmd/mailkeep-cli with CGO_ENABLED=0 into a
// temporary directory.
func buildMailkeepCLI(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "mailkeep-cli")
	cmd := exec.Command(goBin, "build", "-o", bin, "github.com/mailkeep/mailkeep/cmd/mailkeep-cli")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build mailkeep-cli: %v\n%s", err, out)
	}
	return bin
}

// TestFaultKilledRunsLoseNothing kills `mailkeep-cli run` with SIGKILL at
// random moments while it archives 2,000 messages from a real Dovecot: after
// each kill `mailkeep-cli verify` passes; a last run completes, and the
// archive holds every message once.
func TestFaultKilledRunsLoseNothing(t *testing.T) {
	const (
		user, pass = "kill@example.com", "kill-password"
		messages   = 2000
		kills      = 12
	)
	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{})
	d.AddPasswordUser(user, pass)
	served := map[imap.UID][]byte{}
	for i := range messages {
		raw := simpleMessage("kill", i)
		// Some weight, so that a run takes long enough to be killed midway.
		raw = append(raw, []byte(strings.Repeat("padding line of a killed run's message\r\n", 40))...)
		d.Deliver(user, "INBOX", raw)
		served[imap.UID(i+1)] = raw // Dovecot numbers them in delivery order
	}
	bin := buildMailkeepCLI(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "archive.mailkeep")
	env := []string{"HOME=" + filepath.Join(dir, "home"), "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "TZ=UTC",
		"MAILKEEP_DB=" + db, "SSL_CERT_FILE=" + d.CAFile(), "MAILKEEP_TEST_KILL_PW=" + pass}
	cli := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	_, p, _ := net.SplitHostPort(d.IMAPSAddr)
	if out, err := cli("account", "add", "k", "--protocol", "imap", "--host", "127.0.0.1", "--port", p,
		"--user", user, "--auth", "password", "--secret-env", "MAILKEEP_TEST_KILL_PW"); err != nil {
		t.Fatalf("account add: %v\n%s", err, out)
	}

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("random seed %d", seed)
	// Kill at a random moment of each run, until 10 runs were killed
	// while running; between runs, more mail arrives so that the next run
	// always has work.
	interrupted, tries := 0, 0
	var progress []int
	next := len(served)
	for interrupted < kills && tries < 3*kills {
		tries++
		for range 40 {
			next++
			raw := simpleMessage("later", next)
			d.Deliver(user, "INBOX", raw)
			served[imap.UID(next)] = raw
		}
		cmd := exec.Command(bin, "run")
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		delay := time.Duration(10+rng.IntN(150)) * time.Millisecond
		select {
		case err := <-exited:
			t.Logf("try %d: the run ended by itself before %s (%v)", tries, delay, err)
		case <-time.After(delay):
			if err := cmd.Process.Signal(os.Kill); err != nil {
				t.Fatal(err)
			}
			<-exited
			interrupted++
		}
		if out, err := cli("verify"); err != nil {
			t.Fatalf("verify after try %d (kill at %s): %v\n%s", tries, delay, err, out)
		}
		progress = append(progress, archivedCount(t, db))
	}
	t.Logf("messages archived after each try: %v", progress)
	if out, err := cli("run"); err != nil {
		t.Fatalf("last run: %v\n%s", err, out)
	}
	if out, err := cli("verify"); err != nil {
		t.Fatalf("verify after the last run: %v\n%s", err, out)
	}
	t.Logf("%d runs killed while running, of %d; %d messages in all", interrupted, tries, len(served))
	if interrupted < 10 {
		t.Errorf("only %d of %d runs were killed while running; want at least 10", interrupted, tries)
	}

	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkOnce(t, s, "k", "INBOX", served)
	if n, _ := s.Count(context.Background(), ""); n != len(served) {
		t.Errorf("the archive holds %d messages, want %d", n, len(served))
	}
}

// archivedCount opens the archive at db (no other process has it open) and
// counts its messages.
func archivedCount(t *testing.T, db string) int {
	t.Helper()
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, err := s.Count(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return n
}
