package demo

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// draft is one message before it is written out as MIME.
type draft struct {
	from    person
	to      []person
	cc      []person
	subject string
	text    string // the plain-text body ("\n" line ends); empty with htmlOnly
	html    string // an HTML alternative to text, or the only body with htmlOnly
	// htmlOnly sends html without a plain-text part, as newsletters do.
	htmlOnly    bool
	attachments []attachment
	inReplyTo   string // Message-ID (without <>) this answers
}

// attachment is a file attached to a draft.
type attachment struct {
	name        string
	contentType string
	data        []byte
}

// person is someone who sends or receives mail.
type person struct {
	name, addr string
}

// String is the person as a From or To header writes them, the name
// encoded (RFC 2047) when it is not ASCII.
func (p person) String() string { return (&mail.Address{Name: p.name, Address: p.addr}).String() }

// compose writes d as an RFC 5322 message with CRLF line ends. id is the
// Message-ID (without <>) and tag makes the MIME boundaries unique; the
// same arguments always give the same bytes.
func compose(d draft, date time.Time, id, tag string) []byte {
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("Date", date.Format(time.RFC1123Z))
	header("From", d.from.String())
	header("To", addressList(d.to))
	if len(d.cc) > 0 {
		header("Cc", addressList(d.cc))
	}
	header("Subject", encodeWord(d.subject))
	header("Message-ID", "<"+id+">")
	if d.inReplyTo != "" {
		header("In-Reply-To", "<"+d.inReplyTo+">")
		header("References", "<"+d.inReplyTo+">")
	}
	header("MIME-Version", "1.0")

	var body func(w *bytes.Buffer)
	switch {
	case d.htmlOnly:
		body = func(w *bytes.Buffer) { textPart(w, "text/html", d.html) }
	case d.html != "":
		body = func(w *bytes.Buffer) {
			multipart(w, "alternative", "alt-"+tag, []func(*bytes.Buffer){
				func(w *bytes.Buffer) { textPart(w, "text/plain", d.text) },
				func(w *bytes.Buffer) { textPart(w, "text/html", d.html) },
			})
		}
	default:
		body = func(w *bytes.Buffer) { textPart(w, "text/plain", d.text) }
	}
	if len(d.attachments) > 0 {
		parts := []func(*bytes.Buffer){body}
		for _, a := range d.attachments {
			parts = append(parts, func(w *bytes.Buffer) { attachmentPart(w, a) })
		}
		multipart(&b, "mixed", "mixed-"+tag, parts)
	} else {
		body(&b)
	}
	return b.Bytes()
}

func addressList(ps []person) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

// encodeWord encodes a header text that is not ASCII: Q encoding for
// mostly-Latin text, B (base64) for the rest, as mail programs do.
func encodeWord(s string) string {
	if isASCII(s) {
		return s
	}
	if utf8.RuneCountInString(s)*2 > len(s) {
		return mime.QEncoding.Encode("utf-8", s)
	}
	return mime.BEncoding.Encode("utf-8", s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// multipart writes the Content-Type header of a multipart/sub entity and
// its parts, each of which writes its own headers and body.
func multipart(w *bytes.Buffer, sub, boundary string, parts []func(*bytes.Buffer)) {
	boundary = "=_mailkeep-demo-" + boundary
	fmt.Fprintf(w, "Content-Type: multipart/%s; boundary=\"%s\"\r\n\r\n", sub, boundary)
	w.WriteString("This is a multi-part message in MIME format.\r\n")
	for _, p := range parts {
		fmt.Fprintf(w, "\r\n--%s\r\n", boundary)
		p(w)
	}
	fmt.Fprintf(w, "\r\n--%s--\r\n", boundary)
}

// textPart writes a text entity: 7bit when text is ASCII, else UTF-8 in
// quoted-printable.
func textPart(w *bytes.Buffer, contentType, text string) {
	fmt.Fprintf(w, "Content-Type: %s; charset=utf-8\r\n", contentType)
	if isASCII(text) && maxLineLen(text) <= 76 {
		w.WriteString("Content-Transfer-Encoding: 7bit\r\n\r\n")
		w.WriteString(strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\r\n"))
		w.WriteString("\r\n")
		return
	}
	w.WriteString("Content-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(w)
	qp.Write([]byte(strings.TrimRight(text, "\n") + "\n"))
	qp.Close()
}

func maxLineLen(s string) int {
	n := 0
	for line := range strings.SplitSeq(s, "\n") {
		n = max(n, len(line))
	}
	return n
}

// attachmentPart writes a as a base64 attachment; a name that is not ASCII
// is written as RFC 2231 says.
func attachmentPart(w *bytes.Buffer, a attachment) {
	params := map[string]string{"name": a.name}
	if strings.HasPrefix(a.contentType, "text/") {
		params["charset"] = "utf-8"
	}
	fmt.Fprintf(w, "Content-Type: %s\r\n", mime.FormatMediaType(a.contentType, params))
	fmt.Fprintf(w, "Content-Disposition: %s\r\n", mime.FormatMediaType("attachment", map[string]string{"filename": a.name}))
	w.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(a.data)
	for len(enc) > 76 {
		w.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	w.WriteString(enc + "\r\n")
}
