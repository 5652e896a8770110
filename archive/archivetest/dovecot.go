// Package archivetest starts real mail servers for tests, like net/http/httptest
// does for HTTP: a Dovecot 2.3 with IMAP, IMAPS, POP3 and POP3S on free
// loopback ports, its own test CA, password users and XOAUTH2 users checked
// against a test identity provider.
//
//	d := archivetest.StartDovecot(t, archivetest.DovecotOptions{})
//	d.AddPasswordUser("alice", "secret")
//	d.Deliver("alice", "INBOX", raw)
//	// dial d.IMAPSAddr trusting d.CertPool()
//
// Dovecot must be installed (Debian: dovecot-imapd dovecot-pop3d
// dovecot-auth-lua curl) and the test must run as root, because Dovecot
// switches to its own users (dovenull for logins, dovecot for mail). Outside
// CI a missing requirement skips the test; with CI=true it fails it.
package archivetest

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// DovecotOptions configures StartDovecot.
type DovecotOptions struct {
	// ValidateURL is the test identity provider's token check
	// (GET ValidateURL?user=<mailbox>&service=<imap|pop3> with
	// "Authorization: Bearer <token>"; 200 "OK" grants). Empty: every bearer
	// token is refused.
	ValidateURL string
	// ValidateCAFile is a PEM file with the CA that signed ValidateURL's
	// certificate. Empty: curl does not verify it (-k).
	ValidateCAFile string
}

// Dovecot is one running Dovecot instance, stopped when its test ends.
type Dovecot struct {
	IMAPAddr  string // IMAP, plain text with STARTTLS
	IMAPSAddr string // IMAP over implicit TLS
	POP3Addr  string // POP3, plain text with STLS
	POP3SAddr string // POP3 over implicit TLS
	Dir       string // everything of this instance: config, log, mail

	// StartupTime is how long Dovecot took from exec until its four ports
	// accepted connections.
	StartupTime time.Duration

	t        testing.TB
	conf     string
	caPEM    []byte
	uid, gid int
	cmd      *exec.Cmd
	exited   chan struct{}
	stopOnce sync.Once

	mu       sync.Mutex // guards the fields below
	lastName int64      // last unique timestamp (µs) used in a Maildir file name
	seq      uint64
	folders  map[string]bool // Maildir folder directories known to exist
}

// Requirement names what a test needs from the machine, with the command that
// installs it.
const dovecotRequirement = "Dovecot with IMAP, POP3 and the Lua passdb, and curl " +
	"(apt-get install dovecot-imapd dovecot-pop3d dovecot-auth-lua curl), run as root"

// StartDovecot starts a Dovecot for t and stops it when t ends.
func StartDovecot(t testing.TB, opt DovecotOptions) *Dovecot {
	t.Helper()
	binary, curl := requireDovecot(t)

	dovecotUser, err := user.Lookup("dovecot")
	if err != nil {
		missing(t, "the system user dovecot: %v", err)
	}
	if _, err := user.Lookup("dovenull"); err != nil {
		missing(t, "the system user dovenull: %v", err)
	}
	uid, _ := strconv.Atoi(dovecotUser.Uid)
	gid, _ := strconv.Atoi(dovecotUser.Gid)

	dir := t.TempDir()
	if err := makeTraversable(dir); err != nil {
		t.Fatalf("archivetest: %v", err)
	}
	d := &Dovecot{
		Dir:     dir,
		t:       t,
		conf:    filepath.Join(dir, "dovecot.conf"),
		uid:     uid,
		gid:     gid,
		folders: map[string]bool{},
	}
	if err := d.writeFiles(opt, curl); err != nil {
		t.Fatalf("archivetest: prepare Dovecot: %v", err)
	}

	// Free ports are found by binding :0 and closing again; another process
	// can take one in between, so a start that loses that race is retried.
	for attempt := 1; ; attempt++ {
		err := d.start(binary)
		if err == nil {
			break
		}
		if attempt == 3 || !strings.Contains(d.Log(), "Address already in use") {
			t.Logf("dovecot log:\n%s", d.Log())
			t.Fatalf("archivetest: start Dovecot: %v", err)
		}
	}
	t.Cleanup(func() {
		d.stop()
		if t.Failed() {
			t.Logf("dovecot log (%s):\n%s", d.Dir, d.Log())
		}
	})
	return d
}

