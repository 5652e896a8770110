package app

import (
	"strings"
	"time"
	"unicode"
)

// The quick filters under the search box (mailbox, dates, has attachment)
// are words of the query, written and read here: the query text stays the
// one truth, and what a filter sets can be seen, and changed, in the box.

// queryTerm is one top-level term of a query: a word, a field:value, a
// "phrase" or a (group), with its place in the text.
type queryTerm struct {
	text       string
	start, end int
}

// queryTerms splits a query into its top-level terms: on white space outside
// quotes and parentheses.
func queryTerms(q string) []queryTerm {
	var out []queryTerm
	start, depth, quoted := -1, 0, false
	for i, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case unicode.IsSpace(r) && depth == 0:
			if start >= 0 {
				out = append(out, queryTerm{q[start:i], start, i})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, queryTerm{q[start:], start, len(q)})
	}
	return out
}

// termValue is the value of a term "field:value" ("" and false for another
// term); quotes around the value are taken off.
func termValue(term, field string) (string, bool) {
	name, value, ok := strings.Cut(term, ":")
	if !ok || !strings.EqualFold(name, field) {
		return "", false
	}
	return strings.Trim(value, `"`), true
}

// filterValue is the value of the first top-level term field:value in q.
func filterValue(q, field string) (string, bool) {
	for _, t := range queryTerms(q) {
		if v, ok := termValue(t.text, field); ok {
			return v, true
		}
	}
	return "", false
}

// setFilter gives q with its top-level field: terms replaced by field:value
// (quoted when it holds a space), or removed when value is "". Other terms
// keep their text and order.
func setFilter(q, field, value string) string {
	var kept []string
	for _, t := range queryTerms(q) {
		if _, ok := termValue(t.text, field); ok {
			continue
		}
		kept = append(kept, t.text)
	}
	if value != "" {
		if strings.ContainsFunc(value, unicode.IsSpace) || strings.ContainsAny(value, "()") {
			value = `"` + strings.ReplaceAll(value, `"`, "") + `"`
		}
		kept = append(kept, field+":"+value)
	}
	return strings.Join(kept, " ")
}

// hasAttachmentFilter says whether q asks for messages with attachments.
func hasAttachmentFilter(q string) bool {
	v, ok := filterValue(q, "has")
	return ok && strings.HasPrefix(strings.ToLower(v), "attachment")
}

// dayLayout is how the date filters write a day.
const dayLayout = "2006-01-02"

// parseFilterDay reads a day typed in a date filter: YYYY-MM-DD (or with
// slashes). ok is false for anything else.
func parseFilterDay(s string) (time.Time, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "/", "-")
	for _, layout := range []string{dayLayout, "2006-1-2"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// untilToBefore turns the last day a person wants ("until 2023-03-31") into
// the query's before: day, which is the first day not wanted.
func untilToBefore(until time.Time) string { return until.AddDate(0, 0, 1).Format(dayLayout) }

// beforeToUntil is the last day a before: value lets through, for showing.
func beforeToUntil(before string) string {
	t, ok := parseFilterDay(before)
	if !ok {
		return before
	}
	return t.AddDate(0, 0, -1).Format(dayLayout)
}
