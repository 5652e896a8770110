package storetest

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// wellFormed writes the MIME structure of a correct message.
func (g *gen) wellFormed(h *strings.Builder, body *bytes.Buffer, lines []string) {
	m := &g.m
	m.Body = strings.Join(lines, "\n")

	big := g.mix == MixReal && g.chance(0.015)
	x := g.r.Float64()
	if g.mix == MixReal {
		x = x * 0.9 // no HTML-only messages in benchmarks' mail
	}
	switch {
	case big || x < 0.25:
		m.Structure = "multipart/mixed"
		b := g.boundary()
		h.WriteString("Content-Type: multipart/mixed; boundary=\"" + b + "\"\n")
		g.preamble(body)
		body.WriteString("--" + b + "\n")
		if g.chance(0.3) {
			g.alternative(body, lines)
		} else {
			g.textPart(body, "text/plain", lines)
		}
		n := 1 + g.r.IntN(3)
		if big {
			n = 1
		}
		for range n {
			body.WriteString("--" + b + "\n")
			g.attachment(body, big)
		}
		if g.mix == MixVaried && g.chance(0.15) {
			body.WriteString("--" + b + "\n")
			g.forwarded(body)
		}
		body.WriteString("--" + b + "--\n")
		g.epilogue(body)
	case x < 0.45:
		m.Structure = "multipart/alternative"
		b := g.boundary()
		h.WriteString("Content-Type: multipart/alternative; boundary=\"" + b + "\"\n")
		g.preamble(body)
		g.alternativeBody(body, b, lines)
	case x < 0.55:
		m.Structure = "text/html"
		g.singlePart(h, body, "text/html", lines)
	default:
		m.Structure = "text/plain"
		g.singlePart(h, body, "text/plain", lines)
	}
}

func (g *gen) boundary() string {
	g.parts++
	return fmt.Sprintf("----=_Part_%d_%d.%08x", g.index, g.parts, g.r.Uint32())
}

func (g *gen) preamble(body *bytes.Buffer) {
	if g.chance(0.5) {
		body.WriteString("This is a multi-part message in MIME format.\n\n")
	}
}

func (g *gen) epilogue(body *bytes.Buffer) {
	if g.chance(0.2) {
		body.WriteString("\nepilogue lorem ipsum\n")
	}
}

// alternative writes a multipart/alternative body part, headers and body.
func (g *gen) alternative(body *bytes.Buffer, lines []string) {
	b := g.boundary()
	body.WriteString("Content-Type: multipart/alternative; boundary=\"" + b + "\"\n\n")
	g.alternativeBody(body, b, lines)
}

func (g *gen) alternativeBody(body *bytes.Buffer, b string, lines []string) {
	body.WriteString("--" + b + "\n")
	g.textPart(body, "text/plain", lines)
	body.WriteString("--" + b + "\n")
	g.textPart(body, "text/html", lines)
	body.WriteString("--" + b + "--\n")
}

// singlePart writes the message's only part: its Content-Type and
// Content-Transfer-Encoding go in the message header.
func (g *gen) singlePart(h *strings.Builder, body *bytes.Buffer, ctype string, lines []string) {
	hdr, content := g.encodeText(ctype, lines)
	h.WriteString(hdr)
	body.Write(content)
}

// textPart writes a text part, headers and body.
func (g *gen) textPart(body *bytes.Buffer, ctype string, lines []string) {
	hdr, content := g.encodeText(ctype, lines)
	body.WriteString(hdr)
	body.WriteString("\n")
	body.Write(content)
}

