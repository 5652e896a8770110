package store

import (
	"bytes"
	"io"
	"strings"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
)

// This file reads a stored message the way a person reads it: its text, and
// its attachments with their decoded bytes (for a viewer's Save and Open).
// extract.go reads the same structure for the index; the attachments come in
// the same order, with the same names, as Message.Attachments lists them.

// Content is a message as a reader sees it.
type Content struct {
	// Text is the body: the text parts, HTML turned into plain text, and of
	// each multipart/alternative only the plain version when it has one.
	// A forwarded message's header lines and text follow its own.
	Text        string
	Attachments []AttachmentData
	// Problems says what could not be read; the rest is still there.
	Problems []string
}

// AttachmentData is an attachment and its decoded bytes.
type AttachmentData struct {
	Attachment
	Data []byte
}

// ReadContent decodes a raw message into its text and attachments. It never
// fails: what cannot be read is noted in Problems.
func ReadContent(raw []byte) Content {
	var c Content
	var text bytes.Buffer
	c.readEntity(raw, &text, 0)
	c.Text = validText(strings.TrimSpace(text.String()))
	return c
}

// readEntity reads one message (or a forwarded one inside it).
func (c *Content) readEntity(raw []byte, text *bytes.Buffer, depth int) gomail.Header {
	e, err := message.ReadWithOptions(bytes.NewReader(raw), &message.ReadOptions{MaxHeaderBytes: -1})
	if e == nil {
		h, rest := lenientHeader(raw)
		contentAppend(text, rest)
		c.problem("header", err)
		return h
	}
	if err != nil {
		c.problem("message", err)
	}
	c.readPart(e, text, depth)
	return gomail.Header{Header: e.Header}
}

// readPart reads one part of the MIME tree and, for a multipart, its children.
func (c *Content) readPart(part *message.Entity, text *bytes.Buffer, depth int) {
	if mr := part.MultipartReader(); mr != nil {
		ctype, _ := contentType(part.Header.Get("Content-Type"))
		// Of a multipart/alternative's versions of the same text, a reader
		// sees one: the plain one when there is one, else the first that
		// has any text.
		alternative := ctype == "multipart/alternative"
		var chosen []byte
		chosenPlain := false
		for {
			child, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				c.problem(ctype, err)
				break
			}
			if !alternative {
				c.readPart(child, text, depth)
				continue
			}
			var version bytes.Buffer
			c.readPart(child, &version, depth)
			ct, _ := contentType(child.Header.Get("Content-Type"))
			plain := ct == "text/plain"
			if len(bytes.TrimSpace(version.Bytes())) > 0 && !chosenPlain && (chosen == nil || plain) {
				chosen, chosenPlain = version.Bytes(), plain
			}
		}
		if alternative {
			contentAppend(text, chosen)
		}
		return
	}
	ctype, cparams := contentType(part.Header.Get("Content-Type"))
	_, dparams := mediaType(part.Header.Get("Content-Disposition"))
	name := partFilename(dparams, cparams)
	switch {
	case ctype == "message/rfc822" && depth < maxNesting:
		inner, err := io.ReadAll(part.Body)
		if err != nil {
			c.problem(ctype, err)
		}
		if name == "" {
			name = "message.eml"
		}
		c.Attachments = append(c.Attachments, AttachmentData{Attachment: Attachment{Filename: name, ContentType: ctype, Size: int64(len(inner))}, Data: inner})
		var fwd bytes.Buffer
		ih := c.readEntity(inner, &fwd, depth+1)
		var head strings.Builder
		head.WriteString("---------- Forwarded message ----------")
		for _, k := range []string{"From", "To", "Date", "Subject"} {
			if v := headerText(ih, k); v != "" {
				head.WriteString("\n" + k + ": " + v)
			}
		}
		contentAppend(text, []byte(head.String()))
		contentAppend(text, fwd.Bytes())

	case contentIsInlineText(part):
		body, err := io.ReadAll(part.Body)
		if err != nil {
			c.problem(ctype, err)
		}
		if ctype == "text/html" {
			body = htmlText(body)
		}
		contentAppend(text, body)

	default:
		data, err := io.ReadAll(part.Body)
		if err != nil {
			c.problem(ctype, err)
		}
		c.Attachments = append(c.Attachments, AttachmentData{Attachment: Attachment{Filename: name, ContentType: ctype, Size: int64(len(data))}, Data: data})
	}
}

// contentIsInlineText says whether a part is body text rather than an
// attachment, as extract decides it.
func contentIsInlineText(part *message.Entity) bool {
	if part.MultipartReader() != nil {
		return false
	}
	ctype, cparams := contentType(part.Header.Get("Content-Type"))
	disp, dparams := mediaType(part.Header.Get("Content-Disposition"))
	return partFilename(dparams, cparams) == "" && disp != "attachment" && (ctype == "text/plain" || ctype == "text/html")
}

// contentAppend adds a block of text, separated from the one before by an
// empty line.
func contentAppend(text *bytes.Buffer, b []byte) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return
	}
	if text.Len() > 0 {
		text.WriteString("\n\n")
	}
	text.Write(b)
}

func (c *Content) problem(what string, err error) {
	if err != nil {
		c.Problems = append(c.Problems, what+": "+err.Error())
	}
}
