// Package apptest gives end-to-end tests of the tray app a desktop of their
// own: an X server (Xvfb) with nothing else on it, a private D-Bus session
// bus with an unlocked gnome-keyring, a StatusNotifierWatcher (so the tray
// icon registers for real) and a notification server that keeps what it is
// sent, and a keyboard and a camera — xdotool types and presses keys in
// windows, ImageMagick's import captures them.
//
// Nothing of the person running the tests is touched: HOME, XDG folders,
// the bus and the keyring are all fresh, and Cleanup ends every process.
// A missing program skips the test on a developer's machine and fails it in
// CI (CI=true).
package apptest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Requirement names the Debian packages the desktop needs.
const Requirement = "Debian packages xvfb dbus dbus-x11 gnome-keyring libsecret-tools " +
	"haskell-status-notifier-item-utils xdotool imagemagick (scripts/deps.sh e2e installs them)"

// Desktop is a running desktop session.
type Desktop struct {
	t       testing.TB
	Dir     string // HOME, XDG folders and logs live here
	Display string // ":N"
	Bus     string // DBUS_SESSION_BUS_ADDRESS
	procs   []*exec.Cmd
	notes   *notificationServer
}

// KeyringPassword unlocks the desktop's keyring.
const KeyringPassword = "mailkeep-e2e"

// StartDesktop starts Xvfb, a session bus, gnome-keyring, a notification
// server (Notifications) and a StatusNotifierWatcher, and ends them when
// the test ends.
func StartDesktop(t testing.TB) *Desktop {
	t.Helper()
	for _, prog := range []string{"Xvfb", "dbus-daemon", "gnome-keyring-daemon", "status-notifier-watcher", "xdotool", "import", "secret-tool"} {
		if _, err := exec.LookPath(prog); err != nil {
			missing(t, "the program %s", prog)
		}
	}
	d := &Desktop{t: t, Dir: t.TempDir()}
	for _, sub := range []string{"home", "config", "data", "cache", "runtime"} {
		if err := os.MkdirAll(filepath.Join(d.Dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(d.stop)

	// Xvfb picks a free display number and writes it to -displayfd.
	x := d.command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	x.Env = d.baseEnv()
	number := d.startReadingLine(x, true)
	d.Display = ":" + number

	bus := d.command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	bus.Env = d.baseEnv()
	d.Bus = d.startReadingLine(bus, false)

	// gnome-keyring reads its unlock password on stdin; in the foreground
	// it stays a child of the test, which ends it.
	kr := d.command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	kr.Env = d.Env()
	kr.Stdin = strings.NewReader(KeyringPassword)
	d.start(kr, "gnome-keyring.log")
	d.waitFor("gnome-keyring on the bus", func() bool {
		out, err := d.Output("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
			"/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets")
		return err == nil && strings.Contains(out, "boolean true")
	})

	d.startNotifications()

	w := d.command("status-notifier-watcher")
	w.Env = d.Env()
	d.start(w, "status-notifier-watcher.log")
	d.waitFor("the StatusNotifierWatcher on the bus", func() bool {
		out, err := d.Output("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
			"/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.kde.StatusNotifierWatcher")
		return err == nil && strings.Contains(out, "boolean true")
	})
	return d
}

// baseEnv is a clean environment: PATH and the desktop's own folders.
func (d *Desktop) baseEnv() []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + filepath.Join(d.Dir, "home"),
		"XDG_CONFIG_HOME=" + filepath.Join(d.Dir, "config"),
		"XDG_DATA_HOME=" + filepath.Join(d.Dir, "data"),
		"XDG_CACHE_HOME=" + filepath.Join(d.Dir, "cache"),
		"XDG_RUNTIME_DIR=" + filepath.Join(d.Dir, "runtime"),
		"LANG=C.UTF-8",
	}
}

// Env is the environment of a program on this desktop.
func (d *Desktop) Env() []string {
	return append(d.baseEnv(), "DISPLAY="+d.Display, "DBUS_SESSION_BUS_ADDRESS="+d.Bus)
}

func (d *Desktop) command(name string, args ...string) *exec.Cmd {
	return exec.Command(name, args...)
}

// Start starts a program on the desktop (its output goes to log, a file in
// Dir) and stops it when the test ends, if it is still running.
func (d *Desktop) Start(cmd *exec.Cmd, log string) {
	d.t.Helper()
	if cmd.Env == nil {
		cmd.Env = d.Env()
	}
	d.start(cmd, log)
}

func (d *Desktop) start(cmd *exec.Cmd, log string) {
	d.t.Helper()
	f, err := os.Create(filepath.Join(d.Dir, log))
	if err != nil {
		d.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		d.t.Fatalf("apptest: start %s: %v", cmd.Path, err)
	}
	f.Close()
	d.procs = append(d.procs, cmd)
}

// startReadingLine starts cmd and returns the first line it writes (to fd 3
// when viaFD3, else to stdout).
func (d *Desktop) startReadingLine(cmd *exec.Cmd, viaFD3 bool) string {
	d.t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		d.t.Fatal(err)
	}
	if viaFD3 {
		cmd.ExtraFiles = []*os.File{w}
	} else {
		cmd.Stdout = w
	}
	cmd.Stderr = nil
	if err := cmd.Start(); err != nil {
		d.t.Fatalf("apptest: start %s: %v", cmd.Path, err)
	}
	w.Close()
	d.procs = append(d.procs, cmd)
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
		// Keep draining, so the program never blocks on a full pipe.
		_, _ = bytes.NewBuffer(nil).ReadFrom(r)
	}()
	select {
	case s := <-line:
		if s == "" {
			d.t.Fatalf("apptest: %s said nothing", cmd.Path)
		}
		return s
	case <-time.After(30 * time.Second):
		d.t.Fatalf("apptest: %s did not start within 30 s", cmd.Path)
		return ""
	}
}

