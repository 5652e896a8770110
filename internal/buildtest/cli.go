// Package buildtest builds Mailkeep's programs for tests that run them as
// people do, with the flags scripts/package.sh ships them with, so that the
// packages built for a test and for a package are the same, compiled once.
package buildtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// CLI builds mailkeep-cli for goos ("linux", "windows") as package.sh
// does: without cgo, -trimpath, without symbols. It returns the program's
// path, in a temporary folder of the test.
func CLI(t testing.TB, goos string) string {
	t.Helper()
	name := "mailkeep-cli"
	if goos == "windows" {
		name += ".exe"
	}
	bin := filepath.Join(t.TempDir(), name)
	cmd := exec.Command(goTool(t), "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "./cmd/mailkeep-cli")
	cmd.Dir = ModuleRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH=amd64")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build mailkeep-cli for %s: %v\n%s", goos, err, out)
	}
	return bin
}

// goTool is the go command of the Go the tests run with.
func goTool(t testing.TB) string {
	t.Helper()
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err == nil {
		return gobin
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command to build with: %v", err)
	}
	return gobin
}

// ModuleRoot is the module's folder, where go.mod is: the test's working
// folder (its package's) or one above it. (Not found from this file's name:
// the suite builds with -trimpath, which leaves no folder in it.)
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod in the test's folder or above it")
		}
		dir = parent
	}
}
