// Package winetest runs Windows programs under Wine in tests, so that the
// Windows builds Mailkeep ships are programs that ran: a private Wine prefix
// in a temporary folder, with its own HOME, whose Windows has the
// ProcessPrng shim Go programs need under Wine 8 (Debian 12), built from
// scripts/wine with mingw.
//
// A missing wine or mingw skips the test on a developer's machine and fails
// it in CI (CI=true).
package winetest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/internal/buildtest"
)

// Options say how to make a prefix.
type Options struct {
	// Display is the X display the prefix's programs open windows on;
	// empty for programs without windows. A prefix booted without a
	// display cannot open windows later, even for programs started with
	// one.
	Display string
	// Debug is WINEDEBUG (empty: "-all", Wine says nothing).
	Debug string
}

// Prefix is a private Wine prefix. Its wineserver stays up until the test
// ends, which makes each program start in a tenth of the time.
type Prefix struct {
	env []string
	// Dir is the programs' working folder.
	Dir string
}

// New makes a prefix in a temporary folder, installs the ProcessPrng shim,
// and stops the prefix's wineserver when the test ends.
func New(t testing.TB, opt Options) *Prefix {
	t.Helper()
	for _, tool := range []string{"wine", "wineboot", "wineserver", "x86_64-w64-mingw32-gcc"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := tool + " is missing, so Windows programs cannot be run under Wine: install it with scripts/deps.sh windows (make test does)"
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	tmp := t.TempDir()
	p := &Prefix{Dir: filepath.Join(tmp, "work")}
	prefix := filepath.Join(tmp, "prefix")
	for _, d := range []string{p.Dir, prefix, filepath.Join(tmp, "home")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	debug := opt.Debug
	if debug == "" {
		debug = "-all"
	}
	p.env = []string{
		"WINEPREFIX=" + prefix,
		"WINEDEBUG=" + debug,
		// No Mono or Gecko: they are not installed, and wineboot would ask for them.
		"WINEDLLOVERRIDES=mscoree,mshtml=",
		"HOME=" + filepath.Join(tmp, "home"),
		"PATH=" + os.Getenv("PATH"),
		// Wine turns arguments into UTF-16 by the locale: non-ASCII ones
		// need a UTF-8 locale.
		"LANG=C.UTF-8",
		"TZ=UTC",
	}
	if opt.Display != "" {
		p.env = append(p.env, "DISPLAY="+opt.Display)
	}
	t.Cleanup(func() {
		// Stop the wineserver (and the services wineboot started) before
		// the folder goes.
		p.Command(context.Background(), "wineserver", "-k").Run()
		p.Command(context.Background(), "wineserver", "-w").Run()
	})

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// A wineserver that stays up until the cleanup's -k, started before
	// wineboot (which would start one that ends seconds after the last
	// program). Its output goes nowhere: a pipe would stay open as long as
	// the server.
	if err := p.Command(ctx, "wineserver", "-p").Run(); err != nil {
		t.Fatalf("wineserver -p: %v", err)
	}
	// The programs wineboot starts keep their output open: it goes to a file.
	boot := p.Command(ctx, "wineboot", "-i")
	bootLog := filepath.Join(tmp, "wineboot.log")
	if f, err := os.Create(bootLog); err == nil {
		boot.Stdout, boot.Stderr = f, f
		defer f.Close()
	}
	if err := boot.Run(); err != nil {
		out, _ := os.ReadFile(bootLog)
		t.Fatalf("wineboot -i: %v\n%s", err, out)
	}
	dll := filepath.Join(prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	if _, err := os.Stat(filepath.Dir(dll)); err != nil {
		t.Fatalf("wineboot made no system32 folder: %v", err)
	}
	shim := shimSource(t)
	build := exec.CommandContext(ctx, "x86_64-w64-mingw32-gcc", "-shared", "-O2", "-nostdlib", "-Wall", "-Wextra", "-Werror",
		"-Wl,--entry,DllMain", "-o", dll,
		filepath.Join(shim, "processprng.c"), filepath.Join(shim, "bcryptprimitives.def"), "-ladvapi32", "-lkernel32")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the ProcessPrng shim: %v\n%s", err, out)
	}
	return p
}

// shimSource is scripts/wine, the shim's source, in the module's folder.
func shimSource(t testing.TB) string {
	dir := filepath.Join(buildtest.ModuleRoot(t), "scripts", "wine")
	if _, err := os.Stat(filepath.Join(dir, "processprng.c")); err != nil {
		t.Fatalf("the ProcessPrng shim's source is missing: %v", err)
	}
	return dir
}

// Command is a program run in the prefix: "wine", a Windows program and its
// arguments, or one of Wine's tools. Append to its Env to change a variable
// (DISPLAY, for another display).
func (p *Prefix) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = p.env[:len(p.env):len(p.env)]
	cmd.Dir = p.Dir
	return cmd
}

// Start starts cmd with its output in the file log, and kills it when the
// test ends if it still runs. The output goes to a file, not a pipe: the
// Windows services Wine starts beside a program inherit its output and
// outlive it, so a pipe would stay open until the wineserver ends.
func (p *Prefix) Start(t testing.TB, cmd *exec.Cmd, log string) {
	t.Helper()
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	f.Close()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	})
}

// Path is how a Windows program under Wine names the Linux path p: Wine
// maps drive Z: to /.
func Path(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }
