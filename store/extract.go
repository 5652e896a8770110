package store

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // every charset go-message knows (koi8-r, iso-2022-jp, …)
	gomail "github.com/emersion/go-message/mail"
	"golang.org/x/text/encoding/charmap"
)

// Limits that keep one odd message from costing more than it is worth. The raw
// message is always stored whole; only what is indexed is capped.
const (
	maxIndexedText = 4 << 20 // body text indexed per message
	maxNesting     = 8       // message/rfc822 inside message/rfc822 …
)

// extracted is what ingest indexes about one message.
type extracted struct {
	Date        time.Time
	DateSource  string // header, received, hint, added
	From        string
	To          string
	Cc          string
	Subject     string
	MessageID   string
	InReplyTo   string
	References  string
	Body        string
	Attachments []Attachment
	Problems    []string // why parsing was incomplete
}

// extract reads what is searchable from a raw message. It never fails: what
// cannot be read is noted in Problems and the rest is kept.
func extract(raw []byte, dateHint, now time.Time) extracted {
	var x extracted
	var body bytes.Buffer
	h, err := x.readEntity(raw, &body, 0)
	if err != nil {
		x.Problems = append(x.Problems, err.Error())
	}
	x.Body = body.String()
	if !utf8.ValidString(x.Body) {
		x.Body = strings.ToValidUTF8(x.Body, "\uFFFD")
	}

	x.Date, x.DateSource = messageDate(h, dateHint, now)
	if x.DateSource != "header" && h.Get("Date") != "" {
		x.Problems = append(x.Problems, fmt.Sprintf("unreadable Date header %q", truncate(h.Get("Date"), 80)))
	}
	x.From = headerText(h, "From")
	x.To = headerText(h, "To")
	x.Cc = headerText(h, "Cc")
	x.Subject = headerText(h, "Subject")
	x.MessageID = strings.Trim(strings.TrimSpace(headerText(h, "Message-Id")), "<>")
	x.InReplyTo = strings.TrimSpace(headerText(h, "In-Reply-To"))
	x.References = strings.Join(strings.Fields(headerText(h, "References")), " ")
	return x
}

// readEntity parses one message (or an attached message/rfc822) into its header,
// appending its text to body and its attachments to x. The header it returns is
// usable even when err is not nil.
func (x *extracted) readEntity(raw []byte, body *bytes.Buffer, depth int) (gomail.Header, error) {
	e, err := message.ReadWithOptions(bytes.NewReader(raw), &message.ReadOptions{MaxHeaderBytes: -1})
	if e == nil {
		// The header itself is broken (a line without a colon, …): read it
		// leniently and index the rest as text.
		h, rest := lenientHeader(raw)
		appendText(body, rest)
		if err == nil {
			err = errors.New("unreadable header")
		}
		return h, fmt.Errorf("header: %w", err)
	}
	h := gomail.Header{Header: e.Header}
	var problems []error
	if err != nil {
		problems = append(problems, err)
	}
	werr := e.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil {
			problems = append(problems, err)
		}
		return x.readPart(part, body, depth)
	})
	if werr != nil {
		problems = append(problems, fmt.Errorf("MIME structure: %w", werr))
	}
	return h, errors.Join(problems...)
}

// readPart indexes one part of a message's MIME tree.
func (x *extracted) readPart(part *message.Entity, body *bytes.Buffer, depth int) error {
	if part.MultipartReader() != nil {
		return nil // its children come next
	}
	ctype, cparams := contentType(part.Header.Get("Content-Type"))
	disp, dparams := mediaType(part.Header.Get("Content-Disposition"))
	name := partFilename(dparams, cparams)

	switch {
	case ctype == "message/rfc822" && depth < maxNesting:
		inner, err := io.ReadAll(part.Body)
		if err != nil {
			return x.partError(ctype, err)
		}
		if name == "" {
			name = "message.eml"
		}
		x.Attachments = append(x.Attachments, Attachment{Filename: name, ContentType: ctype, Size: int64(len(inner))})
		var sub extracted
		var subBody bytes.Buffer
		ih, err := sub.readEntity(inner, &subBody, depth+1)
		for _, k := range []string{"From", "To", "Subject"} {
			appendText(body, []byte(headerText(ih, k)))
		}
		appendText(body, subBody.Bytes())
		x.Attachments = append(x.Attachments, sub.Attachments...)
		if err != nil {
			return x.partError(ctype, err)
		}
		return nil

	case name == "" && disp != "attachment" && (ctype == "text/plain" || ctype == "text/html"):
		text, err := io.ReadAll(io.LimitReader(part.Body, maxIndexedText+1))
		if ctype == "text/html" {
			text = htmlText(text)
		}
		appendText(body, text)
		if err != nil {
			return x.partError(ctype, err)
		}
		return nil

	default:
		n, err := io.Copy(io.Discard, part.Body)
		x.Attachments = append(x.Attachments, Attachment{Filename: name, ContentType: ctype, Size: n})
		if err != nil {
			return x.partError(ctype, err)
		}
		return nil
	}
}

