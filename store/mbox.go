package store

// Mailkeep reads and writes mbox files in the mboxrd flavour, with one rule
// chosen so that every message comes back byte for byte:
//
// Writing a message:
//
//	From MAILER-DAEMON Sat Apr  1 15:30:00 2023\n   (the message's date, UTC, asctime form)
//	the message, where every line that matches ^>*From  gets one more '>'
//	\n                                              (exactly one, always)
//
// Reading: a line that starts with "From " (at the start of the file or after
// a "\n") begins a message and is not part of it. Every line that matches
// ^>+From  loses one '>'. What lies between two such lines (or between the
// last one and the end of the file) loses exactly one trailing "\n": the one
// the writer added.
//
// Only "\n" ends a line, for both sides: "\r" is ordinary data. So messages with
// CRLF or CR-only line ends, without a final newline, with NUL bytes, with
// lines starting with "From " or ">From " (the first line too), and with lines
// of any length all come back exactly. FuzzMboxRoundTrip checks this.
//
// Files written by other programs are read by the same rule. Most mbox writers
// also end each message with a blank line, so their messages come back as
// they were delivered. Two cases differ: an mboxo file (no quoting of ">From ")
// loses one '>' on lines that started with ">From "; and a single message with
// a "From " envelope line but no blank line after it loses its final "\n".

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"time"
)

// mboxFromPrefix starts every separator line.
const mboxFromPrefix = "From "

// mboxSender is the envelope sender the writer puts in separator lines.
const mboxSender = "MAILER-DAEMON"

// errNotMbox says that a file does not start with a "From " line.
var errNotMbox = errors.New(`it does not start with a "From " line, so it is not an mbox file`)

// mboxMessage is one message read from an mbox file.
type mboxMessage struct {
	Raw []byte
	// Envelope is the separator line without "From " and without its "\n".
	Envelope []byte
	// Date is the envelope's date when it has one (zero otherwise).
	Date time.Time
}

// mboxReader reads the messages of an mbox file one at a time. While it reads
// a message it keeps it in blocks, then copies it once into the slice it
// returns: a message is held at most twice, however large; lines may be of
// any length.
type mboxReader struct {
	r        *bufio.Reader
	blocks   [][]byte // the message being read
	spare    [][]byte // emptied blocks kept for the next message
	envelope []byte   // the separator line that began it; nil before the first and after the last
	offset   int64    // bytes consumed from r
	started  bool
	eof      bool
}

