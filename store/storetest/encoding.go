package storetest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime/quotedprintable"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// charsetEncoder returns the encoder for a charset this package writes.
func charsetEncoder(charset string) *encoding.Encoder {
	switch charset {
	case "utf-8", "us-ascii", UnknownCharset:
		return nil
	case "iso-8859-1":
		return charmap.ISO8859_1.NewEncoder()
	case "windows-1252":
		return charmap.Windows1252.NewEncoder()
	case "koi8-r":
		return charmap.KOI8R.NewEncoder()
	case "iso-2022-jp":
		return japanese.ISO2022JP.NewEncoder()
	}
	panic("storetest: no encoder for charset " + charset)
}

// encodeText gives s (UTF-8) in charset. The generator only writes text the
// charset can carry, so a failure is a bug of this package.
func encodeText(charset, s string) []byte {
	enc := charsetEncoder(charset)
	if enc == nil {
		return []byte(s)
	}
	b, err := enc.Bytes([]byte(s))
	if err != nil {
		panic(fmt.Sprintf("storetest: %q cannot be written in %s: %v", s, charset, err))
	}
	return b
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// encodedWords writes s as RFC 2047 encoded words in charset ("B" or "Q"),
// split at character boundaries so that no word is longer than 75 characters,
// separated by folding white space.
func encodedWords(charset string, q bool, s string) string {
	var words []string
	var chunk strings.Builder
	flush := func() {
		if chunk.Len() > 0 {
			words = append(words, encodedWord(charset, q, chunk.String()))
			chunk.Reset()
		}
	}
	for _, r := range s {
		next := chunk.String() + string(r)
		if len(encodedWord(charset, q, next)) > 75 {
			flush()
		}
		chunk.WriteRune(r)
	}
	flush()
	return strings.Join(words, "\n ")
}

func encodedWord(charset string, q bool, s string) string {
	b := encodeText(charset, s)
	if !q {
		return "=?" + charset + "?B?" + base64.StdEncoding.EncodeToString(b) + "?="
	}
	var out strings.Builder
	out.WriteString("=?" + charset + "?Q?")
	for _, c := range b {
		switch {
		case c == ' ':
			out.WriteByte('_')
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '!', c == '*', c == '+', c == '-', c == '/':
			out.WriteByte(c)
		default:
			fmt.Fprintf(&out, "=%02X", c)
		}
	}
	out.WriteString("?=")
	return out.String()
}

// headerText writes an unstructured header value: as is when ASCII, else as
// encoded words.
func headerText(charset string, q bool, s string) string {
	if isASCII(s) {
		return s
	}
	return encodedWords(charset, q, s)
}

// rfc2231 writes the parameter attr=value in RFC 2231's extended form,
// continued over several sections when continued is set.
func rfc2231(attr, charset, value string, continued bool) string {
	enc := pctEncode(encodeText(charset, value))
	if !continued {
		return attr + "*=" + charset + "''" + enc
	}
	var parts []string
	for i := 0; len(enc) > 0; i++ {
		n := min(len(enc), 18)
		// do not split a %XX escape
		for n < len(enc) && n >= 2 && (enc[n-1] == '%' || enc[n-2] == '%') {
			n--
		}
		prefix := ""
		if i == 0 {
			prefix = charset + "''"
		}
		parts = append(parts, fmt.Sprintf("%s*%d*=%s%s", attr, i, prefix, enc[:n]))
		enc = enc[n:]
	}
	return strings.Join(parts, ";\n ")
}

func pctEncode(b []byte) string {
	var out strings.Builder
	for _, c := range b {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			out.WriteByte(c)
		} else {
			fmt.Fprintf(&out, "%%%02X", c)
		}
	}
	return out.String()
}

// base64Lines encodes b in lines of 76 characters, each ending in "\n".
func base64Lines(b []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(b)
	var out bytes.Buffer
	for len(enc) > 76 {
		out.WriteString(enc[:76])
		out.WriteByte('\n')
		enc = enc[76:]
	}
	out.WriteString(enc)
	out.WriteByte('\n')
	return out.Bytes()
}

// quotedPrintable encodes b, with "\n" line endings.
func quotedPrintable(b []byte) []byte {
	var out bytes.Buffer
	w := quotedprintable.NewWriter(&out)
	w.Write(b)
	w.Close()
	s := bytes.ReplaceAll(out.Bytes(), []byte("\r\n"), []byte("\n"))
	if len(s) > 0 && s[len(s)-1] != '\n' {
		s = append(s, '\n')
	}
	return s
}
