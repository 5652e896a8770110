package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// formatTrickyMessages are messages that mbox readers and writers commonly get wrong.
var formatTrickyMessages = []struct {
	name string
	raw  string
}{
	{"plain LF", "From: a@example.com\nSubject: hi\n\nbody\n"},
	{"CRLF", "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\nFrom the start\r\n"},
	{"CR only", "From: a@example.com\rSubject: hi\r\rbody\rFrom here\r"},
	{"no final newline", "Subject: x\n\nlast line"},
	{"ends in blank lines", "Subject: x\n\nbody\n\n\n"},
	{"first line From_", "From someone@example.com Sat Apr  1 15:30:00 2023\nSubject: x\n\nbody\n"},
	{"From lines in body", "Subject: x\n\nFrom here\n>From there\n>>From everywhere\n>>>From \nFrom\nFrom:\n"},
	{"quoted at end without newline", "Subject: x\n\n>>From "},
	{"From prefix at end", "Subject: x\n\n>>Fro"},
	{"only greater-than", "Subject: x\n\n>>>>\n>"},
	{"NUL bytes", "Subject: \x00nul\n\nbody\x00\nFrom \x00\n\x00"},
	{"empty", ""},
	{"one newline", "\n"},
	{"long line", "Subject: long\n\n" + strings.Repeat("x", 300<<10) + "\nFrom " + strings.Repeat("y", 200<<10)},
	{"long quote run", "Subject: q\n\n" + strings.Repeat(">", 100<<10) + "From x\n"},
	{"From after CR", "a\rFrom b\n\rFrom c\n"},
	{"binary", "\xff\xfe\n>From \xff\nFrom \r\n"},
}