func newMboxReader(r io.Reader) *mboxReader {
	return &mboxReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// Offset is how many bytes of the file have been read so far.
func (m *mboxReader) Offset() int64 { return m.offset }

// Next returns the next message, or io.EOF after the last one. A file whose
// first line is not a "From " line gives errNotMbox; an empty file has no
// messages.
func (m *mboxReader) Next() (mboxMessage, error) {
	if !m.started {
		m.started = true
		head, err := m.r.Peek(len(mboxFromPrefix))
		switch {
		case len(head) == 0 && err == io.EOF:
			m.eof = true
		case err != nil && err != io.EOF:
			return mboxMessage{}, err
		case string(head) != mboxFromPrefix:
			m.eof = true
			return mboxMessage{}, errNotMbox
		default:
			if err := m.readEnvelope(); err != nil {
				return mboxMessage{}, err
			}
		}
	}
	if m.envelope == nil {
		return mboxMessage{}, io.EOF
	}
	for !m.eof {
		separator, err := m.readLine()
		if err != nil {
			return mboxMessage{}, err
		}
		if separator {
			msg := m.finish()
			return msg, m.readEnvelope()
		}
	}
	msg := m.finish()
	m.envelope = nil
	return msg, nil
}

// readEnvelope reads a separator line.
func (m *mboxReader) readEnvelope() error {
	m.envelope = m.envelope[:0:0]
	for {
		chunk, err := m.r.ReadSlice('\n')
		m.offset += int64(len(chunk))
		m.envelope = append(m.envelope, chunk...)
		switch err {
		case nil:
			return nil
		case bufio.ErrBufferFull:
		case io.EOF:
			m.eof = true
			return nil
		default:
			return err
		}
	}
}

// readLine reads one line of a message, without its quoting '>', into the
// message's blocks. When the line is a separator it leaves it unread and
// reports true.
func (m *mboxReader) readLine() (separator bool, err error) {
	gt := 0
	for {
		b, err := m.r.ReadByte()
		if err == io.EOF {
			m.appendQuotes(gt)
			m.eof = true
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if b != '>' {
			m.r.UnreadByte()
			break
		}
		m.offset++
		gt++
	}
	head, err := m.r.Peek(len(mboxFromPrefix))
	if err != nil && err != io.EOF {
		return false, err
	}
	if string(head) == mboxFromPrefix {
		if gt == 0 {
			return true, nil
		}
		gt-- // undo the writer's quote
	}
	m.appendQuotes(gt)
	for {
		chunk, err := m.r.ReadSlice('\n')
		m.offset += int64(len(chunk))
		m.append(chunk)
		switch err {
		case nil:
			return false, nil
		case bufio.ErrBufferFull:
		case io.EOF:
			m.eof = true
			return false, nil
		default:
			return false, err
		}
	}
}

// mboxBlockSize is the size of the blocks a message is read into (but for the
// first few, which are smaller).
const mboxBlockSize = 1 << 20

// mboxKeepBlocks is how many emptied blocks are kept for the next message.
const mboxKeepBlocks = 8

// append adds p to the message being read.
func (m *mboxReader) append(p []byte) {
	for len(p) > 0 {
		if n := len(m.blocks); n == 0 || len(m.blocks[n-1]) == cap(m.blocks[n-1]) {
			var b []byte
			if k := len(m.spare); k > 0 {
				b, m.spare = m.spare[k-1], m.spare[:k-1]
			} else {
				// Small messages need small blocks: start at 4 KiB and double.
				size := mboxBlockSize
				if n := len(m.blocks); n < 8 {
					size = 4 << 10 << n
				}
				b = make([]byte, 0, size)
			}
			m.blocks = append(m.blocks, b)
		}
		last := &m.blocks[len(m.blocks)-1]
		n := min(len(p), cap(*last)-len(*last))
		*last = append(*last, p[:n]...)
		p = p[n:]
	}
}

// appendQuotes adds n '>' to the message being read.
func (m *mboxReader) appendQuotes(n int) {
	quotes := []byte(">>>>>>>>>>>>>>>>")
	for n > 0 {
		k := min(n, len(quotes))
		m.append(quotes[:k])
		n -= k
	}
}

// finish hands out the message read so far, without the "\n" the writer
// added, and empties the blocks for the next one.
func (m *mboxReader) finish() mboxMessage {
	size := 0
	for _, b := range m.blocks {
		size += len(b)
	}
	if size > 0 {
		last := m.blocks[len(m.blocks)-1]
		if last[len(last)-1] == '\n' {
			size--
		}
	}
	raw := make([]byte, 0, size)
	for _, b := range m.blocks {
		raw = append(raw, b[:min(len(b), size-len(raw))]...)
	}
	for _, b := range m.blocks {
		if len(m.spare) < mboxKeepBlocks {
			m.spare = append(m.spare, b[:0])
		}
	}
	clear(m.blocks)
	m.blocks = m.blocks[:0]
	env := mboxEnvelope(m.envelope)
	return mboxMessage{Raw: raw, Envelope: env, Date: mboxEnvelopeDate(env)}
}

// mboxQuoted reports whether line matches ^>+From .
func mboxQuoted(line []byte) bool {
	rest := bytes.TrimLeft(line, ">")
	return len(rest) < len(line) && bytes.HasPrefix(rest, []byte(mboxFromPrefix))
}

// mboxEnvelope is a separator line without "From " and its line end.
func mboxEnvelope(line []byte) []byte {
	line = bytes.TrimPrefix(line, []byte(mboxFromPrefix))
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r"))
}

// mboxEnvelopeDate reads the date at the end of an envelope
// ("sender Sat Apr  1 15:30:00 2023", perhaps followed by a zone).
func mboxEnvelopeDate(envelope []byte) time.Time {
	fields := bytes.Fields(envelope)
	try := func(n int, layout string) (time.Time, bool) {
		if len(fields) < n {
			return time.Time{}, false
		}
		t, err := time.Parse(layout, string(bytes.Join(fields[len(fields)-n:], []byte(" "))))
		return t, err == nil
	}
	if t, ok := try(5, "Mon Jan 2 15:04:05 2006"); ok {
		return t
	}
	if t, ok := try(6, "Mon Jan 2 15:04:05 2006 -0700"); ok {
		return t
	}
	if t, ok := try(6, "Mon Jan 2 15:04:05 MST 2006"); ok {
		return t
	}
	return time.Time{}
}

// mboxWriter writes messages to an mbox file by the rule above.
type mboxWriter struct {
	w *bufio.Writer
}

func newMboxWriter(w io.Writer) *mboxWriter {
	return &mboxWriter{w: bufio.NewWriterSize(w, 64<<10)}
}

// WriteMessage writes one message: its separator line with date, then what
// write writes (quoted), then "\n".
func (m *mboxWriter) WriteMessage(date time.Time, write func(io.Writer) error) error {
	if date.IsZero() {
		date = time.Unix(0, 0)
	}
	m.w.WriteString(mboxFromPrefix + mboxSender + " " + date.UTC().Format(time.ANSIC) + "\n")
	q := &mboxQuoter{w: m.w}
	if err := write(q); err != nil {
		return err
	}
	if err := q.Close(); err != nil {
		return err
	}
	return m.w.WriteByte('\n')
}

// Flush writes out what is buffered.
func (m *mboxWriter) Flush() error { return m.w.Flush() }

// mboxQuoter copies a message to w, adding one '>' to every line that matches
// ^>*From . It keeps no more than a count of the line's first bytes while it
// decides, so it streams messages of any size written in pieces of any size.
type mboxQuoter struct {
	w       *bufio.Writer
	midLine bool // the current line's start has been decided and written
	gt      int  // '>' bytes at the start of the current line, not written yet
	from    int  // bytes of "From " matched after them, not written yet
}

func (q *mboxQuoter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if q.midLine {
			i := bytes.IndexByte(p, '\n')
			if i < 0 {
				if _, err := q.w.Write(p); err != nil {
					return 0, err
				}
				break
			}
			if _, err := q.w.Write(p[:i+1]); err != nil {
				return 0, err
			}
			p = p[i+1:]
			q.midLine = false
			continue
		}
		c := p[0]
		switch {
		case q.from == 0 && c == '>':
			q.gt++
			p = p[1:]
		case c == mboxFromPrefix[q.from]:
			q.from++
			p = p[1:]
			if q.from == len(mboxFromPrefix) {
				q.gt++ // the quote
				q.flushPrefix()
				q.midLine = true
			}
		default:
			q.flushPrefix()
			q.midLine = true
		}
	}
	return n, nil
}

// flushPrefix writes the line start held back so far.
func (q *mboxQuoter) flushPrefix() {
	for ; q.gt > 0; q.gt-- {
		q.w.WriteByte('>')
	}
	q.w.WriteString(mboxFromPrefix[:q.from])
	q.from = 0
}

// Close writes what is held back of a last line that was still undecided.
func (q *mboxQuoter) Close() error {
	q.flushPrefix()
	return nil
}
