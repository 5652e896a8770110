package archive_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
)

// hardMessage is a message built to break POP3 readers.
type hardMessage struct {
	name string
	raw  []byte
}

func header(name string) string {
	return "From: Test <test@example.com>\r\nTo: archive@example.com\r\nSubject: " + name +
		"\r\nMessage-ID: <" + name + "@mailkeep.test>\r\n\r\n"
}

// hardMessages returns the POP3 torture set. big adds a 50 MiB message.
func hardMessages(big bool) []hardMessage {
	var msgs []hardMessage
	add := func(name, body string) {
		msgs = append(msgs, hardMessage{name, []byte(header(name) + body)})
	}
	add("dot-lines", ".\r\n..\r\n...\r\n.x\r\n..x\r\n. space\r\n.\r\n\r\n.\r\nlast\r\n")
	add("line-4097-ending-in-dot", strings.Repeat("a", 4096)+".\r\nafter the long line\r\n.\r\nend\r\n")
	add("line-4097-dot-stuffed", "."+strings.Repeat("b", 4095)+".\r\n"+".\r\n")
	for _, n := range []int{4094, 4095, 4096, 4097, 4098} {
		add(fmt.Sprintf("line-%d", n), strings.Repeat("c", n)+"\r\n"+"."+strings.Repeat("d", n-1)+"\r\nx\r\n")
	}
	add("line-4095-then-dot", strings.Repeat("e", 4095)+".\r\n.\r\n")
	add("lines-over-5000", strings.Repeat("f", 5000)+"\r\n"+strings.Repeat("g", 12345)+"\r\n."+strings.Repeat("h", 9000)+"\r\n")
	add("line-over-64KiB", "."+strings.Repeat("i", 70000)+".\r\n"+strings.Repeat("j", 65535)+".\r\n"+strings.Repeat("k", 3*65536)+"\r\n")
	add("nul-bytes", "before\x00after\r\n\x00\x00\x00\r\n.\x00\r\n")
	add("bare-cr", "one\rtwo\r\r\n.\r\r\nthree\r\n")
	add("8bit-body", "Grüße, naïve café — 日本語のテキスト\r\n\xff\xfe latin1: \xe9t\xe9\r\n")
	msgs = append(msgs,
		hardMessage{"8bit-headers", []byte("From: Jürgen Müller <j@example.com>\r\nTo: archive@example.com\r\nSubject: Übersicht für \xe9t\xe9 2024 日本\r\nMessage-ID: <8bit-headers@mailkeep.test>\r\n\r\nbody\r\n")},
		hardMessage{"bare-lf", []byte(strings.ReplaceAll(header("bare-lf"), "\r\n", "\n") + "line one\n.dot line\n..two dots\n.\nend\n")},
		hardMessage{"mixed-line-ends", []byte(header("mixed-line-ends") + "crlf\r\nlf\n.lf-dot\ncrlf again\r\n")},
		hardMessage{"no-final-newline", []byte(header("no-final-newline") + "the last line has no end")},
		hardMessage{"empty-body", []byte(header("empty-body"))},
	)
	if big {
		msgs = append(msgs, hardMessage{"50MiB", bigMessage(50 << 20)})
	}
	return msgs
}

// bigMessage returns a message of about size bytes whose lines have random
// lengths (up to 9,000 bytes), many starting with ".".
func bigMessage(size int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	pool := make([]byte, 1<<16)
	for i := range pool {
		pool[i] = byte('!' + rng.IntN(94))
	}
	var b bytes.Buffer
	b.Grow(size + 10000)
	b.WriteString(header("50MiB"))
	for b.Len() < size {
		n := rng.IntN(120)
		if rng.IntN(50) == 0 {
			n = rng.IntN(9000)
		}
		if rng.IntN(10) == 0 {
			b.WriteByte('.')
		}
		off := rng.IntN(len(pool) - n)
		b.Write(pool[off : off+n])
		b.WriteString("\r\n")
	}
	return b.Bytes()
}
