//go:build cgo && linux && winegui

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
	"github.com/mailkeep/mailkeep/internal/winetest"
)

// windowsExeVar names the mailkeep.exe the Wine test runs: dist/mailkeep.exe
// from `make windows`. The test does not build it (a cold cross-compile of
// the GUI with mingw takes about 5 minutes on a 2-core machine) and is built
// only with the tag winegui: `make test-windows` builds the app and runs it.
const windowsExeVar = "MAILKEEP_WINDOWS_EXE"

// TestWindowsAppUnderWine starts the Windows tray app (mailkeep.exe, as
// `make windows` builds it) under Wine on an X server of its own: on a
// fresh archive its setup window "Mailkeep — set up" must open and show
// something (a screenshot lands in the test's folder), and a second start
// brings it forward and ends; on a display without OpenGL it must say so in
// a message box and end with status 1, instead of sitting in the tray with
// no window.
func TestWindowsAppUnderWine(t *testing.T) {
	exe := os.Getenv(windowsExeVar)
	if exe == "" {
		t.Fatal(windowsExeVar + " is not set: run this test with `make test-windows`, which builds the Windows app and sets it")
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
	wine := winetest.New(t, winetest.Options{Display: d.Display, Debug: "err+all,fixme-all"})
	t.Logf("Wine prefix made and the ProcessPrng shim installed in %v", time.Since(start).Round(10*time.Millisecond))

	t.Run("setup window", func(t *testing.T) {
		app := wine.Command(context.Background(), "wine", exe, "--verbose")
		log := filepath.Join(t.TempDir(), "mailkeep.log")
		wine.Start(t, app, log)
		start := time.Now()
		win := d.Window("^Mailkeep — set up$")
		t.Logf("the setup window opened %v after the start", time.Since(start).Round(10*time.Millisecond))
		// Wine maps the window before Fyne has drawn into it: a window
		// with something drawn has more than a few colours.
		shot := filepath.Join(e2eShots(t), "windows-setup.png")
		n := 0
		if !apptest.WaitUntil(30*time.Second, func() bool {
			d.Screenshot(win, shot)
			n = colours(t, shot)
			return n >= 5
		}) {
			text, _ := os.ReadFile(log)
			t.Errorf("after 30 s the setup window shows %d colours: nothing drawn (OpenGL under Wine?); mailkeep's log:\n%s", n, text)
		}
		t.Logf("screenshot: %s", shot)

		// A second start asks the first to come forward and ends, under
		// Wine too, which has no Unix sockets.
		second := wine.Command(context.Background(), "wine", exe)
		secondLog := filepath.Join(t.TempDir(), "second.log")
		wine.Start(t, second, secondLog)
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
		app := onDisplay(wine, display, "wine", exe, "--verbose")
		log := filepath.Join(t.TempDir(), "mailkeep.log")
		wine.Start(t, app, log)
		var box string
		if !apptest.WaitUntil(time.Minute, func() bool {
			out, _ := onDisplay(wine, display, "xdotool", "search", "--onlyvisible", "--name", "^"+noWindowTitle+"$").Output()
			box = strings.TrimSpace(string(out))
			return box != ""
		}) {
			text, _ := os.ReadFile(log)
			t.Fatalf("no message box %q on a display without OpenGL; mailkeep's log:\n%s", noWindowTitle, text)
		}
		// The message box's OK button has the focus.
		if out, err := onDisplay(wine, display, "xdotool", "key", "--window", box, "Return").CombinedOutput(); err != nil {
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

// onDisplay is a program of the prefix on another display than its own.
func onDisplay(p *winetest.Prefix, display, name string, args ...string) *exec.Cmd {
	cmd := p.Command(context.Background(), name, args...)
	cmd.Env = append(cmd.Env, "DISPLAY="+display)
	return cmd
}
