package storetest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// RealWorld returns the paths of every message file of the real-world corpus,
// <module root>/../shared/corpus/real-world/ (leaving out each source's SOURCE.md
// and LICENSE.upstream), sorted. When the folder is missing the test fails in CI
// (CI=true) and is skipped elsewhere.
func RealWorld(t testing.TB) []string {
	t.Helper()
	dir, err := RealWorldDir()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the real-world mail corpus is missing: %v", err)
		}
		t.Skipf("skipped: the real-world mail corpus is missing (%v); put it at ../shared/corpus/real-world next to the module to run this test", err)
	}
	var paths []string
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && d.Name() != "SOURCE.md" && d.Name() != "LICENSE.upstream" {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read the real-world corpus: %v", err)
	}
	if len(paths) == 0 {
		t.Fatalf("the real-world corpus at %s holds no files", dir)
	}
	return paths
}

// RealWorldDir finds the real-world corpus: ../shared/corpus/real-world
// relative to the module root (the nearest folder above the working
// directory that holds go.mod).
func RealWorldDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(d, "..", "shared", "corpus", "real-world")
			st, err := os.Stat(dir)
			if err != nil {
				return "", err
			}
			if !st.IsDir() {
				return "", errors.New(dir + " is not a folder")
			}
			return filepath.Clean(dir), nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("no go.mod above " + wd)
		}
	}
}
