package storetest

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Tokens splits text into words the way the archive's full-text index does
// (SQLite's unicode61 tokenizer with remove_diacritics 2, plus one token per CJK
// character): runs of letters and digits, lower-cased, with the diacritics of
// Latin letters removed ("Müller" gives "muller"); every Han, Hiragana and
// Katakana character is a word of its own.
func Tokens(text string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range text {
		switch {
		case isCJK(r):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			cur.WriteString(fold(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// fold lower-cases r and strips a Latin letter's diacritics.
func fold(r rune) string {
	if unicode.Is(unicode.Mn, r) {
		return ""
	}
	r = unicode.ToLower(r)
	if r < 0x80 || !unicode.Is(unicode.Latin, r) {
		return string(r)
	}
	var b strings.Builder
	for _, d := range norm.NFD.String(string(r)) {
		if !unicode.Is(unicode.Mn, d) {
			b.WriteRune(d)
		}
	}
	return b.String()
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// ContainsPhrase reports whether the words of phrase appear in text one after the
// other, as the full-text index would match them. A single word is a phrase of
// one; a CJK word is the phrase of its characters.
func ContainsPhrase(text, phrase string) bool {
	return containsTokens(Tokens(text), Tokens(phrase))
}

func containsTokens(have, want []string) bool {
	if len(want) == 0 {
		return false
	}
outer:
	for i := 0; i+len(want) <= len(have); i++ {
		for j, w := range want {
			if have[i+j] != w {
				continue outer
			}
		}
		return true
	}
	return false
}
