package store

// This file makes the snippet shown under each search result.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// snippetTerms are the query's free words and phrases that are not negated:
// what a snippet of the body highlights.
func snippetTerms(n node, out []string) []string {
	switch n := n.(type) {
	case *textNode:
		if n.field == fieldAny {
			out = append(out, ftsTerm(n))
		}
	case *andNode:
		for _, k := range n.kids {
			out = snippetTerms(k, out)
		}
	case *orNode:
		for _, k := range n.kids {
			out = snippetTerms(k, out)
		}
	}
	return out
}

// Snippet shape: the markers around matched words (control bytes, which mail
// text practically never holds), how many words a snippet has, and how much of
// the body's start stands in when the body has none of the query's words.
const (
	matchStart   = "\x01"
	matchEnd     = "\x02"
	snippetWords = 24
	leadChars    = 200
)

// snippets makes the snippet of each of ids.
func (s *Store) snippets(ctx context.Context, q *compiledQuery, ids []int64) (map[int64][]SnippetPart, error) {
	list := idList(ids)
	out := make(map[int64][]SnippetPart, len(ids))
	if terms := snippetTerms(q.tree, nil); len(terms) > 0 {
		// The index seeks each id of the page in the query's doclists; but a
		// prefix term (inv*) is expanded afresh on each seek, so then one pass
		// over the page's id range is cheaper, the list filtering the rows
		// before their snippets are made.
		where := `rowid IN (` + list + `)`
		if slices.ContainsFunc(terms, func(t string) bool { return strings.HasSuffix(t, "*") }) {
			lo, hi := slices.Min(ids), slices.Max(ids)
			where = fmt.Sprintf(`rowid BETWEEN %d AND %d AND +rowid IN (%s)`, lo, hi, list)
		}
		rows, err := s.db.QueryContext(ctx, `SELECT rowid, snippet(search, 4, char(1), char(2), '…', `+strconv.Itoa(snippetWords)+`)
			FROM search WHERE search MATCH ? AND `+where, strings.Join(terms, " OR "))
		if err != nil {
			return nil, err
		}
		if err := scanSnippets(rows, out, false); err != nil {
			return nil, err
		}
	}
	var rest []int64
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			rest = append(rest, id)
		}
	}
	if len(rest) == 0 {
		return out, nil
	}
	// substr counts characters; a few more than shown, to end on a word.
	rows, err := s.db.QueryContext(ctx, `SELECT rowid, substr(body, 1, `+strconv.Itoa(leadChars*2)+`) FROM search WHERE rowid IN (`+idList(rest)+`)`)
	if err != nil {
		return nil, err
	}
	return out, scanSnippets(rows, out, true)
}

func scanSnippets(rows *sql.Rows, out map[int64][]SnippetPart, lead bool) error {
	defer rows.Close()
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return err
		}
		if lead {
			text = leadText(text)
		}
		out[id] = splitSnippet(text)
	}
	return rows.Err()
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

// displayText undoes what indexing did to text for showing it: runs of white
// space (line breaks) become one space, and the spaces ftsText put around
// Chinese, Japanese and Korean characters go.
func displayText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune // the last rune written that is not a marker
	pendingSpace := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) && r != rune(matchStart[0]) && r != rune(matchEnd[0]) {
			pendingSpace = true
			continue
		}
		if r == rune(matchStart[0]) || r == rune(matchEnd[0]) {
			// A marker does not decide spacing; the space goes before it.
			if pendingSpace && prev != 0 && !cjkText(prev) {
				b.WriteByte(' ')
				pendingSpace = false
			}
			b.WriteRune(r)
			continue
		}
		if pendingSpace && prev != 0 && !(cjkText(prev) && cjkText(r)) {
			b.WriteByte(' ')
		}
		pendingSpace = false
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// cjkText says whether r belongs to CJK writing, where words are not separated
// by spaces: the characters ftsText splits and CJK punctuation.
func cjkText(r rune) bool {
	return isCJK(r) || 0x3000 <= r && r <= 0x303f || 0xff00 <= r && r <= 0xffef
}
