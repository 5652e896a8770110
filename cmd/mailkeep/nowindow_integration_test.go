//go:build cgo && linux

package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startXvfb starts an X server of its own with the extra arguments (a
// screen, extensions turned off) and returns its display; the test's end
// stops it. Without Xvfb the test fails in CI and is skipped elsewhere.
func startXvfb(t *testing.T, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		msg := "Xvfb is missing: install the Debian package xvfb (scripts/deps.sh e2e)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	x := exec.Command("Xvfb", append([]string{"-displayfd", "3", "-nolisten", "tcp"}, args...)...)
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatalf("Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() {
		x.Process.Kill()
		x.Wait()
	})
	number := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		number <- strings.TrimSpace(line)
	}()
	select {
	case n := <-number:
		if n == "" {
			t.Fatal("Xvfb did not start")
		}
		return ":" + n
	case <-time.After(30 * time.Second):
		t.Fatal("Xvfb did not start within 30 s")
		return ""
	}
}

// On a display without OpenGL (an X server without GLX) the window cannot
// be made. Fyne only logs that and carries on, so Mailkeep used to run on
// with no window and no word (under Wine, and on Windows without a graphics
// driver, with just its tray icon). Now it says why and ends with status 1,
// both for its first window and for its start-error window.
func TestNoOpenGL(t *testing.T) {
	display := startXvfb(t, "-screen", "0", "1024x700x24", "-extension", "GLX")
	bin := buildMailkeep(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"setup window", []string{"--db", filepath.Join(dir, "archive.mailkeep")}},
		// A folder is no archive file: Mailkeep shows its start error.
		{"start error window", []string{"--db", dir}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			cmd := exec.Command(bin, tc.args...)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "DISPLAY=" + display,
				"XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_RUNTIME_DIR=" + filepath.Join(home, "runtime"),
				"LANG=C.UTF-8"}
			out, err := os.Create(filepath.Join(t.TempDir(), "out"))
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			out.Close()
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err = <-done:
			case <-time.After(time.Minute):
				cmd.Process.Kill()
				<-done
				log, _ := os.ReadFile(out.Name())
				t.Fatalf("mailkeep still ran a minute later on a display without OpenGL, with no window; its log:\n%s", log)
			}
			log, _ := os.ReadFile(out.Name())
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Errorf("exit: %v, want status 1; log:\n%s", err, log)
			}
			if !strings.Contains(string(log), noWindowText("linux")) {
				t.Errorf("mailkeep did not say why its window did not open; log:\n%s", log)
			}
		})
	}
}
