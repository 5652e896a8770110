package store

import (
	"bufio"
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// crashCorpus is the deterministic set of messages the crash test ingests.
func crashCorpus(n int) [][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([][]byte, n)
	for i := range out {
		words := make([]string, 50+r.IntN(600))
		for j := range words {
			words[j] = fmt.Sprintf("w%x", r.IntN(5000))
		}
		out[i] = fmt.Appendf(nil, "From: s%d@example.com\r\nSubject: crash %d\r\nMessage-ID: <%d@crash>\r\n\r\n%s\r\n", i%37, i, i, strings.Join(words, " "))
	}
	return out
}

const crashMessages = 2400

// TestCrashChild is not a test of its own: TestCrashDuringIngest runs the test
// binary again with MAILKEEP_CRASH_ARCHIVE set, and this ingests the corpus into
// that archive, batch by batch, until it is killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("MAILKEEP_CRASH_ARCHIVE")
	if path == "" {
		t.Skip("runs only as TestCrashDuringIngest's child process")
	}
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	msgs := crashCorpus(crashMessages)
	// Resume where the last commit ended, as the archive engine does.
	st, _, err := s.FolderState(ctx, "crash", "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("ingesting") // tells the parent to start its clock
	const batch = 30
	for lo := int(st.LastUID); lo < len(msgs); lo += batch {
		var b Batch
		for i := lo; i < min(lo+batch, len(msgs)); i++ {
			b.Messages = append(b.Messages, Incoming{Raw: msgs[i], Location: Location{Account: "crash", Folder: "INBOX", UIDValidity: 1, UID: fmt.Sprint(i + 1)}})
		}
		b.States = []FolderState{{Account: "crash", Folder: "INBOX", UIDValidity: 1, LastUID: uint32(min(lo+batch, len(msgs)))}}
		if _, err := s.Ingest(ctx, b); err != nil {
			t.Fatal(err)
		}
		fmt.Println("committed")
	}
}

// TestCrashDuringIngest kills a process that is ingesting, at random moments,
// again and again. After every kill the archive must open, verify, and hold
// only whole batches that agree with the recorded sync state; in the end a run
// to completion holds every message exactly once.
func TestCrashDuringIngest(t *testing.T) {
	t.Parallel() // long: it runs beside the package's other tests
	if os.Getenv("MAILKEEP_CRASH_ARCHIVE") != "" {
		t.Skip("this is the child")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "archive.mailkeep")
	want := map[[32]byte]bool{}
	for _, raw := range crashCorpus(crashMessages) {
		want[sha256.Sum256(raw)] = true
	}
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	const kills = 12
	killed := 0
	for round := 0; killed < kills && round < 3*kills; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "MAILKEEP_CRASH_ARCHIVE="+path)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Let the child commit a random number of batches (0-3), then kill it
		// at a random moment within the next one: before, during or right
		// after a commit.
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		wait := r.IntN(4)
		batchTime := 100 * time.Millisecond
		prev := time.Now()
		finished := false
	watch:
		for seen := -1; seen < wait; {
			select {
			case line, ok := <-lines:
				if !ok {
					break watch
				}
				if line == "ingesting" || line == "committed" {
					if seen >= 0 {
						batchTime = time.Since(prev)
					}
					prev = time.Now()
					seen++
				}
			case err := <-done:
				if err != nil {
					t.Fatalf("child failed: %v", err)
				}
				finished = true
				break watch
			}
		}
		if !finished {
			select {
			case <-time.After(time.Duration(r.Int64N(int64(batchTime) + 1))):
				cmd.Process.Kill()
				<-done
				killed++
			case err := <-done:
				if err != nil {
					t.Fatalf("child failed: %v", err)
				}
			}
		}
		go func() {
			for range lines {
			}
		}()
		n, last := checkCrashArchive(t, path, want)
		t.Logf("round %d: %d messages after the kill, sync state says %d", round, n, last)
	}
	if killed < kills {
		t.Fatalf("only %d kills landed before the import finished; make the corpus bigger", killed)
	}

	// A run to completion finishes the job.
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MAILKEEP_CRASH_ARCHIVE="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("final run: %v\n%s", err, out)
	}
	n, last := checkCrashArchive(t, path, want)
	if n != crashMessages || last != crashMessages {
		t.Fatalf("after the final run: %d messages, sync state %d; want %d", n, last, crashMessages)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var locations, distinct int
	if err := s.db.QueryRow(`SELECT count(*), count(DISTINCT message) FROM locations`).Scan(&locations, &distinct); err != nil {
		t.Fatal(err)
	}
	if locations != crashMessages || distinct != crashMessages {
		t.Errorf("%d locations for %d messages; want one each for %d", locations, distinct, crashMessages)
	}
}

// checkCrashArchive opens the archive after a kill, verifies it, and checks that
// it holds exactly the messages its sync state claims: the first LastUID ones.
func checkCrashArchive(t *testing.T, path string, want map[[32]byte]bool) (n int, lastUID int) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open after kill: %v", err)
	}
	defer s.Close()
	rep, err := s.Verify(ctx, nil)
	if err != nil || len(rep.Bad) > 0 {
		t.Fatalf("verify after kill: %v %+v", err, rep.Bad)
	}
	rows, err := s.db.Query(`SELECT sha256 FROM messages`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var sum []byte
		rows.Scan(&sum)
		if !want[[32]byte(sum)] {
			t.Fatalf("archive holds a message that was never sent to it")
		}
		n++
	}
	st, ok, err := s.FolderState(ctx, "crash", "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		lastUID = int(st.LastUID)
	}
	// Messages and sync state are committed together: they must agree exactly.
	if n != lastUID {
		t.Fatalf("archive holds %d messages but its sync state says %d were committed", n, lastUID)
	}
	return n, lastUID
}
