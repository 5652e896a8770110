//go:build unix

package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestImportUnreadablePaths gives Import paths it cannot read. Permissions do
// not stop root (which runs these tests here), so the paths are ones that no
// one can read: missing, links to nothing, link loops, pipes.
func TestImportUnreadablePaths(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"ok/a.eml": "Subject: a\n\na\n", "file.eml": "Subject: f\n\nf\n"})
	ok := filepath.Join(dir, "ok")
	dangling := filepath.Join(dir, "dangling.eml")
	if err := os.Symlink(filepath.Join(dir, "gone.eml"), dangling); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	// A folder that holds a dangling link: found while walking.
	walked := filepath.Join(dir, "walked")
	writeFiles(t, walked, map[string]string{"a.eml": "Subject: w\n\nw\n"})
	if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(walked, "b.eml")); err != nil {
		t.Fatal(err)
	}
	// A folder holding a pipe and a link to a folder: both left out.
	quiet := filepath.Join(dir, "quiet")
	writeFiles(t, quiet, map[string]string{"a.eml": "Subject: q\n\nq\n"})
	if err := syscall.Mkfifo(filepath.Join(quiet, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(ok, filepath.Join(quiet, "link-to-folder")); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		path     string
		wantPath string
		want     string // in the error message
	}{
		{"missing", filepath.Join(dir, "missing.mbox"), filepath.Join(dir, "missing.mbox"), "does not exist"},
		{"dangling link", dangling, dangling, "is a link to " + filepath.Join(dir, "gone.eml") + ", which does not exist"},
		{"link loop", loop, loop, "loop of links"},
		{"file used as a folder", filepath.Join(dir, "file.eml", "x.eml"), filepath.Join(dir, "file.eml", "x.eml"), "is a file, not a folder"},
		{"named pipe", fifo, fifo, "it is a named pipe"},
		{"dangling link found in a folder", walked, filepath.Join(walked, "b.eml"), "which does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			// The good path first: nothing may be imported when a later one is bad.
			stats, err := s.Import(context.Background(), []string{ok, tc.path}, nil)
			t.Log(err)
			var pe *ImportPathError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want an *ImportPathError", err, err)
			}
			if pe.Path != tc.wantPath {
				t.Errorf("error names %q, want %q", pe.Path, tc.wantPath)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.wantPath) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if stats.Read != 0 || len(importedLocations(t, s)) != 0 {
				t.Errorf("something was imported before the error: %+v", stats)
			}
		})
	}
	t.Run("pipe and link to a folder inside a folder are left out", func(t *testing.T) {
		s := openTemp(t)
		stats, err := s.Import(context.Background(), []string{quiet}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if stats.Read != 1 || stats.Skipped != 2 {
			t.Errorf("stats %+v, want 1 read and 2 skipped", stats)
		}
	})
	t.Run("nothing given", func(t *testing.T) {
		s := openTemp(t)
		if _, err := s.Import(context.Background(), nil, nil); err == nil {
			t.Fatal("no error for no paths")
		}
	})
}
