//go:build cgo && linux

package main

import (
	"context"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/app/apptest"
)

// windowsExeVar names the mailkeep.exe the Wine test runs: dist/mailkeep.exe
// from `make windows`. The test does not build it: a cold cross-compile of
// the GUI with mingw takes 5 to 6 minutes on a 2-core machine.
const windowsExeVar = "MAILKEEP_WINDOWS_EXE"

// TestWindowsAppUnderWine starts the Windows tray app (mailkeep.exe, as
// `make windows` builds it) under Wine on an X server of its own: on a
// fresh archive its setup window "Mailkeep — set up" must open and show
// something (a screenshot lands in the test's folder), and a second start
// brings it forward and ends; on a display without
// OpenGL it must say so in a message box and end with status 1, instead of
// sitting in the tray with no window.
func TestWindowsAppUnderWine(t *testing.T) {
	exe := os.Getenv(windowsExeVar)
	if exe == "" {
		msg := windowsExeVar + " is not set: build the Windows app with `make windows` and run this test with " +
			windowsExeVar + "=$PWD/dist/mailkeep.exe"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	exe, err := filepath.Abs(exe)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("%s=%s (a relative path counts from cmd/mailkeep, where go test runs): %v", windowsExeVar, exe, err)
	}
	d := apptest.StartDesktop(t)
	start := time.Now()
	wine := newWinePrefix(t, d.Display)
	t.Logf("Wine prefix made and the ProcessPrng shim installed in %v", time.Since(start).Round(10*time.Millisecond))

	t.Run("setup window", func(t *testing.T) {
		app := wine.command(context.Background(), d.Display, "wine", exe, "--verbose")
		log := filepath.Join(t.TempDir(), "mailkeep.log")
		wine.start(t, app, log)
		start := time.Now()
		win := d.Window("^Mailkeep — set up$")
		t.Logf("the setup window opened %v after the start", time.Since(start).Round(10*time.Millisecond))
		// Wine maps the window before Fyne has drawn into it.
		time.Sleep(2 * time.Second)
		shot := filepath.Join(t.TempDir(), "wine-setup.png")
		d.Screenshot(win, shot)
		t.Logf("screenshot: %s", shot)
		if n := colours(t, shot); n < 5 {
			text, _ := os.ReadFile(log)
			t.Errorf("the setup window shows %d colours: nothing drawn (OpenGL under Wine?); mailkeep's log:\n%s", n, text)
		}

		// A second start asks the first to come forward and ends, under
		// Wine too, which has no Unix sockets.
		second := wine.command(context.Background(), d.Display, "wine", exe)
		secondLog := filepath.Join(t.TempDir(), "second.log")
		wine.start(t, second, secondLog)
		stop(t, second, secondLog, func(err error) {
			text, _ := os.ReadFile(secondLog)
			if err != nil || !strings.Contains(string(text), "already running") {
				t.Errorf("second start: %v, output:\n%s\nwant exit 0 saying Mailkeep is already running", err, text)
			}
		})
		stop(t, app, log, nil)
	})

	t.Run("no OpenGL", func(t *testing.T) {
		display := startXvfb(t, "-screen", "0", "1024x700x24", "-extension", "GLX")
		app := wine.command(context.Background(), display, "wine", exe, "--verbose")
		log := filepath.Join(t.TempDir(), "mailkeep.log")
		wine.start(t, app, log)
		var box string
		if !apptest.WaitUntil(time.Minute, func() bool {
			out, _ := wine.command(context.Background(), display, "xdotool", "search", "--onlyvisible", "--name", "^"+noWindowTitle+"$").Output()
			box = strings.TrimSpace(string(out))
			return box != ""
		}) {
			text, _ := os.ReadFile(log)
			t.Fatalf("no message box %q on a display without OpenGL; mailkeep's log:\n%s", noWindowTitle, text)
		}
		// The message box's OK button has the focus.
		if out, err := wine.command(context.Background(), display, "xdotool", "key", "--window", box, "Return").CombinedOutput(); err != nil {
			t.Fatalf("xdotool key Return: %v\n%s", err, out)
		}
		var exit *exec.ExitError
		stop(t, app, log, func(err error) {
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Errorf("after OK in the message box: %v, want exit status 1", err)
			}
		})
	})
}