func requireDovecot(t testing.TB) (dovecot, curl string) {
	t.Helper()
	if os.Geteuid() != 0 {
		missing(t, "root (Dovecot only drops to its own users when started as root)")
	}
	dovecot, err := exec.LookPath("dovecot")
	if err != nil {
		dovecot = "/usr/sbin/dovecot"
		if _, err := os.Stat(dovecot); err != nil {
			missing(t, "the dovecot binary")
		}
	}
	for _, module := range []string{"/usr/lib/dovecot/imap", "/usr/lib/dovecot/pop3", "/usr/lib/dovecot/modules/auth/libauthdb_lua.so"} {
		if _, err := os.Stat(module); err != nil {
			missing(t, "%s", module)
		}
	}
	curl, err = exec.LookPath("curl")
	if err != nil {
		missing(t, "curl")
	}
	return dovecot, curl
}

// missing ends the test for want of something on the machine: a skip on a
// developer's machine, a failure in CI.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf("archivetest: missing %s; this test needs %s", fmt.Sprintf(format, args...), dovecotRequirement)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// makeTraversable lets Dovecot's unprivileged users reach dir: t.TempDir
// makes it and its parent 0700.
func makeTraversable(dir string) error {
	tmp := filepath.Clean(os.TempDir())
	for p := filepath.Clean(dir); p != tmp && p != "/" && p != "."; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o011 != 0o011 {
			if err := os.Chmod(p, fi.Mode().Perm()|0o011); err != nil {
				return fmt.Errorf("let Dovecot's users reach %s: %w", p, err)
			}
		}
	}
	return nil
}

func (d *Dovecot) writeFiles(opt DovecotOptions, curl string) error {
	pki, err := newTestPKI()
	if err != nil {
		return err
	}
	d.caPEM = pki.caPEM
	for _, sub := range []string{"run", "state", "tls"} {
		if err := os.Mkdir(filepath.Join(d.Dir, sub), 0o755); err != nil {
			return err
		}
	}
	if err := os.Mkdir(filepath.Join(d.Dir, "mail"), 0o750); err != nil {
		return err
	}
	if err := os.Chown(filepath.Join(d.Dir, "mail"), d.uid, d.gid); err != nil {
		return err
	}
	files := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{"tls/ca.pem", pki.caPEM, 0o644},
		{"tls/server.pem", pki.certPEM, 0o644},
		{"tls/server.key", pki.keyPEM, 0o600},
		{"passwd", nil, 0o644},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(d.Dir, f.name), f.data, f.mode); err != nil {
			return err
		}
	}

	ports, err := freePorts(4)
	if err != nil {
		return err
	}
	d.IMAPAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))
	d.IMAPSAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1]))
	d.POP3Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[2]))
	d.POP3SAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[3]))

	var conf bytes.Buffer
	err = dovecotConfig.Execute(&conf, dovecotConfigData{
		Dir: d.Dir, ID: filepath.Base(d.Dir) + strconv.Itoa(ports[0]), UID: d.uid, GID: d.gid,
		IMAPPort: ports[0], IMAPSPort: ports[1], POP3Port: ports[2], POP3SPort: ports[3],
	})
	if err != nil {
		return err
	}
	if err := os.WriteFile(d.conf, conf.Bytes(), 0o644); err != nil {
		return err
	}

	var lua bytes.Buffer
	err = authLua.Execute(&lua, authLuaData{
		URL: luaString(opt.ValidateURL), CAFile: luaString(opt.ValidateCAFile), Curl: luaString(curl),
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(d.Dir, "auth.lua"), lua.Bytes(), 0o644)
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// start runs Dovecot in the foreground and waits until its ports accept
// connections.
func (d *Dovecot) start(binary string) error {
	os.Remove(filepath.Join(d.Dir, "dovecot.log"))
	begin := time.Now()
	cmd := exec.Command(binary, "-F", "-c", d.conf)
	cmd.Dir = d.Dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()

	deadline := time.Now().Add(20 * time.Second)
	for _, addr := range []string{d.IMAPAddr, d.IMAPSAddr, d.POP3Addr, d.POP3SAddr} {
		for {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-exited:
				return fmt.Errorf("dovecot exited at start (%v): %s", cmd.ProcessState, strings.TrimSpace(out.String()))
			case <-time.After(5 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				<-exited
				return fmt.Errorf("dovecot did not listen on %s within 20 s", addr)
			}
		}
	}
	d.StartupTime = time.Since(begin)
	d.cmd, d.exited = cmd, exited
	return nil
}

func (d *Dovecot) stop() {
	d.stopOnce.Do(func() {
		if d.cmd == nil {
			return
		}
		d.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-d.exited:
		case <-time.After(10 * time.Second):
			d.cmd.Process.Kill()
			<-d.exited
		}
	})
}

