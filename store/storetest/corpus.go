// Package storetest makes mail for tests of the archive: a deterministic
// generator of varied RFC 5322 messages, each with its model (the facts a test
// can check against what the archive says about it), writers that lay them out as
// Maildir folders, .eml files and mboxrd files, and the paths of the real-world
// corpus.
//
//	msgs := storetest.Generate(1, 2000)
//	storetest.WriteMbox(filepath.Join(dir, "Lists"), msgs)
//	// ... import, then for a query "zephyr" expect exactly
//	//     the messages m with m.HasWord("zephyr").
//
// A message's bytes and model depend only on the seed, its index and the mix, so
// corpora of any size are generated one message at a time (All) without holding
// them in memory.
package storetest

import (
	"crypto/sha256"
	"iter"
	"sync"
	"time"
)

// Mix is the kind of corpus to generate.
type Mix int

const (
	// MixVaried: every structure, charset and quirk the archive must handle,
	// messages of a few KiB. For correctness tests.
	MixVaried Mix = iota
	// MixReal: sizes like a real mailbox (most 2–20 KiB, about 1.5% between
	// 100 KiB and 2 MiB carrying attachments), fewer oddities. For benchmarks.
	MixReal
)

// Message is one generated message: its exact bytes and its model.
type Message struct {
	Index int
	Raw   []byte

	From    Person
	To, Cc  []Person
	Subject string // as a reader decodes it; "" when there is none

	Date     time.Time // of the Date header; zero when there is no usable one
	Received time.Time // of the Received header; zero when there is none
	// Envelope is the delivery time: the date of the message's mbox From_ line
	// and the modification time of its Maildir and .eml files.
	Envelope  time.Time
	MessageID string // without angle brackets; "" when there is none

	// Body is the text a reader sees in the message's text parts (for HTML, the
	// text without the markup), only as far as it is sure to be readable: parts
	// of malformed messages that may not be read hold only filler words.
	Body        string
	Attachments []Attachment
	// AttachmentsUnsure: the message may carry attachments beyond Attachments
	// (in a part that is broken), so has:attachment and filename: cannot be
	// predicted for it.
	AttachmentsUnsure bool

	Charset   string // of the main text part
	Structure string // "text/plain", "text/html", "multipart/alternative", "multipart/mixed"
	Quirks    Quirk
	// Malformed says what is broken in the message's MIME structure; "" when
	// nothing is.
	Malformed string

	tokens *fieldTokens // the fields' words, made when first asked for
}

// fieldTokens holds a message's words by field, shared by copies of the message.
type fieldTokens struct {
	once   sync.Once
	fields [FieldFilenames + 1][]string
}

// Attachment is one attached file.
type Attachment struct {
	Filename    string // decoded
	ContentType string
	Data        []byte // the decoded bytes
	Encoding    string // Content-Transfer-Encoding: "base64", "quoted-printable" or (a forwarded message) "7bit"
	// NameEncoding is how the name is written: "plain", "rfc2231",
	// "rfc2231-continued" (both UTF-8), "rfc2231-latin1" (ISO-8859-1 or
	// windows-1252, single or continued), "rfc2047" or "raw-utf8".
	NameEncoding string
}

// Quirk is a peculiarity of a message's bytes.
type Quirk uint32

const (
	QuirkCRLF               Quirk = 1 << iota // lines end in CRLF (otherwise LF)
	QuirkNoFinalNewline                       // the last line has no line ending
	QuirkDotLines                             // body lines start with "." (one is just ".")
	QuirkFromLines                            // body lines start with "From " and ">From "
	QuirkLongLine                             // a body line over 5,000 bytes
	Quirk8bitUTF8Header                       // raw UTF-8 bytes in Subject and From
	Quirk8bitLatin1Header                     // raw ISO-8859-1 bytes in Subject (carrying Latin1Word)
	QuirkNoDate                               // no Date header
	QuirkBadDate                              // a Date header that is not a date
	QuirkNoMessageID                          // no Message-ID header
	QuirkDuplicateMessageID                   // the Message-ID of the message before, different bytes
	QuirkNoSubject                            // no Subject header
	QuirkNoBody                               // a header only: no empty line, no body
)

// SHA256 is the message's identity in the archive.
func (m Message) SHA256() [32]byte { return sha256.Sum256(m.Raw) }

// DateKnown reports whether the archive's date for the message is predictable:
// from its Date header, or else from its Received header.
func (m Message) DateKnown() bool { return !m.Date.IsZero() || !m.Received.IsZero() }

// EffectiveDate is the date the archive should give the message: the Date
// header's, or else the Received header's; zero when neither is usable.
func (m Message) EffectiveDate() time.Time {
	if !m.Date.IsZero() {
		return m.Date
	}
	return m.Received
}

// WellFormed reports whether the message is a correct message, one the archive
// must parse without flagging it. Malformed ones, raw Latin-1 headers, a Date
// that is not a date and text in an unknown charset are not.
func (m Message) WellFormed() bool {
	return m.Malformed == "" && m.Quirks&(Quirk8bitLatin1Header|QuirkBadDate) == 0 && m.Charset != UnknownCharset
}

// Field is a searchable part of a message.
type Field int

const (
	FieldSubject Field = iota
	FieldFrom
	FieldTo
	FieldCc
	FieldBody
	FieldFilenames
)

// Text is the text of one searchable field, as the model knows it.
func (m Message) Text(f Field) string {
	switch f {
	case FieldSubject:
		return m.Subject
	case FieldFrom:
		return personText(m.From)
	case FieldTo:
		return peopleText(m.To)
	case FieldCc:
		return peopleText(m.Cc)
	case FieldBody:
		return m.Body
	case FieldFilenames:
		var s string
		for _, a := range m.Attachments {
			s += a.Filename + "\n"
		}
		return s
	}
	return ""
}

func personText(p Person) string { return p.Name + " <" + p.Addr + ">" }

func peopleText(ps []Person) string {
	var s string
	for _, p := range ps {
		s += personText(p) + "\n"
	}
	return s
}

// FreeTextFields are the fields a free word searches.
var FreeTextFields = []Field{FieldSubject, FieldFrom, FieldTo, FieldCc, FieldBody, FieldFilenames}

// HasPhrase reports whether the phrase (or word) occurs in any of the fields,
// all of them when none are given.
func (m Message) HasPhrase(phrase string, fields ...Field) bool {
	if len(fields) == 0 {
		fields = FreeTextFields
	}
	want := Tokens(phrase)
	for _, f := range fields {
		if containsTokens(m.fieldTokens(f), want) {
			return true
		}
	}
	return false
}

func (m Message) fieldTokens(f Field) []string {
	if m.tokens == nil {
		return Tokens(m.Text(f))
	}
	m.tokens.once.Do(func() {
		for f := range m.tokens.fields {
			m.tokens.fields[f] = Tokens(m.Text(Field(f)))
		}
	})
	return m.tokens.fields[f]
}

// Generate returns n messages of the varied mix for seed.
func Generate(seed int64, n int) []Message {
	out := make([]Message, 0, n)
	for m := range All(seed, n, MixVaried) {
		out = append(out, m)
	}
	return out
}

// All yields n messages of mix for seed, one at a time.
func All(seed int64, n int, mix Mix) iter.Seq[Message] {
	return func(yield func(Message) bool) {
		for i := range n {
			if !yield(New(seed, i, mix)) {
				return
			}
		}
	}
}