// partError records a damaged part without stopping the walk: the rest of the
// message is still worth indexing.
func (x *extracted) partError(ctype string, err error) error {
	x.Problems = append(x.Problems, fmt.Sprintf("%s part: %v", ctype, err))
	return nil
}

func partFilename(dparams, cparams map[string]string) string {
	name := dparams["filename"]
	if name == "" {
		name = cparams["name"]
	}
	return validText(decodeWords(name))
}

// appendText adds text to the indexed body, up to maxIndexedText.
func appendText(body *bytes.Buffer, text []byte) {
	room := maxIndexedText - body.Len()
	if room <= 0 || len(bytes.TrimSpace(text)) == 0 {
		return
	}
	if len(text) > room {
		text = text[:room]
	}
	if body.Len() > 0 {
		body.WriteByte('\n')
	}
	body.Write(text)
}

// headerText decodes a header field (RFC 2047 words, raw 8-bit bytes) to UTF-8.
func headerText(h gomail.Header, key string) string {
	v := h.Get(key)
	if v == "" {
		return ""
	}
	return validText(decodeWords(v))
}

func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	d := mime.WordDecoder{CharsetReader: charsetReader}
	if out, err := d.DecodeHeader(s); err == nil {
		return out
	}
	return s
}

// charsetReader defers to go-message's charset table, looked up when called.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	if message.CharsetReader == nil {
		return nil, fmt.Errorf("unknown charset %q", charset)
	}
	return message.CharsetReader(charset, input)
}

// validText turns raw 8-bit header bytes that are not UTF-8 into text, reading
// them as Windows-1252 (a superset of Latin-1, what such bytes almost always are).
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	out, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return out
}

// messageDate picks the message's date: its Date header, else the newest
// Received header's timestamp, else the hint (IMAP INTERNALDATE, file time),
// else when it was added.
func messageDate(h gomail.Header, hint, now time.Time) (time.Time, string) {
	if t, err := mail.ParseDate(strings.TrimSpace(h.Get("Date"))); err == nil && plausible(t, now) {
		return t.UTC(), "header"
	}
	for _, rcv := range h.Values("Received") {
		if i := strings.LastIndexByte(rcv, ';'); i >= 0 {
			if t, err := mail.ParseDate(strings.TrimSpace(rcv[i+1:])); err == nil && plausible(t, now) {
				return t.UTC(), "received"
			}
		}
	}
	if !hint.IsZero() {
		return hint.UTC(), "hint"
	}
	return now.UTC(), "added"
}

// plausible rejects dates that cannot be right (before e-mail existed, or far
// in the future), which broken clients do write.
func plausible(t, now time.Time) bool {
	return t.Year() >= 1970 && t.Before(now.AddDate(1, 0, 0))
}

// lenientHeader reads a header that net/textproto refuses: lines without a
// colon are skipped, continuation lines are joined. It returns the header and
// the body after the first empty line.
func lenientHeader(raw []byte) (gomail.Header, []byte) {
	var h gomail.Header
	end := len(raw)
	if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		end = i + 2
	}
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 && i+4 <= end {
		end = i + 4
	}
	sc := bufio.NewScanner(bytes.NewReader(raw[:end]))
	sc.Buffer(make([]byte, 64*1024), len(raw)+1)
	var key, val string
	flush := func() {
		if key != "" {
			h.Add(key, strings.TrimSpace(val))
		}
		key, val = "", ""
	}
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case line == "":
			flush()
		case (line[0] == ' ' || line[0] == '\t') && key != "":
			val += " " + strings.TrimSpace(line)
		default:
			flush()
			if k, v, ok := strings.Cut(line, ":"); ok && !strings.ContainsAny(k, " \t") && k != "" {
				key, val = k, v
			}
		}
	}
	flush()
	return h, raw[end:]
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
