package storetest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// This file is an mboxrd writer and reader of its own, so that the archive's
// mbox code is tested against something it did not write.
//
// The layout: each message is preceded by a From_ line ("From addr asctime")
// and followed by exactly one "\n"; inside a message, every line that starts
// with zero or more ">" and then "From " gets one more ">". So a message that
// does not end in a newline still comes back byte for byte.

// MboxWriter writes messages to an mboxrd stream.
type MboxWriter struct {
	w *bufio.Writer
}

// NewMboxWriter writes an mbox to w; call Flush when done.
func NewMboxWriter(w io.Writer) *MboxWriter { return &MboxWriter{w: bufio.NewWriter(w)} }

// Add writes one message, with the From_ line of its sender and envelope time.
func (mw *MboxWriter) Add(m Message) error {
	from := m.From.Addr
	if from == "" {
		from = "MAILER-DAEMON"
	}
	return mw.AddRaw(from, m.Envelope, m.Raw)
}

// AddRaw writes raw bytes as one message.
func (mw *MboxWriter) AddRaw(sender string, t time.Time, raw []byte) error {
	fmt.Fprintf(mw.w, "From %s %s\n", sender, t.UTC().Format(time.ANSIC))
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line = raw[:i+1]
		}
		raw = raw[len(line):]
		if isFromLine(bytes.TrimLeft(line, ">")) {
			mw.w.WriteByte('>')
		}
		mw.w.Write(line)
	}
	_, err := mw.w.WriteString("\n")
	return err
}

// Flush writes what is buffered.
func (mw *MboxWriter) Flush() error { return mw.w.Flush() }

func isFromLine(line []byte) bool { return bytes.HasPrefix(line, []byte("From ")) }

// WriteMbox writes msgs to a new mboxrd file at path.
func WriteMbox(path string, msgs []Message) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create mbox: %w", err)
	}
	mw := NewMboxWriter(f)
	for _, m := range msgs {
		if err := mw.Add(m); err != nil {
			f.Close()
			return fmt.Errorf("write mbox %s: %w", path, err)
		}
	}
	if err := mw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write mbox %s: %w", path, err)
	}
	return f.Close()
}

// ReadMbox reads an mboxrd file the way WriteMbox writes one: messages start
// after each From_ line, lose one level of ">" quoting on quoted From_ lines,
// and end before the "\n" that precedes the next From_ line (or the end of the
// file).
func ReadMbox(path string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var msgs [][]byte
	var cur *bytes.Buffer
	end := func() {
		if cur != nil {
			b := cur.Bytes()
			if len(b) > 0 && b[len(b)-1] == '\n' {
				b = b[:len(b)-1]
			}
			msgs = append(msgs, b)
		}
	}
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			switch {
			case isFromLine(line):
				end()
				cur = new(bytes.Buffer)
			case cur == nil:
				return nil, fmt.Errorf("%s is not an mbox file: it does not start with a From_ line", path)
			default:
				if bytes.HasPrefix(line, []byte(">")) && isFromLine(bytes.TrimLeft(line, ">")) {
					line = line[1:]
				}
				cur.Write(line)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	end()
	return msgs, nil
}
