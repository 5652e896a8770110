package store

import (
	"strings"
	"unicode"
)

// ftsText prepares text for the full-text index and for queries alike.
//
// FTS5's unicode61 tokenizer splits on spaces and punctuation, which works for
// scripts that put spaces between words (Latin, Cyrillic, Greek, …) but makes a
// whole Chinese or Japanese sentence one token. So every Han, Hiragana, Katakana
// and Hangul character becomes a token of its own: a CJK word is then found as a
// phrase of its characters, wherever it stands in a sentence.
func ftsText(s string) string {
	// CJK characters start at U+1100, whose UTF-8 encodings begin with a byte of
	// 0xE1 or more: text without such bytes (most mail) needs no further look.
	if !hasHighBytes(s) {
		return s
	}
	i := strings.IndexFunc(s, isCJK)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	b.WriteString(s[:i])
	for _, r := range s[i:] {
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
	if r < 0x1100 {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

func hasHighBytes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xe1 {
			return true
		}
	}
	return false
}
