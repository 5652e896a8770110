package archive

import (
	"strings"
	"testing"
)

func TestStandIn(t *testing.T) {
	real := []byte("From: a@example.com\r\nSubject: hello\r\n\r\n" + strings.Repeat("text ", 200) + "\r\n")
	placeholder := []byte("Subject: Retrieval using the IMAP4 protocol failed for the following message: 7\r\n\r\nRetrieval using the IMAP4 protocol failed for the following message: 7\r\n")
	for _, c := range []struct {
		name string
		m    fetched
		want bool
	}{
		{"a message of its size", fetched{raw: real, size: int64(len(real))}, false},
		{"size not given", fetched{raw: real}, false},
		{"Exchange's size estimate a little off", fetched{raw: real, size: int64(len(real)) * 3}, false},
		{"a small message, size far off but under 4 KiB", fetched{raw: []byte("Subject: x\r\n\r\ny\r\n"), size: 3000}, false},
		{"the placeholder text", fetched{raw: placeholder, size: 52000}, true},
		{"an empty BODY[]", fetched{raw: nil, size: 52000}, true},
		{"an empty BODY[], size not given", fetched{raw: []byte{}}, true},
		{"only line ends", fetched{raw: []byte("\r\n\r\n"), size: 900}, true},
		{"a body of a tenth of the size", fetched{raw: real, size: int64(len(real)) * 10}, true},
	} {
		if got := c.m.standIn(); got != c.want {
			t.Errorf("%s (%d bytes, size %d): standIn %v, want %v", c.name, len(c.m.raw), c.m.size, got, c.want)
		}
	}
}
