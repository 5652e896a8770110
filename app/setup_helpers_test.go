package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/mailkeep/mailkeep/auth"
)

// newTestApp is an App on a fresh archive in a temporary folder, with
// Fyne's test driver (no display).
func newTestApp(t *testing.T, cfg Config) *App {
	t.Helper()
	if cfg.UI == nil {
		cfg.UI = newUILoop(t)
	}
	if cfg.ArchivePath == "" {
		cfg.ArchivePath = filepath.Join(t.TempDir(), "archive.mailkeep")
	}
	a, err := New(test.NewApp(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return a
}

// requireKeyring ends the test when no OS keyring answers: a skip on a
// developer's machine, a failure in CI (scripts/test.sh provides one).
func requireKeyring(t *testing.T) {
	t.Helper()
	k := auth.Keyring{Timeout: 10 * time.Second}
	key := "mailkeep-test-probe/" + randomHex(t)
	err := k.Set(context.Background(), key, "probe")
	if err == nil {
		k.Delete(context.Background(), key)
		return
	}
	var nk *auth.NoKeyringError
	if !errors.As(err, &nk) {
		t.Fatalf("keyring probe: %v", err)
	}
	msg := "no OS keyring answers (" + err.Error() + "); run the tests with scripts/test.sh, which starts gnome-keyring on a private D-Bus session"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// testUI stands in for fyne.Do in tests: the setup's background work hands
// its screen changes over, and the test's goroutine runs them, as Fyne runs
// them on its own goroutine. (Fyne's test driver would run them on the
// background goroutine, racing with the test.)
type testUI struct{ ch chan func() }

func (q *testUI) do(f func()) { q.ch <- f }

// testSetup is a setup whose screen changes the test runs (settle).
type testSetup struct {
	*setup
	q *testUI
	// mains counts the times the setup left for the list of mailboxes,
	// which these tests leave out: its own background work would change
	// the screen from other goroutines than the test's.
	mains int
}

// openTestSetup is a.openSetup with its screen changes run by settle.
func openTestSetup(t *testing.T, a *App) *testSetup {
	t.Helper()
	q := &testUI{ch: make(chan func())}
	s := a.openSetup()
	s.ui = q.do
	ts := &testSetup{setup: s, q: q}
	s.done = func() { ts.mains++ }
	return ts
}

// settle runs the screen changes of the setup's background work (Test,
// Save, loading an account) until that work has ended.
func (s *testSetup) settle() {
	done := make(chan struct{})
	go func() {
		s.jobs.Wait()
		close(done)
	}()
	for {
		select {
		case f := <-s.q.ch:
			f()
		case <-done:
			return
		}
	}
}
