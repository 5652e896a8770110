package main

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func TestVerify(t *testing.T) {
	db, fixtures, ids := seedArchive(t)
	for _, terminal := range []bool{false, true} {
		c := cliWithDB(db)
		c.terminal = terminal
		r := c.run(t, "verify")
		if r.code != exitOK || r.stdout.String() != "All 5 messages verified\n" {
			t.Errorf("terminal=%v: %s", terminal, r)
		}
		if !terminal && r.stderr.String() != "" {
			t.Errorf("progress printed although stderr is not a terminal: %q", r.stderr.String())
		}
	}

	// Damage one message: its stored bytes no longer match its hash.
	sqlDB, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sqlDB.ExecContext(context.Background(), `UPDATE messages SET sha256 = zeroblob(32) WHERE id = ?`, ids[2])
	sqlDB.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := cliWithDB(db).run(t, "verify")
	if r.code != exitFailed {
		t.Fatalf("verify of a damaged archive: exit %d, want %d\n%s", r.code, exitFailed, r)
	}
	out := r.stdout.String()
	if !strings.HasPrefix(out, "1 message of 5 failed the check:\n") || !strings.Contains(out, "  id "+strconv.FormatInt(ids[2], 10)+"  sha256 ") {
		t.Errorf("the damaged message is not listed:\n%s", r)
	}
	for i := range fixtures {
		if i != 2 && strings.Contains(out, "  id "+strconv.FormatInt(ids[i], 10)+"  ") {
			t.Errorf("intact message %d listed as damaged:\n%s", ids[i], out)
		}
	}
	if want := "mailkeep-cli: 1 of 5 messages in " + db + " are damaged (listed above). Restore the archive file from a backup"; !strings.Contains(r.stderr.String(), want) {
		t.Errorf("stderr does not say what to do:\n%s", r)
	}
}
