package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fillArchive writes n small messages into a new archive at path and closes it,
// so that everything is checkpointed into the main file.
func fillArchive(t *testing.T, path string, n int) [][]byte {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var raws [][]byte
	var b Batch
	for i := range n {
		raw := fmt.Appendf(nil, "Subject: message %d\r\nFrom: sender%d@example.com\r\n\r\n%s\r\n", i, i, strings.Repeat(fmt.Sprintf("word%d ", i), 200))
		raws = append(raws, raw)
		b.Messages = append(b.Messages, Incoming{Raw: raw, Location: Location{Account: "a", Folder: "INBOX", UID: fmt.Sprint(i)}})
	}
	if _, err := s.Ingest(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return raws
}

func TestOpenRefusesWhatIsNotOurs(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		make    func(t *testing.T, path string)
		wantErr any    // pointer to the error type wanted
		wantMsg string // part of the message a person reads
	}{
		{"plain text file", func(t *testing.T, path string) {
			os.WriteFile(path, []byte("these are my notes, not a database\n"), 0o600)
		}, new(*NotArchiveError), "not an SQLite database"},
		{"another program's SQLite file", func(t *testing.T, path string) {
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`CREATE TABLE customers (name TEXT); INSERT INTO customers VALUES ('x')`); err != nil {
				t.Fatal(err)
			}
		}, new(*NotArchiveError), "another program"},
		{"archive from a newer Mailkeep", func(t *testing.T, path string) {
			fillArchive(t, path, 3)
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion+1)); err != nil {
				t.Fatal(err)
			}
		}, new(*NewerSchemaError), "update Mailkeep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "archive.mailkeep")
			tt.make(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(ctx, path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.As(err, tt.wantErr) {
				t.Errorf("error %T (%v), want %T", err, err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || !strings.Contains(err.Error(), "Nothing was changed") {
				t.Errorf("message %q does not say %q and that nothing changed", err, tt.wantMsg)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Error("the file was changed")
			}
		})
	}
}

func TestDamagedArchiveIsReported(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"truncated", func(t *testing.T, path string) {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, fi.Size()/2); err != nil {
				t.Fatal(err)
			}
		}},
		{"garbage in the middle", func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fi, _ := f.Stat()
			junk := make([]byte, 16*4096)
			rand.Read(junk)
			if _, err := f.WriteAt(junk, fi.Size()/3); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "archive.mailkeep")
			fillArchive(t, path, 400)
			tt.damage(t, path)
			before, _ := os.ReadFile(path)

			// Opening may already notice; if not, Verify must.
			s, err := Open(ctx, path)
			if err == nil {
				_, err = s.Verify(ctx, nil)
				s.Close()
			}
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("got %T (%v), want a CorruptError", err, err)
			}
			if !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), "backup") {
				t.Errorf("message does not say what happened and what to do: %q", err)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Error("the damaged file was changed further")
			}
		})
	}
}

// TestDiskFull fills a small file system until a batch fails, then checks that
// the error says what to do and that every earlier batch is intact. As root it
// uses a real 4 MiB tmpfs; otherwise SQLite's page limit stands in for the disk
// (it fails the same way, with SQLITE_FULL).
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	realDisk := mountTmpfs(t, dir, "4m")
	path := filepath.Join(dir, "archive.mailkeep")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !realDisk {
		s.db.SetMaxOpenConns(1) // the page limit is per connection
		if _, err := s.db.Exec(`PRAGMA max_page_count = 1000`); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("real tmpfs: %v", realDisk)

	var committed [][]byte
	var fullErr error
	for i := 0; i < 200 && fullErr == nil; i++ {
		// Random bytes do not compress: each batch takes its full size.
		var b Batch
		var raws [][]byte
		for j := range 4 {
			body := make([]byte, 48<<10)
			rand.Read(body)
			raw := fmt.Appendf(nil, "Subject: %d-%d\r\n\r\n%x\r\n", i, j, body)
			raws = append(raws, raw)
			b.Messages = append(b.Messages, Incoming{Raw: raw, Location: Location{Account: "a", Folder: "INBOX", UID: fmt.Sprintf("%d-%d", i, j)}})
		}
		if _, err := s.Ingest(ctx, b); err != nil {
			fullErr = err
			break
		}
		committed = append(committed, raws...)
	}
	var df *DiskFullError
	if !errors.As(fullErr, &df) {
		t.Fatalf("filling the disk ended with %T (%v), want a DiskFullError", fullErr, fullErr)
	}
	if !strings.Contains(fullErr.Error(), "full") || !strings.Contains(fullErr.Error(), "Free some space") {
		t.Errorf("message does not say what to do: %q", fullErr)
	}
	if len(committed) == 0 {
		t.Fatal("not even one batch fit: the test proves nothing")
	}
	// Everything committed before is intact and readable.
	rep, err := s.Verify(ctx, nil)
	if err != nil {
		t.Fatalf("Verify after a full disk: %v", err)
	}
	if rep.Checked != len(committed) || len(rep.Bad) != 0 {
		t.Errorf("Verify checked %d (want %d), bad %v", rep.Checked, len(committed), rep.Bad)
	}
	t.Logf("%d messages committed before the disk was full", len(committed))
}

// mountTmpfs mounts a tmpfs of size on dir when running as root and reports
// whether it did; the mount goes away when the test ends.
func mountTmpfs(t *testing.T, dir, size string) bool {
	if os.Geteuid() != 0 || os.Getenv("MAILKEEP_TEST_NO_MOUNT") != "" {
		return false
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount a tmpfs as root: %v: %s", err, out)
		}
		t.Logf("cannot mount a tmpfs (%v: %s); using SQLite's page limit instead", err, out)
		return false
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return true
}

func TestOpenOddFileNames(t *testing.T) {
	for _, name := range []string{"a?b.mailkeep", "c#d.mailkeep", "e%20f.mailkeep", "Müller ä.mailkeep", "x&mode=ro.mailkeep"} {
		dir := t.TempDir()
		path := filepath.Join(dir, name)
		fillArchive(t, path, 2)
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if len(names) != 1 || names[0] != name {
			t.Errorf("archive %q was written as %q", name, names)
		}
	}
}
