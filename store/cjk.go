package store

import (
	"strings"
	"unicode"
)

// Stand-in on branch search until the coordinator's store/cjk.go lands on
// main (take main's version on merge).

// ftsText prepares text for the full-text index: unicode61 does not split
// Chinese, Japanese or Korean text into words, so every such character
// becomes a word of its own and a CJK word is found as a phrase of its
// characters.
func ftsText(s string) string {
	if strings.IndexFunc(s, isCJK) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isCJK(r) {
			b.WriteByte(' ')
			b.WriteRune(r)
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}