// encodeText renders lines as plain text or HTML in the message's charset and
// picks a transfer encoding: 8bit (or 7bit) when lines must stay visible (dots,
// From_ lines, long lines), otherwise what suits the charset.
func (g *gen) encodeText(ctype string, lines []string) (header string, content []byte) {
	m := &g.m
	var text string
	if ctype == "text/html" {
		var s strings.Builder
		s.WriteString(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=` + m.Charset + "\"></head><body>\n")
		for _, l := range lines {
			s.WriteString(htmlEscape(l) + "<br>\n")
		}
		s.WriteString("</body></html>\n")
		text = s.String()
	} else {
		text = strings.Join(lines, "\n") + "\n"
	}
	raw := encodeText(m.Charset, text)
	ascii := isASCII(string(raw))

	var cte string
	switch {
	case m.Quirks&(QuirkDotLines|QuirkFromLines|QuirkLongLine) != 0 || g.mix == MixReal && g.chance(0.5):
		cte = "8bit"
	case m.Charset == "utf-8":
		cte = pick(g, []string{"8bit", "quoted-printable", "base64"})
	case m.Charset == "iso-8859-1", m.Charset == "windows-1252":
		cte = pick(g, []string{"8bit", "quoted-printable"})
	default:
		cte = pick(g, []string{"8bit", "base64"})
	}
	if cte == "8bit" && ascii {
		cte = "7bit"
	}
	switch cte {
	case "base64":
		content = base64Lines(raw)
	case "quoted-printable":
		content = quotedPrintable(raw)
	default:
		content = raw
	}
	cs := m.Charset
	if g.chance(0.3) {
		cs = strings.ToUpper(cs)
	}
	if g.chance(0.5) {
		cs = `"` + cs + `"`
	}
	return "Content-Type: " + ctype + "; charset=" + cs + "\nContent-Transfer-Encoding: " + g.cteName(cte) + "\n", content
}

// cteName writes a transfer encoding's name, sometimes in capitals as some
// mail programs do.
func (g *gen) cteName(cte string) string {
	if g.chance(0.1) {
		return strings.ToUpper(cte)
	}
	return cte
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// attachment writes one attachment part and records it in the model.
func (g *gen) attachment(body *bytes.Buffer, big bool) {
	m := &g.m
	spec := pick(g, attachmentNames)
	a := Attachment{Filename: spec.name, ContentType: spec.ctype}
	if big {
		a.Filename = fmt.Sprintf("scan-%d.pdf", g.index)
		a.ContentType = "application/pdf"
	}
	text := strings.HasPrefix(a.ContentType, "text/")
	switch {
	case text:
		var s strings.Builder
		for i := range 5 + g.r.IntN(60) {
			s.WriteString(pick(g, attachmentFiller))
			switch {
			case i%9 == 8:
				s.WriteString(" = ü\n")
			case i%5 == 4:
				s.WriteString("\n")
			default:
				s.WriteString(" ")
			}
		}
		s.WriteString("end") // the line break before a boundary belongs to the boundary
		a.Data = []byte(s.String())
		a.Encoding = "quoted-printable"
	default:
		n := 200 + g.r.IntN(4000)
		if big {
			n = logUniform(g.r, 100<<10, 2<<20) * 3 / 4
		}
		a.Data = g.randomBytes(n)
		a.Encoding = "base64"
	}

	ctParam, cdParam := g.nameParams(&a, spec.charset)
	if text {
		body.WriteString("Content-Type: " + a.ContentType + "; charset=utf-8;\n " + ctParam + "\n")
	} else {
		body.WriteString("Content-Type: " + a.ContentType + ";\n " + ctParam + "\n")
	}
	body.WriteString("Content-Disposition: attachment;\n " + cdParam + "\n")
	body.WriteString("Content-Transfer-Encoding: " + g.cteName(a.Encoding) + "\n\n")
	if text {
		body.Write(quotedPrintable(a.Data))
		if m.Quirks&QuirkCRLF != 0 {
			// Decoding a quoted-printable part gives its line breaks as written.
			a.Data = bytes.ReplaceAll(a.Data, []byte("\n"), []byte("\r\n"))
		}
	} else {
		body.Write(base64Lines(a.Data))
	}
	m.Attachments = append(m.Attachments, a)
}

// nameParams writes an attachment's name as the name parameter of its
// Content-Type and the filename parameter of its Content-Disposition, in one of
// the ways mail programs do.
func (g *gen) nameParams(a *Attachment, charset string) (ct, cd string) {
	name := a.Filename
	if isASCII(name) {
		a.NameEncoding = "plain"
		if !strings.ContainsAny(name, " ()<>@,;:\\\"/[]?=") && g.chance(0.3) {
			return "name=" + name, "filename=" + name
		}
		return `name="` + name + `"`, `filename="` + name + `"`
	}
	if charset == "" || g.chance(0.5) {
		charset = "utf-8"
	}
	switch g.r.IntN(4) {
	case 0, 1:
		continued := g.chance(0.5)
		switch {
		case charset != "utf-8":
			// Older mail programs write 8-bit charsets here.
			a.NameEncoding = "rfc2231-latin1"
		case continued:
			a.NameEncoding = "rfc2231-continued"
		default:
			a.NameEncoding = "rfc2231"
		}
		return rfc2231("name", charset, name, continued), rfc2231("filename", charset, name, continued)
	case 2:
		a.NameEncoding = "rfc2047"
		w := encodedWords(charset, g.chance(0.5), name)
		w = strings.ReplaceAll(w, "\n ", " ")
		return `name="` + w + `"`, `filename="` + w + `"`
	}
	a.NameEncoding = "raw-utf8"
	return `name="` + name + `"`, `filename="` + name + `"`
}

func (g *gen) randomBytes(n int) []byte {
	b := make([]byte, n+8)
	for i := 0; i < n; i += 8 {
		v := g.r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b[:n]
}

// malformed writes a message whose MIME structure is broken in the way
// m.Malformed names. Parts a reader may not get at hold only filler words, so
// that no query's answer depends on how far a reader gets.
func (g *gen) malformed(h *strings.Builder, body *bytes.Buffer, lines []string) {
	m := &g.m
	fill := fillerOnly(lines)
	switch m.Malformed {
	case "missing closing boundary", "bad base64":
		m.Structure = "multipart/mixed"
		m.Body = strings.Join(lines, "\n")
		m.AttachmentsUnsure = true
		b := g.boundary()
		h.WriteString("Content-Type: multipart/mixed; boundary=\"" + b + "\"\n")
		body.WriteString("--" + b + "\n")
		g.textPart(body, "text/plain", lines)
		body.WriteString("--" + b + "\n")
		body.WriteString("Content-Type: application/pdf; name=\"report.pdf\"\nContent-Disposition: attachment; filename=\"report.pdf\"\nContent-Transfer-Encoding: base64\n\n")
		if m.Malformed == "bad base64" {
			body.WriteString("JVBERi0xLjQKJcfs!!!notbase64***\n@@@@ this is not base64 at all ####\nJVBERi0xLjQK=====\n")
			body.WriteString("--" + b + "--\n")
		} else {
			body.Write(base64Lines(g.randomBytes(300 + g.r.IntN(2000))))
		}
	case "bad content-type":
		m.Structure = "text/plain"
		h.WriteString("Content-Type: " + pick(g, []string{`text/plain; charset="utf-8`, `text/plain;; charset==;`, `text`, `"broken`, `/; boundary`}) + "\n")
		body.WriteString(strings.Join(fill, "\n") + "\n")
	case "multipart without boundary":
		m.Structure = "multipart/mixed"
		m.AttachmentsUnsure = true
		h.WriteString("Content-Type: multipart/mixed\n")
		body.WriteString("--zzz\nContent-Type: text/plain\n\n" + strings.Join(fill, "\n") + "\n")
		body.WriteString("--zzz\nContent-Type: application/pdf; name=\"report.pdf\"\nContent-Disposition: attachment; filename=\"report.pdf\"\nContent-Transfer-Encoding: base64\n\n")
		body.Write(base64Lines(g.randomBytes(300)))
		body.WriteString("--zzz--\n")
	case "header without colon":
		m.Structure = "text/plain"
		h.WriteString("Content-Type: text/plain; charset=us-ascii\nX-Broken header line without a colon\n")
		body.WriteString(strings.Join(fill, "\n") + "\n")
	default:
		panic("storetest: unknown malformation " + m.Malformed)
	}
}

// fillerOnly keeps the lines that carry no planted word (the quirks' lines) and
// replaces the others by filler.
func fillerOnly(lines []string) []string {
	out := make([]string, 0, len(lines))
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "From ") || strings.HasPrefix(l, ">") || len(l) > 5000 {
			out = append(out, l)
			continue
		}
		n := len(strings.Fields(l))
		var w []string
		for j := range n {
			w = append(w, filler[(i*7+j)%len(filler)])
		}
		out = append(out, strings.Join(w, " "))
	}
	return out
}

// forwarded writes a forwarded message (message/rfc822) as an attachment. What
// a reader sees of it, its sender, recipient, subject and text, is part of the
// message's body text.
func (g *gen) forwarded(body *bytes.Buffer) {
	m := &g.m
	from, to := pick(g, People), pick(g, People)
	subject := "Fwd " + pick(g, Topics) + " " + pick(g, filler)
	var text []string
	for range 2 + g.r.IntN(4) {
		line := []string{pick(g, filler), pick(g, filler), pick(g, Topics), pick(g, filler)}
		text = append(text, strings.Join(line, " "))
	}
	inner := "From: " + g.address(from, false) + "\nTo: " + g.address(to, false) + "\nSubject: " + subject +
		"\nDate: " + m.Envelope.Add(-48*time.Hour).Format(time.RFC1123Z) + "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n" +
		strings.Join(text, "\n") + "\n"
	body.WriteString("Content-Type: message/rfc822; name=\"forwarded.eml\"\nContent-Disposition: attachment; filename=\"forwarded.eml\"\n\n")
	body.WriteString(inner)
	body.WriteString("\n") // the line break before the boundary belongs to the boundary
	data := []byte(inner)
	if m.Quirks&QuirkCRLF != 0 {
		data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
	}
	m.Attachments = append(m.Attachments, Attachment{Filename: "forwarded.eml", ContentType: "message/rfc822", Data: data, Encoding: "7bit", NameEncoding: "plain"})
	m.Body += "\n" + personText(from) + "\n" + personText(to) + "\n" + subject + "\n" + strings.Join(text, "\n")
}