func mboxWriteAll(t testing.TB, msgs [][]byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w := newMboxWriter(&out)
	date := time.Date(2023, 4, 1, 15, 30, 0, 0, time.UTC)
	for _, m := range msgs {
		err := w.WriteMessage(date, func(w io.Writer) error {
			// Write in odd pieces to exercise the quoter's state.
			for len(m) > 0 {
				n := min(len(m), 1+len(m)%7)
				if _, err := w.Write(m[:n]); err != nil {
					return err
				}
				m = m[n:]
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func mboxReadAll(t testing.TB, r io.Reader) [][]byte {
	t.Helper()
	mr := newMboxReader(r)
	var got [][]byte
	for {
		m, err := mr.Next()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatalf("message %d: %v", len(got)+1, err)
		}
		got = append(got, m.Raw)
	}
}

func mboxCheckRoundTrip(t testing.TB, msgs [][]byte) {
	t.Helper()
	file := mboxWriteAll(t, msgs)
	for _, reader := range []struct {
		name string
		r    io.Reader
	}{
		{"whole", bytes.NewReader(file)},
		{"one byte at a time", iotest.OneByteReader(bytes.NewReader(file))},
	} {
		got := mboxReadAll(t, reader.r)
		if len(got) != len(msgs) {
			t.Fatalf("%s: wrote %d messages, read %d back\nfile: %q", reader.name, len(msgs), len(got), file)
		}
		for i := range msgs {
			if !bytes.Equal(got[i], msgs[i]) {
				t.Fatalf("%s: message %d changed\nwrote: %q\nread:  %q", reader.name, i+1, msgs[i], got[i])
			}
		}
	}
}

func TestMboxRoundTrip(t *testing.T) {
	for _, tc := range formatTrickyMessages {
		t.Run(tc.name, func(t *testing.T) {
			mboxCheckRoundTrip(t, [][]byte{[]byte(tc.raw)})
		})
	}
	t.Run("all together", func(t *testing.T) {
		var all [][]byte
		for _, tc := range formatTrickyMessages {
			all = append(all, []byte(tc.raw))
		}
		mboxCheckRoundTrip(t, all)
	})
	t.Run("no messages", func(t *testing.T) {
		mboxCheckRoundTrip(t, nil)
	})
}

func TestMboxWriterFormat(t *testing.T) {
	var out bytes.Buffer
	w := newMboxWriter(&out)
	date := time.Date(2023, 4, 1, 17, 30, 5, 0, time.FixedZone("CEST", 2*3600))
	msg := "From: a\n\nFrom x\n>From y\nno From z\n"
	if err := w.WriteMessage(date, func(w io.Writer) error { _, err := io.WriteString(w, msg); return err }); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "From MAILER-DAEMON Sat Apr  1 15:30:05 2023\nFrom: a\n\n>From x\n>>From y\nno From z\n\n"
	if out.String() != want {
		t.Fatalf("got  %q\nwant %q", out.String(), want)
	}
}

func TestMboxReaderForeignFiles(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		want     []string
		wantDate []time.Time
		wantErr  error
	}{
		{
			name: "two messages, postfix style",
			file: "From a@example.com Thu Dec 22 17:54:04 2015\nSubject: 1\n\none\n\nFrom b@example.com  Fri Dec 23 01:02:03 2016\nSubject: 2\n\n>From two\n\n",
			want: []string{"Subject: 1\n\none\n", "Subject: 2\n\nFrom two\n"},
			wantDate: []time.Time{
				time.Date(2015, 12, 22, 17, 54, 4, 0, time.UTC),
				time.Date(2016, 12, 23, 1, 2, 3, 0, time.UTC),
			},
		},
		{
			name:     "zone after the date",
			file:     "From a Thu Dec 22 17:54:04 2015 +0900\nSubject: 1\n\nx\n\n",
			want:     []string{"Subject: 1\n\nx\n"},
			wantDate: []time.Time{time.Date(2015, 12, 22, 8, 54, 4, 0, time.UTC)},
		},
		{
			name:     "no date",
			file:     "From someone\nSubject: 1\n\nx\n",
			want:     []string{"Subject: 1\n\nx"},
			wantDate: []time.Time{{}},
		},
		{name: "empty file", file: "", want: nil},
		{name: "not an mbox", file: "Subject: x\n\nFrom y\n", wantErr: errNotMbox},
		{name: "lone separator", file: "From x", want: []string{""}, wantDate: []time.Time{{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newMboxReader(strings.NewReader(tc.file))
			var got []string
			for i := 0; ; i++ {
				m, err := r.Next()
				if err == io.EOF {
					break
				}
				if tc.wantErr != nil {
					if !errors.Is(err, tc.wantErr) {
						t.Fatalf("error %v, want %v", err, tc.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if i < len(tc.wantDate) && !m.Date.Equal(tc.wantDate[i]) {
					t.Errorf("message %d: date %v, want %v", i+1, m.Date, tc.wantDate[i])
				}
				got = append(got, string(m.Raw))
			}
			if tc.wantErr != nil {
				t.Fatalf("no error, want %v", tc.wantErr)
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.want) {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
			}
			if r.Offset() != int64(len(tc.file)) {
				t.Errorf("offset %d after the end, want %d", r.Offset(), len(tc.file))
			}
		})
	}
}

// TestMboxReaderMemory reads a 50 MiB message and checks that the reader did
// not allocate much more than twice its size.
func TestMboxReaderMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 50 MiB message")
	}
	const size = 50 << 20
	line := strings.Repeat("0123456789abcdef", 4) + "\n"
	body := strings.Repeat(line, size/len(line))
	file := "From x Sat Apr  1 15:30:00 2023\nSubject: big\n\n" + body + "\n"
	var got []byte
	bytesAllocated := bytesAllocatedBy(func() {
		r := newMboxReader(strings.NewReader(file))
		m, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		got = m.Raw
	})
	if len(got) != len("Subject: big\n\n")+len(body) {
		t.Fatalf("read %d bytes", len(got))
	}
	// The blocks plus the copy handed out: twice the message. Everything
	// allocated counts, so what was alive at once was no more.
	if bytesAllocated > size*21/10 {
		t.Fatalf("reading a %d MiB message allocated %d MiB", size>>20, bytesAllocated>>20)
	}
	t.Logf("reading a %d MiB message allocated %d MiB in all", size>>20, bytesAllocated>>20)
}

// bytesAllocatedBy is how many bytes f allocated.
func bytesAllocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func FuzzMboxRoundTrip(f *testing.F) {
	for _, tc := range formatTrickyMessages {
		if len(tc.raw) < 1000 {
			f.Add([]byte(tc.raw), []byte("From x\n"), []byte(""))
		}
	}
	f.Add([]byte("a\r\n"), []byte(">From a\n"), []byte("From b"))
	f.Add([]byte(""), []byte(""), []byte("\n\n"))
	f.Fuzz(func(t *testing.T, a, b, c []byte) {
		mboxCheckRoundTrip(t, [][]byte{a})
		mboxCheckRoundTrip(t, [][]byte{a, b, c})
	})
}

// BenchmarkMboxRead measures reading an mbox of 2000 messages of about 8 KiB.
func BenchmarkMboxRead(b *testing.B) {
	file := mboxWriteAll(b, benchMessages(2000, 8<<10))
	b.SetBytes(int64(len(file)))
	for range b.N {
		if got := mboxReadAll(b, bytes.NewReader(file)); len(got) != 2000 {
			b.Fatalf("read %d messages", len(got))
		}
	}
}

// BenchmarkMboxWrite measures writing an mbox of 2000 messages of about 8 KiB,
// each handed over in one piece (as WriteRaw does).
func BenchmarkMboxWrite(b *testing.B) {
	msgs := benchMessages(2000, 8<<10)
	b.SetBytes(int64(len(mboxWriteAll(b, msgs))))
	date := time.Date(2023, 4, 1, 15, 30, 0, 0, time.UTC)
	for range b.N {
		w := newMboxWriter(io.Discard)
		for _, m := range msgs {
			if err := w.WriteMessage(date, func(w io.Writer) error { _, err := w.Write(m); return err }); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}
