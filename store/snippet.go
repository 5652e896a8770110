package store

// This file makes the snippet shown under each search result.

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Snippet shape: the markers around matched words (control bytes, which mail
// text practically never holds), how many words a snippet has, and how much of
// the body's start stands in when the body has none of the query's words.
const (
	matchStart   = "\x01"
	matchEnd     = "\x02"
	snippetWords = 24
	leadChars    = 200
)

// snippets makes the snippet of each of ids: the words around the first place
// in its body where one of the query's words or phrases stands, marked; or the
// start of the body when the match is elsewhere (subject, sender) or the query
// has no words. It is made here rather than by FTS5's snippet(), which reads and
// scores the whole body of every row: looking only as far as the first match
// is many times cheaper on long messages.
func (s *Store) snippets(ctx context.Context, q *compiledQuery, ids []int64) (map[int64][]SnippetPart, error) {
	terms := snippetMatchers(q.tree, nil)
	out := make(map[int64][]SnippetPart, len(ids))
	var inBody map[int64]bool
	if q.few && len(terms) > 0 {
		var err error
		if inBody, err = s.bodyMatches(ctx, terms, ids); err != nil {
			return nil, err
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, mailkeep_text(body) FROM texts WHERE id IN (`+idList(ids)+`)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			return nil, err
		}
		if inBody != nil && !inBody[id] {
			out[id] = splitSnippet(leadText(body[:min(len(body), leadChars*8)]))
			continue
		}
		if text, ok := findSnippet(body, terms); ok {
			out[id] = splitSnippet(text)
			continue
		}
		out[id] = splitSnippet(leadText(body[:min(len(body), leadChars*8)]))
	}
	return out, rows.Err()
}

// bodyMatches asks the index which of ids have one of terms in their body, so
// that bodies without one are not read word by word (a word found only in
// subjects would otherwise have every body read to its end). Only for rare
// terms: for a common one the index would walk all its matches.
func (s *Store) bodyMatches(ctx context.Context, terms []snippetMatcher, ids []int64) (map[int64]bool, error) {
	alts := make([]string, len(terms))
	for i, t := range terms {
		alts[i] = `"` + strings.ReplaceAll(strings.Join(t.words, " "), `"`, `""`) + `"`
		if t.prefix {
			alts[i] += " *"
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT rowid FROM search WHERE search MATCH ? AND rowid IN (`+idList(ids)+`)`,
		"body : ("+strings.Join(alts, " OR ")+")")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// snippetMatcher is one free word or phrase of a query, as folded tokens.
type snippetMatcher struct {
	words  []string
	prefix bool // the last word may be the start of a longer one
}

// snippetMatchers are the query's free words and phrases that are not negated.
func snippetMatchers(n node, out []snippetMatcher) []snippetMatcher {
	switch n := n.(type) {
	case *textNode:
		if n.field == fieldAny {
			var m snippetMatcher
			tokens(ftsText(n.text), func(_, _ int, w string) bool {
				m.words = append(m.words, w)
				return true
			})
			if len(m.words) > 0 {
				m.prefix = n.prefix
				out = append(out, m)
			}
		}
	case *andNode:
		for _, k := range n.kids {
			out = snippetMatchers(k, out)
		}
	case *orNode:
		for _, k := range n.kids {
			out = snippetMatchers(k, out)
		}
	}
	return out
}

// snippetScan bounds how much of a body is searched for a match.
const snippetScan = 64 << 10

type token struct {
	start, end int
	word       string
}

// findSnippet marks the first match of any of terms in body and returns the
// words around it; ok is false when there is none.
func findSnippet(body string, terms []snippetMatcher) (string, bool) {
	if len(terms) == 0 {
		return "", false
	}
	var toks []token
	hit, hitLen := -1, 0
	tokens(body[:min(len(body), snippetScan)], func(start, end int, w string) bool {
		toks = append(toks, token{start, end, w})
		// Does a term end here?
		for _, t := range terms {
			n := len(t.words)
			if n > len(toks) {
				continue
			}
			first := len(toks) - n
			if wordsMatch(toks[first:], t) {
				hit, hitLen = first, n
				return false
			}
		}
		return true
	})
	if hit < 0 {
		return "", false
	}
	// Keep reading to fill the window after the match.
	tail := toks[len(toks)-1].end
	tokens(body[tail:min(len(body), tail+snippetWords*40)], func(start, end int, w string) bool {
		toks = append(toks, token{tail + start, tail + end, w})
		return len(toks) < hit+snippetWords
	})
	from := max(0, hit-snippetWords/4)
	to := max(min(len(toks), from+snippetWords), hit+hitLen)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	// Mark every match in the window, not only the first.
	pos := toks[from].start
	for i := from; i < to; {
		n := 0
		for _, t := range terms {
			if len(t.words) <= to-i && wordsMatch(toks[i:], t) {
				n = max(n, len(t.words))
			}
		}
		if n == 0 {
			i++
			continue
		}
		b.WriteString(body[pos:toks[i].start])
		b.WriteString(matchStart)
		b.WriteString(body[toks[i].start:toks[i+n-1].end])
		b.WriteString(matchEnd)
		pos = toks[i+n-1].end
		i += n
	}
	end := toks[to-1].end
	rest := body[end:min(len(body), end+snippetWords*40)]
	if more := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }); more >= 0 {
		b.WriteString(body[pos:end])
		b.WriteString("…")
	} else {
		b.WriteString(strings.TrimRightFunc(body[pos:end+len(rest)], unicode.IsSpace))
	}
	return b.String(), true
}

func wordsMatch(toks []token, t snippetMatcher) bool {
	for i, w := range t.words {
		got := toks[i].word
		if i == len(t.words)-1 && t.prefix {
			if !strings.HasPrefix(got, w) {
				return false
			}
		} else if got != w {
			return false
		}
	}
	return true
}

// tokens calls fn for each word of s as the index sees it: a run of letters,
// digits and marks, folded to lower case without accents. fn returns false to
// stop.
func tokens(s string, fn func(start, end int, word string) bool) {
	start := -1
	for i := 0; i < len(s); {
		var word bool
		size := 1
		if c := s[i]; c < utf8.RuneSelf {
			word = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			word = unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		}
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			if !fn(start, i, foldWord(s[start:i])) {
				return
			}
			start = -1
		}
		i += size
	}
	if start >= 0 {
		fn(start, len(s), foldWord(s[start:]))
	}
}

// foldWord lower-cases w and drops accents, as the index's tokenizer does.
func foldWord(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(w)
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// leadText is the start of a body text, cut at a word boundary.
func leadText(s string) string {
	s = displayText(s)
	if utf8.RuneCountInString(s) <= leadChars {
		return s
	}
	cut := 0
	for i := range s {
		if cut >= leadChars {
			s = s[:i]
			break
		}
		cut++
	}
	if i := strings.LastIndexByte(s, ' '); i > len(s)/2 {
		s = s[:i]
	}
	return s + "…"
}

// splitSnippet cuts marked snippet text into parts.
func splitSnippet(s string) []SnippetPart {
	s = displayText(s)
	var parts []SnippetPart
	for s != "" {
		i := strings.Index(s, matchStart)
		if i < 0 {
			parts = append(parts, SnippetPart{Text: s})
			break
		}
		if i > 0 {
			parts = append(parts, SnippetPart{Text: s[:i]})
		}
		s = s[i+len(matchStart):]
		j := strings.Index(s, matchEnd)
		if j < 0 {
			j = len(s)
		}
		if j > 0 {
			parts = append(parts, SnippetPart{Text: s[:j], Match: true})
		}
		s = strings.TrimPrefix(s[j:], matchEnd)
	}
	return parts
}

// displayText undoes what indexing did to text for showing it: the space
// ftsText put on each side of a Chinese, Japanese or Korean character goes
// (so "12日" shows as it was written, not "12 日"), and runs of white space
// (line breaks) become one space, or none between CJK characters. The
// snippet's match markers are kept where they are and do not count as text.
func displayText(s string) string {
	return collapseSpace(unsplitCJK(s))
}

// isMarker says whether r is one of the snippet's match markers.
func isMarker(r rune) bool { return r == rune(matchStart[0]) || r == rune(matchEnd[0]) }

// unsplitCJK drops the two spaces ftsText put around each CJK character.
func unsplitCJK(s string) string {
	if !hasHighBytes(s) {
		return s
	}
	out := make([]rune, 0, len(s))
	afterCJK := false // the next space (past markers) is ftsText's
	for _, r := range s {
		switch {
		case isMarker(r):
			out = append(out, r)
		case isCJK(r):
			// The space before it, past markers, is ftsText's.
			i := len(out) - 1
			for i >= 0 && isMarker(out[i]) {
				i--
			}
			if i >= 0 && out[i] == ' ' && !afterCJK {
				out = append(out[:i], out[i+1:]...)
			}
			out = append(out, r)
			afterCJK = true
			continue
		case r == ' ' && afterCJK:
			afterCJK = false
			continue
		default:
			out = append(out, r)
		}
		if !isMarker(r) {
			afterCJK = false
		}
	}
	return string(out)
}

// collapseSpace makes each run of white space one space, and drops control
// characters other than the markers. A line break between Chinese or
// Japanese characters, which are written without spaces, becomes none.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune   // the last rune written that is not a marker
	var held []rune // markers met in a run of white space: they go after the space
	pendingSpace, lineBreak := false, false
	for _, r := range s {
		switch {
		case isMarker(r) && pendingSpace:
			held = append(held, r)
			continue
		case isMarker(r):
			b.WriteRune(r)
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			pendingSpace = true
			lineBreak = lineBreak || r == '\n' || r == '\r'
			continue
		}
		if pendingSpace && prev != 0 && !(lineBreak && unspacedText(prev) && unspacedText(r)) {
			b.WriteByte(' ')
		}
		for _, m := range held {
			b.WriteRune(m)
		}
		held, pendingSpace, lineBreak = held[:0], false, false
		b.WriteRune(r)
		prev = r
	}
	for _, m := range held {
		b.WriteRune(m)
	}
	return b.String()
}

// unspacedText says whether r belongs to writing without spaces between
// words: Chinese and Japanese characters and CJK punctuation (Korean puts
// spaces between words).
func unspacedText(r rune) bool {
	return cjkText(r) && !unicode.Is(unicode.Hangul, r)
}

// cjkText says whether r belongs to CJK writing, where words are not separated
// by spaces: the characters ftsText splits and CJK punctuation.
func cjkText(r rune) bool {
	return isCJK(r) || 0x3000 <= r && r <= 0x303f || 0xff00 <= r && r <= 0xffef
}