// colours counts the distinct colours of a PNG file, up to 1,000.
func colours(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y && len(seen) < 1000; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

// stop waits up to a minute for app to end when check is given (which then
// judges how it ended), else ends it; either way it must be gone within a
// minute, or the test fails showing log, app's output.
func stop(t *testing.T, app *exec.Cmd, log string, check func(error)) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- app.Wait() }()
	if check == nil {
		// Wine ends a Windows program on SIGTERM to its process.
		app.Process.Signal(syscall.SIGTERM)
	}
	select {
	case err := <-done:
		if check != nil {
			check(err)
		}
	case <-time.After(time.Minute):
		app.Process.Kill()
		<-done
		text, _ := os.ReadFile(log)
		t.Fatalf("mailkeep.exe %q did not end within a minute; its output:\n%s", app.Args[2:], text)
	}
}

// winePrefix is a private Wine prefix whose Windows has the ProcessPrng shim
// (scripts/wine), so that Go programs start; cmd/mailkeep-cli's Wine test
// makes its own the same way.
type winePrefix struct {
	env []string
	dir string // working folder of the programs
}

// newWinePrefix makes a prefix in a temporary folder, its desktop on
// display, and stops its wineserver when the test ends. A prefix booted
// without a display cannot open windows later ("no driver could be
// loaded"), even for programs started with one.
func newWinePrefix(t *testing.T, display string) *winePrefix {
	t.Helper()
	for _, tool := range []string{"wine", "wineboot", "wineserver", "x86_64-w64-mingw32-gcc"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := tool + " is missing, so the Windows app cannot be run under Wine: install it with scripts/deps.sh windows (make test does)"
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	tmp := t.TempDir()
	p := &winePrefix{dir: filepath.Join(tmp, "work")}
	prefix := filepath.Join(tmp, "prefix")
	for _, d := range []string{p.dir, prefix, filepath.Join(tmp, "home")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	p.env = []string{
		"WINEPREFIX=" + prefix,
		"WINEDEBUG=err+all,fixme-all",
		// No Mono or Gecko: they are not installed, and wineboot would ask for them.
		"WINEDLLOVERRIDES=mscoree,mshtml=",
		"HOME=" + filepath.Join(tmp, "home"),
		"PATH=" + os.Getenv("PATH"),
		"LANG=C.UTF-8",
		"TZ=UTC",
	}
	t.Cleanup(func() {
		p.command(context.Background(), display, "wineserver", "-k").Run()
		p.command(context.Background(), display, "wineserver", "-w").Run()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// A wineserver that stays up until the cleanup's -k, started before
	// wineboot (which would start one that ends a few seconds after the
	// last program).
	if err := p.command(ctx, display, "wineserver", "-p").Run(); err != nil {
		t.Fatalf("wineserver -p: %v", err)
	}
	// The programs wineboot starts keep their output open: it goes to a file.
	boot := p.command(ctx, display, "wineboot", "-i")
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
	shim := filepath.Join("..", "..", "scripts", "wine")
	build := exec.CommandContext(ctx, "x86_64-w64-mingw32-gcc", "-shared", "-O2", "-nostdlib", "-Wall", "-Wextra", "-Werror",
		"-Wl,--entry,DllMain", "-o", dll,
		filepath.Join(shim, "processprng.c"), filepath.Join(shim, "bcryptprimitives.def"), "-ladvapi32", "-lkernel32")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the ProcessPrng shim: %v\n%s", err, out)
	}
	return p
}

// command is a program in the prefix, on display.
func (p *winePrefix) command(ctx context.Context, display, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(p.env[:len(p.env):len(p.env)], "DISPLAY="+display)
	cmd.Dir = p.dir
	return cmd
}

// start starts cmd with its output in the file log (not a pipe: the
// Windows services Wine starts beside a program inherit its output and
// outlive it).
func (p *winePrefix) start(t *testing.T, cmd *exec.Cmd, log string) {
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
