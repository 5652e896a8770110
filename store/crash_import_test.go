package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/store"
	"github.com/mailkeep/mailkeep/store/storetest"
)

// TestCrashImportChild is not a test of its own: TestCrashDuringImport runs the
// test binary again with MAILKEEP_CRASH_IMPORT=archive:maildir, and this imports
// the Maildir into the archive until it is done or killed.
func TestCrashImportChild(t *testing.T) {
	arg := os.Getenv("MAILKEEP_CRASH_IMPORT")
	if arg == "" {
		t.Skip("runs only as TestCrashDuringImport's child process")
	}
	var archive, maildir string
	if _, err := fmt.Sscanf(arg, "%q %q", &archive, &maildir); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := store.Open(ctx, archive)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Import(ctx, []string{maildir}, nil); err != nil {
		t.Fatal(err)
	}
}

// TestCrashDuringImport kills `import` of a Maildir at random moments, at least
// twelve times. After every kill the archive opens and verifies, and holds only
// messages of the Maildir, each once; re-running the import then completes it
// with none missing and none duplicated.
func TestCrashDuringImport(t *testing.T) {
	t.Parallel() // long: it runs beside the package's other tests
	if os.Getenv("MAILKEEP_CRASH_IMPORT") != "" {
		t.Skip("this is the child")
	}
	dir := t.TempDir()
	maildir := filepath.Join(dir, "Maildir")
	msgs := storetest.Generate(11, 1200)
	if err := storetest.WriteMaildir(maildir, "", msgs); err != nil {
		t.Fatal(err)
	}
	want := map[[32]byte]bool{}
	for _, m := range msgs {
		want[m.SHA256()] = true
	}

	importer := func(archive string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashImportChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), fmt.Sprintf("MAILKEEP_CRASH_IMPORT=%q %q", archive, maildir))
		return cmd
	}
	// How long a whole import takes here (the race detector slows it a lot):
	// kills are spread over that time.
	start := time.Now()
	if out, err := importer(filepath.Join(dir, "measure.mailkeep")).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	full := time.Since(start)
	t.Logf("a whole import takes %v", full)

	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	const kills = 12
	killed, trials := 0, 0
	for killed < kills {
		trials++
		archive := filepath.Join(dir, fmt.Sprintf("trial%d.mailkeep", trials))
		for done := false; !done && killed < kills; {
			cmd := importer(archive)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case <-time.After(time.Duration(r.Int64N(int64(full)))):
				cmd.Process.Kill()
				<-exited
				killed++
			case err := <-exited:
				if err != nil {
					t.Fatalf("import failed: %v", err)
				}
				done = true
			}
			n := checkImportArchive(t, archive, want)
			t.Logf("trial %d: %d of %d messages after the run (kills so far: %d)", trials, n, len(want), killed)
		}
		// Running the import again completes it: nothing missing, nothing twice.
		if out, err := importer(archive).CombinedOutput(); err != nil {
			t.Fatalf("import after the kills: %v\n%s", err, out)
		}
		if n := checkImportArchive(t, archive, want); n != len(want) {
			t.Fatalf("after re-running the import: %d messages, want %d", n, len(want))
		}
	}
}

// checkImportArchive verifies the archive and checks that it holds only
// messages of want, each once and in one place.
func checkImportArchive(t *testing.T, path string, want map[[32]byte]bool) int {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("open after kill: %v", err)
	}
	defer s.Close()
	rep, err := s.Verify(ctx, nil)
	if err != nil || len(rep.Bad) > 0 {
		t.Fatalf("verify after kill: %v %+v", err, rep.Bad)
	}
	res, err := s.Search(ctx, "", store.SearchOptions{NoSnippets: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[[32]byte]bool{}
	for _, m := range res {
		if !want[m.SHA256] {
			t.Fatalf("the archive holds a message that is not in the Maildir: %d %q", m.ID, m.Subject)
		}
		if seen[m.SHA256] {
			t.Fatalf("message %d is stored twice", m.ID)
		}
		seen[m.SHA256] = true
		if len(m.Locations) != 1 {
			t.Fatalf("message %d was recorded in %d places, want 1: %+v", m.ID, len(m.Locations), m.Locations)
		}
	}
	return len(res)
}
