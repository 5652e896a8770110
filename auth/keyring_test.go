package auth

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// The keyring tests talk to a real gnome-keyring-daemon on a private D-Bus
// session bus that the test starts (so a developer's own keyring is never
// touched). godbus keeps one session-bus connection per process, so each
// check runs in a child process of the test binary pointed at its bus.

const keyringChildEnv = "MAILKEEP_KEYRING_CHILD"

// requireTool fails in CI and skips elsewhere when an external program is missing.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (CI must have it: scripts/deps.sh test)", name)
		}
		t.Skipf("%s is not installed: install the Debian packages dbus and gnome-keyring to run this test", name)
	}
	return path
}

// startBus starts a private session bus without service activation (so no
// keyring is started behind the test's back) and returns its address.
func startBus(t *testing.T) string {
	t.Helper()
	daemon := requireTool(t, "dbus-daemon")
	dir, err := os.MkdirTemp("", "mk-bus") // short: socket paths are limited to 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	conf := filepath.Join(dir, "bus.conf")
	err = os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=`+filepath.Join(dir, "bus")+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(daemon, "--config-file="+conf, "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	return strings.TrimSpace(addr)
}

// startGnomeKeyring runs gnome-keyring-daemon (secrets only, login keyring
// unlocked) on the bus and waits until it owns org.freedesktop.secrets.
func startGnomeKeyring(t *testing.T, bus string) {
	t.Helper()
	daemon := requireTool(t, "gnome-keyring-daemon")
	home := t.TempDir()
	run := filepath.Join(home, "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(daemon, "--foreground", "--unlock", "--components=secrets", "--control-directory="+run)
	cmd.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+bus, "HOME="+home,
		"XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_RUNTIME_DIR="+run, "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
	cmd.Stdin = strings.NewReader("mailkeep-test-unlock") // must not be empty, or no login keyring is made
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	conn, err := dbus.Connect(bus)
	if err != nil {
		t.Fatalf("connecting to the test bus: %v", err)
	}
	defer conn.Close()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var has bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.freedesktop.secrets").Store(&has)
		if err == nil && has {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gnome-keyring-daemon did not appear on the bus (last error: %v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runChild runs one child test of this binary on the given bus.
func runChild(t *testing.T, name, bus string, extraEnv ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.v", "-test.count=1")
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "DBUS_SESSION_BUS_ADDRESS=") {
			env = append(env, e)
		}
	}
	cmd.Env = append(env, keyringChildEnv+"=1", "DBUS_SESSION_BUS_ADDRESS="+bus, "HOME="+t.TempDir())
	cmd.Env = append(cmd.Env, extraEnv...)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+name) {
		t.Fatalf("child %s on bus %s: %v\n%s", name, bus, err, out)
	}
	if testing.Verbose() {
		t.Logf("child %s:\n%s", name, out)
	}
	return string(out)
}

func childOnly(t *testing.T) {
	if os.Getenv(keyringChildEnv) != "1" {
		t.Skip("runs as a child process of TestKeyring*")
	}
}

func TestKeyringRealGnomeKeyring(t *testing.T) {
	bus := startBus(t)
	startGnomeKeyring(t, bus)
	requireTool(t, "secret-tool")
	runChild(t, "TestKeyringChildRoundTrip", bus)
}

func TestKeyringChildRoundTrip(t *testing.T) {
	childOnly(t)
	ctx := context.Background()
	k := Keyring{Timeout: 20 * time.Second}
	key := EntraKey("8B5A1B7E-2a4f-4c2e-9d3e-1f2a3b4c5d6e", "0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00")
	if key != "entra:8b5a1b7e-2a4f-4c2e-9d3e-1f2a3b4c5d6e/0b8e6a4c-5f8d-4d6e-9f2a-1c3b5d7e9f00" {
		t.Errorf("EntraKey = %q", key)
	}
	if _, err := k.Get(ctx, key); !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("Get before Set: %v, want ErrSecretNotFound", err)
	}
	first, second := "abc8Q~first.secret-value_ünïcode", "xyz8Q~second.secret-value"
	if err := k.Set(ctx, key, first); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if got, err := k.Get(ctx, key); err != nil || got != first {
		t.Fatalf("Get = %q, %v; want the first secret", got, err)
	}
	if err := k.Set(ctx, key, second); err != nil {
		t.Fatalf("Set (replace): %v", err)
	}
	if got, err := k.Get(ctx, key); err != nil || got != second {
		t.Fatalf("Get after replace = %q, %v", got, err)
	}
	// Another Secret Service client sees the same item (one item, replaced).
	out, err := exec.Command("secret-tool", "lookup", "service", KeyringService, "username", key).Output()
	if err != nil || string(out) != second {
		t.Errorf("secret-tool lookup = %q, %v", out, err)
	}
	out, _ = exec.Command("secret-tool", "search", "--all", "service", KeyringService).CombinedOutput()
	if n := strings.Count(string(out), "[/"); n != 1 {
		t.Errorf("secret-tool search found %d items, want 1:\n%s", n, out)
	}
	if got, err := (SecretRef{Keyring: key}).Resolve(ctx, k); err != nil || got != second {
		t.Errorf("SecretRef.Resolve = %q, %v", got, err)
	}
	pw := PasswordKey("Me@Example.org", "IMAP.Example.org")
	if pw != "password:Me@Example.org@imap.example.org" {
		t.Errorf("PasswordKey = %q", pw)
	}
	if err := k.Set(ctx, pw, "hunter2"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete(ctx, key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := k.Get(ctx, key); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
	if err := k.Delete(ctx, key); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("second Delete: %v", err)
	}
	if got, err := k.Get(ctx, pw); err != nil || got != "hunter2" {
		t.Errorf("the other secret after Delete: %q, %v", got, err)
	}
	_, err = (SecretRef{Keyring: key}).Resolve(ctx, k)
	if !errors.Is(err, ErrSecretNotFound) || !strings.Contains(err.Error(), "--secret-stdin") {
		t.Errorf("Resolve of a deleted secret: %v", err)
	}
}

func TestKeyringNoSecretService(t *testing.T) {
	for _, tt := range []struct{ name, bus string }{
		{"bus without Secret Service", startBus(t)},
		{"no bus", "unix:path=/nonexistent/mailkeep-test-bus"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			runChild(t, "TestKeyringChildNoKeyring", tt.bus)
		})
	}
}

func TestKeyringChildNoKeyring(t *testing.T) {
	childOnly(t)
	ctx := context.Background()
	k := Keyring{Timeout: 20 * time.Second}
	secret := "abc8Q~never-shown-secret"
	err := k.Set(ctx, EntraKey("t", "c"), secret)
	var nk *NoKeyringError
	if !errors.As(err, &nk) {
		t.Fatalf("Set without a keyring: %T %v, want *NoKeyringError", err, err)
	}
	msg := err.Error()
	for _, want := range []string{"no usable OS keyring", "--secret-env"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, secret) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), secret) {
		t.Errorf("the error shows the secret")
	}
	t.Logf("message: %s", msg)
	if _, err := k.Get(ctx, EntraKey("t", "c")); !errors.As(err, &nk) || errors.Is(err, ErrSecretNotFound) {
		t.Errorf("Get without a keyring: %v", err)
	}
	if err := k.Delete(ctx, EntraKey("t", "c")); !errors.As(err, &nk) {
		t.Errorf("Delete without a keyring: %v", err)
	}
	a := ExplainTokenError(err, EntraConfig{})
	if a.Step != StepSecret || !strings.Contains(a.Fix, "--secret-env") {
		t.Errorf("advice: %+v", a)
	}
	// The environment works where the keyring does not.
	t.Setenv("MAILKEEP_TEST_SECRET", secret)
	if got, err := (SecretRef{Env: "MAILKEEP_TEST_SECRET"}).Resolve(ctx, k); err != nil || got != secret {
		t.Errorf("SecretRef{Env}.Resolve = %v", err)
	}
}

// blockingKeyring never answers, like a keyring waiting for a desktop prompt.
type blockingKeyring struct{ release chan struct{} }

func (b blockingKeyring) Set(string, string, string) error { <-b.release; return nil }
func (b blockingKeyring) Get(string, string) (string, error) {
	<-b.release
	return "", nil
}
func (b blockingKeyring) Delete(string, string) error { <-b.release; return nil }

func TestKeyringTimeout(t *testing.T) {
	b := blockingKeyring{release: make(chan struct{})}
	defer close(b.release)
	k := Keyring{Timeout: 30 * time.Millisecond, backend: b}
	_, err := k.Get(context.Background(), "x")
	var kt *KeyringTimeoutError
	if !errors.As(err, &kt) || !strings.Contains(err.Error(), "unlock") {
		t.Fatalf("Get on a blocked keyring: %v", err)
	}
	if a := ExplainTokenError(err, EntraConfig{}); a.Step != StepSecret || !strings.Contains(a.Problem, "locked") {
		t.Errorf("advice: %+v", a)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	k.Timeout = time.Hour
	if err := k.Set(ctx, "x", "y"); !errors.Is(err, context.Canceled) {
		t.Errorf("Set with a cancelled context: %v", err)
	}
}

func TestSecretRef(t *testing.T) {
	ctx := context.Background()
	k := Keyring{backend: blockingKeyring{}} // never reached
	for _, r := range []SecretRef{{}, {Keyring: "a", Env: "B"}, {Env: "1BAD"}, {Env: "A-B"}} {
		if _, err := r.Resolve(ctx, k); err == nil {
			t.Errorf("Resolve(%+v) succeeded", r)
		}
	}
	t.Setenv("MAILKEEP_EMPTY", "")
	if _, err := (SecretRef{Env: "MAILKEEP_EMPTY"}).Resolve(ctx, k); !errors.Is(err, ErrSecretNotFound) || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty variable: %v", err)
	}
	if _, err := (SecretRef{Env: "MAILKEEP_SURELY_UNSET_VAR"}).Resolve(ctx, k); !errors.Is(err, ErrSecretNotFound) || !strings.Contains(err.Error(), "not set") {
		t.Errorf("unset variable: %v", err)
	}
	if s := (SecretRef{Env: "X"}).String(); s != "environment variable X" {
		t.Errorf("String = %q", s)
	}
}
