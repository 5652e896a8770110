package app

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// loopbackMarker starts the file that stands in for the instance socket on
// a system without Unix sockets: Wine (whose Windows has no AF_UNIX, so
// net.Listen("unix") fails with WSAEAFNOSUPPORT) and Windows before 10
// version 1803. The rest of the line is the loopback address the first
// Mailkeep listens on; the lock beside it still decides who is first.
const loopbackMarker = "mailkeep-instance tcp "

// listenLoopback listens on a free port of the loopback interface and
// writes its address into the file at path (whole or not at all: a second
// start may read it at any moment).
func listenLoopback(path string) (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err == nil {
		_, err = fmt.Fprintf(tmp, "%s%s\n", loopbackMarker, ln.Addr())
		if closeErr := tmp.Close(); err == nil {
			err = closeErr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), path)
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
	}
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("cannot write the address file %s: %w", path, err)
	}
	return ln, nil
}

// readLoopbackAddress reads the loopback address from the file at path,
// when it is such a file (and not a Unix socket, or something else).
func readLoopbackAddress(path string) (string, bool) {
	info, err := os.Lstat(path)
	if err != nil || !info.Mode().IsRegular() || info.Size() > 256 {
		return "", false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", false
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(string(data)), loopbackMarker)
	if !ok {
		return "", false
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		return "", false // only ever talk to this machine
	}
	return addr, true
}
