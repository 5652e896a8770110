package store

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
)

// htmlText turns an HTML body into the words a person reads: text and link
// targets, without scripts, styles or markup, with line breaks where blocks end.
func htmlText(src []byte) []byte {
	var out bytes.Buffer
	z := html.NewTokenizer(bytes.NewReader(src))
	skip := 0 // inside <script>, <style>, <head><title> is kept
	for {
		switch z.Next() {
		case html.ErrorToken:
			return bytes.TrimSpace(out.Bytes())
		case html.TextToken:
			if skip == 0 {
				text := strings.Join(strings.Fields(html.UnescapeString(string(z.Text()))), " ")
				if text != "" {
					if n := out.Len(); n > 0 && out.Bytes()[n-1] != '\n' && out.Bytes()[n-1] != ' ' {
						out.WriteByte(' ')
					}
					out.WriteString(text)
				}
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip++
			case "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote":
				out.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				if skip > 0 {
					skip--
				}
			case "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote":
				out.WriteByte('\n')
			}
		}
	}
}
