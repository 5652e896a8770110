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
	cmd.Dir = moduleRoot(t)
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

// moduleRoot is the folder of go.mod, found from this file.
func moduleRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("buildtest cannot tell where its source is, to find the module")
	}
	root := filepath.Join(filepath.Dir(file), "..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", root, err)
	}
	return root
}
