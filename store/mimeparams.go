package store

import (
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Header parameters as mail really writes them. Go's mime.ParseMediaType is
// strict: it drops a whole header over one bad parameter, and drops RFC 2231
// values in any charset but UTF-8 and ASCII (filename*=iso-8859-1''M%E4rz.pdf),
// which real mail uses all the time. So Content-Type and Content-Disposition are
// read here, leniently: the type is what stands before the first ';', and each
// parameter is taken on its own, with RFC 2231 charsets and continuations,
// RFC 2047 words in quoted values, and raw 8-bit bytes.

// mediaType reads a Content-Type or Content-Disposition value into its
// lower-case type and its parameters (keys lower case, values decoded).
func mediaType(v string) (string, map[string]string) {
	typ, rest, _ := strings.Cut(v, ";")
	typ = strings.ToLower(strings.TrimSpace(typ))
	return typ, mediaParams(rest)
}

// contentType is a part's media type; per RFC 2045, one that cannot be read is
// text/plain.
func contentType(v string) (string, map[string]string) {
	typ, params := mediaType(v)
	if typ == "" && strings.TrimSpace(v) == "" {
		return "text/plain", params
	}
	if i := strings.IndexByte(typ, '/'); i <= 0 || i == len(typ)-1 || strings.ContainsAny(typ, " \t\"") {
		return "text/plain", params
	}
	return typ, params
}

// mediaParams reads "; a=b; c*=utf-8”x; d*0=..; d*1=..".
func mediaParams(s string) map[string]string {
	type section struct {
		n       int
		value   string
		encoded bool
	}
	plain := map[string]string{}
	sections := map[string][]section{}
	for _, p := range splitParams(s) {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = unquote(strings.TrimSpace(v))
		if k == "" {
			continue
		}
		name, star := k, false
		if strings.HasSuffix(name, "*") {
			name, star = strings.TrimSuffix(name, "*"), true
		}
		if base, num, ok := strings.Cut(name, "*"); ok {
			if n, err := strconv.Atoi(num); err == nil {
				sections[base] = append(sections[base], section{n, v, star})
				continue
			}
		}
		if star {
			sections[name] = append(sections[name], section{0, v, true})
			continue
		}
		if _, seen := plain[name]; !seen {
			plain[name] = validText(v)
		}
	}
	out := make(map[string]string, len(plain)+len(sections))
	for k, v := range plain {
		out[k] = v
	}
	for name, secs := range sections {
		sort.SliceStable(secs, func(i, j int) bool { return secs[i].n < secs[j].n })
		var raw []byte
		charset := ""
		for i, sec := range secs {
			v := sec.value
			if sec.encoded {
				if i == 0 {
					if cs, rest, ok := strings.Cut(v, "'"); ok {
						if _, rest2, ok := strings.Cut(rest, "'"); ok {
							charset, v = cs, rest2
						}
					}
				}
				if dec, err := url.PathUnescape(v); err == nil {
					v = dec
				}
			}
			raw = append(raw, v...)
		}
		out[name] = decodeCharset(charset, raw)
	}
	return out
}

// decodeCharset turns bytes in a named charset into UTF-8; unknown or missing
// charsets fall back to UTF-8, or Windows-1252 for bytes that are not UTF-8.
func decodeCharset(charset string, b []byte) string {
	cs := strings.ToLower(charset)
	if cs != "" && cs != "utf-8" && cs != "us-ascii" {
		if r, err := charsetReader(cs, strings.NewReader(string(b))); err == nil {
			if out, err := io.ReadAll(r); err == nil {
				return string(out)
			}
		}
	}
	return validText(string(b))
}

// splitParams splits on ';' outside double quotes.
func splitParams(s string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case ';':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

func unquote(v string) string {
	if len(v) < 2 || v[0] != '"' {
		return strings.Trim(v, `"`)
	}
	v = strings.TrimSuffix(v[1:], `"`)
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}
