package archive

import (
	"bufio"
	"bytes"
	"errors"
	"strings"
	"testing"
)

// failingWriter accepts n bytes, then fails.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestReadDotStuffed(t *testing.T) {
	long := strings.Repeat("x", 40)
	tests := []struct {
		name, wire, want string
	}{
		{"empty", ".\r\n", ""},
		{"plain", "a\r\nb\r\n.\r\n", "a\r\nb\r\n"},
		{"stuffed", "..\r\n..x\r\n...\r\n.\r\n", ".\r\n.x\r\n..\r\n"},
		{"bare-lf-terminator", "a\n.\n", "a\n"},
		{"dot-only-at-line-start", "a.\r\nb..c\r\n.\r\n", "a.\r\nb..c\r\n"},
		// With a 16-byte buffer these lines arrive in pieces: a "." at the
		// start of a later piece is data, and a piece that is "." alone is
		// not the end.
		{"long-line-dot-at-piece-start", strings.Repeat("y", 16) + ".\r\n.\r\n", strings.Repeat("y", 16) + ".\r\n"},
		{"long-line-16-then-dot-line", "." + strings.Repeat("z", 15) + ".\r\n" + "..\r\n.\r\n", strings.Repeat("z", 15) + ".\r\n.\r\n"},
		{"long-stuffed", "." + long + "\r\n.\r\n", long + "\r\n"},
		{"cr-at-boundary", strings.Repeat("w", 15) + "\r\n.\r\n", strings.Repeat("w", 15) + "\r\n"},
		{"nul-and-cr", "\x00\r\r\n.\x00\r\n.\r\n", "\x00\r\r\n\x00\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := bufio.NewReaderSize(strings.NewReader(tt.wire+"+OK next reply\r\n"), 16)
			var got bytes.Buffer
			n, err := readDotStuffed(r, &got)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want || n != int64(len(tt.want)) {
				t.Errorf("got %q (%d), want %q", got.String(), n, tt.want)
			}
			if rest, _ := r.ReadString('\n'); rest != "+OK next reply\r\n" {
				t.Errorf("the stream is out of step: next line %q", rest)
			}
		})
	}
}

func TestReadDotStuffedKeepsStepWhenTheWriterFails(t *testing.T) {
	body := strings.Repeat("line of text\r\n", 20000)
	r := bufio.NewReaderSize(strings.NewReader(body+".\r\n+OK next\r\n"), 4096)
	_, err := readDotStuffed(r, &failingWriter{n: 100})
	if !errors.Is(err, errWriter) {
		t.Fatalf("got %v, want errWriter", err)
	}
	if rest, _ := r.ReadString('\n'); rest != "+OK next\r\n" {
		t.Errorf("the stream is out of step: next line %q", rest)
	}
}

func TestReadDotStuffedCutOff(t *testing.T) {
	r := bufio.NewReaderSize(strings.NewReader("a\r\nb"), 16)
	if _, err := readDotStuffed(r, new(bytes.Buffer)); err == nil {
		t.Fatal("a body without its terminating line was accepted")
	}
}
