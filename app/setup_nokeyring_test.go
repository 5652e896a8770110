package app

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/mailkeep/mailkeep/archive"
)

// TestSetupSaveWithoutKeyring saves with no keyring on the session bus (in
// a child process, whose bus address leads nowhere): Save says so in plain
// words and keeps nothing.
func TestSetupSaveWithoutKeyring(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestSetupSaveWithoutKeyringChild$", "-test.v")
	cmd.Env = append(os.Environ(), "MAILKEEP_TEST_NO_KEYRING_CHILD=1",
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+t.TempDir()+"/no-bus")
	out, err := cmd.CombinedOutput()
	t.Logf("child:\n%s", out)
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	if !strings.Contains(string(out), "--- PASS: TestSetupSaveWithoutKeyringChild") {
		t.Fatal("the child did not run its test")
	}
}

func TestSetupSaveWithoutKeyringChild(t *testing.T) {
	if os.Getenv("MAILKEEP_TEST_NO_KEYRING_CHILD") != "1" {
		t.Skip("runs as a child process of TestSetupSaveWithoutKeyring")
	}
	a := newTestApp(t, Config{})
	s := openTestSetup(t, a)
	s.showServer()
	test.Type(s.srv.host, "mail.example.com")
	test.Type(s.srv.user, "alice@example.com")
	test.Type(s.srv.password, "pw")
	test.Tap(s.saveButton)
	s.settle()
	t.Logf("shown: %s", s.problem.Text)
	if s.lastSave == nil || s.problem.Hidden {
		t.Fatal("saved without a keyring")
	}
	for _, w := range []string{"Nothing was saved", "no keyring is running", "GNOME Keyring", "Save again"} {
		if !strings.Contains(s.problem.Text, w) {
			t.Errorf("the message does not say %q", w)
		}
	}
	if accts, err := archive.Accounts(context.Background(), a.store); err != nil || len(accts) != 0 {
		t.Errorf("%d accounts saved (%v)", len(accts), err)
	}
	if s.saveButton.Disabled() {
		t.Error("Save stays disabled after the failure")
	}
}