func (d *Desktop) stop() {
	for i := len(d.procs) - 1; i >= 0; i-- {
		p := d.procs[i]
		if p.Process != nil && p.ProcessState == nil {
			_ = p.Process.Signal(os.Interrupt)
			done := make(chan struct{})
			go func() { _ = p.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				_ = p.Process.Kill()
				<-done
			}
		}
	}
}

// Output runs a program on the desktop and returns what it printed.
func (d *Desktop) Output(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = d.Env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// Run runs a program on the desktop and fails the test if it fails.
func (d *Desktop) Run(name string, args ...string) string {
	d.t.Helper()
	out, err := d.Output(name, args...)
	if err != nil {
		d.t.Fatalf("apptest: %v", err)
	}
	return out
}

// waitFor polls ok until it holds, failing the test after a minute.
func (d *Desktop) waitFor(what string, ok func() bool) {
	d.t.Helper()
	if !WaitUntil(time.Minute, ok) {
		d.t.Fatalf("apptest: gave up waiting for %s", what)
	}
}

// WaitUntil polls ok every 100 ms until it holds (true) or limit has passed
// (false). The limit is a generous guard against hanging, not a measurement.
func WaitUntil(limit time.Duration, ok func() bool) bool {
	deadline := time.Now().Add(limit)
	for {
		if ok() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// missing ends the test for want of a program: a skip on a developer's
// machine, a failure in CI.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf("apptest: missing %s; this test needs %s", fmt.Sprintf(format, args...), Requirement)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Stop ends a program started with Start with SIGTERM, as a desktop does at
// logout, and fails the test unless it ends cleanly (status 0) within a
// minute.
func (d *Desktop) Stop(cmd *exec.Cmd) {
	d.t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		d.t.Fatalf("apptest: SIGTERM to %s: %v", cmd.Path, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			d.t.Errorf("apptest: %s after SIGTERM: %v, want a clean exit", filepath.Base(cmd.Path), err)
		}
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		<-done
		d.t.Fatalf("apptest: %s did not end within a minute of SIGTERM", filepath.Base(cmd.Path))
	}
}