// Stop stops Dovecot now (it is also stopped when the test ends), for tests
// that need a server that went away.
func (d *Dovecot) Stop() { d.stop() }

// Log returns Dovecot's log so far.
func (d *Dovecot) Log() string {
	b, err := os.ReadFile(filepath.Join(d.Dir, "dovecot.log"))
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	return string(b)
}

// CAPEM returns the PEM of the CA that signed Dovecot's certificate.
func (d *Dovecot) CAPEM() []byte { return bytes.Clone(d.caPEM) }

// CAFile returns the path of a PEM file holding Dovecot's CA.
func (d *Dovecot) CAFile() string { return filepath.Join(d.Dir, "tls", "ca.pem") }

// CertPool returns a pool that trusts Dovecot's certificate (valid for
// 127.0.0.1, ::1 and localhost).
func (d *Dovecot) CertPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(d.caPEM)
	return pool
}

// AddPasswordUser lets user sign in with pass (PLAIN, LOGIN, USER/PASS).
func (d *Dovecot) AddPasswordUser(user, pass string) {
	d.t.Helper()
	if strings.ContainsAny(user, ":\r\n\x00") || strings.ContainsAny(pass, ":\r\n\x00") || user == "" {
		d.t.Fatalf("archivetest: AddPasswordUser(%q): user and password must be non-empty without ':' or line breaks", user)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	f, err := os.OpenFile(filepath.Join(d.Dir, "passwd"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		d.t.Fatalf("archivetest: %v", err)
	}
	defer f.Close()
	if _, err := fmt.Fprintf(f, "%s:%s\n", user, pass); err != nil {
		d.t.Fatalf("archivetest: %v", err)
	}
}

// Doveadm runs doveadm against this instance and returns its output.
func (d *Dovecot) Doveadm(args ...string) (string, error) {
	cmd := exec.Command("doveadm", append([]string{"-c", d.conf}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return string(out), fmt.Errorf("doveadm %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
		}
		return string(out), fmt.Errorf("doveadm %s: %w", strings.Join(args, " "), err)
	}
	return string(out), nil
}

// SetUIDValidity gives folder a new UIDVALIDITY, as a server does when it
// rebuilds a folder: every UID a client kept for it is void.
func (d *Dovecot) SetUIDValidity(user, folder string, uidValidity uint32) {
	d.t.Helper()
	d.CreateFolder(user, folder)
	if _, err := d.Doveadm("mailbox", "update", "-u", user, "--uid-validity", strconv.FormatUint(uint64(uidValidity), 10), folder); err != nil {
		d.t.Fatalf("archivetest: SetUIDValidity: %v", err)
	}
}

// UIDValidity returns folder's UIDVALIDITY as Dovecot reports it.
func (d *Dovecot) UIDValidity(user, folder string) uint32 {
	d.t.Helper()
	out, err := d.Doveadm("-f", "flow", "mailbox", "status", "-u", user, "uidvalidity", folder)
	if err != nil {
		d.t.Fatalf("archivetest: UIDValidity: %v", err)
	}
	_, value, _ := strings.Cut(strings.TrimSpace(out), "uidvalidity=")
	v, err := strconv.ParseUint(value, 10, 32)
	if err != nil {
		d.t.Fatalf("archivetest: UIDValidity: unexpected doveadm output %q", out)
	}
	return uint32(v)
}
