package store

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file reads the search language into a tree; search.go turns the tree
// into SQL.
//
// The language, as a person types it:
//
//	invoice                      the word, anywhere: subject, body, sender,
//	                             recipients, cc, attachment names
//	invoice march                both words (in any places of the message)
//	"quarterly report"           the words next to each other, in this order
//	inv*                         words that begin with inv
//	from:anna                    the sender's name or address has the word anna
//	from:anna@example.com        ... has the address (its words, in order)
//	to:bob                       To or Cc has bob
//	cc:bob  subject:invoice  subject:"two words"  filename:pdf  filename:*.pdf
//	folder:INBOX  folder:Archive/*  account:shared@contoso.com
//	                             where the message was seen; no case, * and ? glob
//	has:attachment
//	after:2023-03-01 before:2023-04-01
//	                             March 2023: after is inclusive, before is
//	                             exclusive; days in the computer's time zone
//	-word  -from:anna  -"a phrase"  -(a OR b)
//	                             without
//	a OR b                       either; OR binds tighter than the space, as in
//	                             Gmail: a b OR c means a AND (b OR c)
//	(a b) OR c                   parentheses group
//	subject:(a b)                a field applies to every word of the group
//
// AND and NOT (upper case) may be written out; they mean the space and '-'.
// Lower case "or", "and", "not" are words. Words without a letter or digit
// (punctuation) are ignored; an empty query matches every message.

// field is what part of a message a term is about.
type field int

const (
	fieldAny      field = iota // full text: every column of the index
	fieldFrom                  // sender
	fieldTo                    // recipients and cc
	fieldCc                    // cc
	fieldSubject               // subject
	fieldFilename              // attachment names
	fieldFolder                // a location's folder (not full text)
	fieldAccount               // a location's account (not full text)
	fieldHas                   // has:attachment
	fieldBefore                // before:DATE
	fieldAfter                 // after:DATE
)

// fieldNames are the names a person types, without the colon.
var fieldNames = map[string]field{
	"from":     fieldFrom,
	"to":       fieldTo,
	"cc":       fieldCc,
	"subject":  fieldSubject,
	"filename": fieldFilename,
	"folder":   fieldFolder,
	"account":  fieldAccount,
	"has":      fieldHas,
	"before":   fieldBefore,
	"after":    fieldAfter,
}

func (f field) String() string {
	if f == fieldAny {
		return "any"
	}
	for name, g := range fieldNames {
		if g == f {
			return name
		}
	}
	return fmt.Sprintf("field(%d)", int(f))
}

// fieldHelp lists what may be written, for error messages.
const fieldHelp = `from: to: cc: subject: filename: folder: account: has:attachment before:YYYY-MM-DD after:YYYY-MM-DD`

// QueryError says why a search query could not be read, and what to write instead.
type QueryError struct {
	Query string
	Pos   int // byte offset in Query where the problem is
	Msg   string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("search query %q: %s", e.Query, e.Msg)
}

// node is a part of a parsed query. A nil node matches every message.
type node interface {
	String() string
}

// andNode matches messages that every kid matches.
type andNode struct{ kids []node }

// orNode matches messages that any kid matches.
type orNode struct{ kids []node }

// notNode matches messages that kid does not match.
type notNode struct{ kid node }

// textNode is a full-text term: a word or phrase in the columns of field.
type textNode struct {
	field  field
	text   string // as typed, without quotes and without a trailing '*'
	prefix bool   // the last word may be the start of a longer word
}

// placeNode matches messages seen in a folder or account whose name matches
// pattern (case-insensitive; '*' any run of characters, '?' one character).
type placeNode struct {
	field   field // fieldFolder or fieldAccount
	pattern string
}

// attachmentNode matches messages with at least one attachment.
type attachmentNode struct{}

// filenameGlobNode matches messages with an attachment whose name matches
// pattern (case-insensitive for ASCII; '*' and '?').
type filenameGlobNode struct{ pattern string }

// dateNode matches messages dated before (exclusive) or from (inclusive) a moment.
type dateNode struct {
	before bool
	t      time.Time
}

func (n *andNode) String() string { return listString("and", n.kids) }
func (n *orNode) String() string  { return listString("or", n.kids) }
func (n *notNode) String() string { return "(not " + n.kid.String() + ")" }
func (n *textNode) String() string {
	s := fmt.Sprintf("%s:%q", n.field, n.text)
	if n.prefix {
		s += "*"
	}
	return s
}
func (n *placeNode) String() string        { return fmt.Sprintf("%s:%q", n.field, n.pattern) }
func (n *attachmentNode) String() string   { return "has:attachment" }
func (n *filenameGlobNode) String() string { return fmt.Sprintf("filename-glob:%q", n.pattern) }
func (n *dateNode) String() string {
	op := "after"
	if n.before {
		op = "before"
	}
	return op + ":" + n.t.Format(time.RFC3339)
}

func listString(op string, kids []node) string {
	var b strings.Builder
	b.WriteString("(" + op)
	for _, k := range kids {
		b.WriteString(" " + k.String())
	}
	b.WriteString(")")
	return b.String()
}

// parseQuery reads a query of the search language. Dates are days in loc.
// The result is nil when the query matches every message.
func parseQuery(query string, loc *time.Location) (node, error) {
	p := &parser{query: query, loc: loc}
	n, err := p.parseAnd(fieldAny, false)
	if err != nil {
		return nil, err
	}
	return n, nil
}

type parser struct {
	query string
	pos   int
	loc   *time.Location
	depth int // parentheses open at the cursor
}

// maxDepth is how deeply parentheses may nest; deeper than any person writes,
// shallow enough for SQLite's full-text query parser.
const maxDepth = 10

// enter opens a group at start.
func (p *parser) enter(start int) error {
	p.depth++
	if p.depth > maxDepth {
		return p.errorf(start, "parentheses nest more than %d deep; write the query with fewer of them", maxDepth)
	}
	return nil
}

func (p *parser) errorf(pos int, format string, args ...any) error {
	return &QueryError{Query: p.query, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// skipSpace moves past white space (and control characters, which are never
// part of a term).
func (p *parser) skipSpace() {
	for p.pos < len(p.query) {
		r, size := utf8.DecodeRuneInString(p.query[p.pos:])
		if !unicode.IsSpace(r) && !unicode.IsControl(r) {
			return
		}
		p.pos += size
	}
}

func (p *parser) peek() byte {
	if p.pos < len(p.query) {
		return p.query[p.pos]
	}
	return 0
}

// isTermEnd says whether r ends a bare word.
func isTermEnd(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || r == '(' || r == ')'
}

// peekWord returns the bare word at the cursor without moving.
func (p *parser) peekWord() string {
	end := p.pos
	for end < len(p.query) {
		r, size := utf8.DecodeRuneInString(p.query[end:])
		if isTermEnd(r) {
			break
		}
		end += size
	}
	return p.query[p.pos:end]
}

// atTermStart says whether a term (not a closing parenthesis or the end) follows.
func (p *parser) atTermStart() bool {
	p.skipSpace()
	return p.pos < len(p.query) && p.peek() != ')'
}

// parseAnd reads terms joined by spaces (or AND) until the end, or until ')'
// when inGroup. def is the field bare words get (fieldAny, or the field of
// field:(...)).
func (p *parser) parseAnd(def field, inGroup bool) (node, error) {
	var kids []node
	for {
		p.skipSpace()
		if p.pos >= len(p.query) {
			break
		}
		if p.peek() == ')' {
			if inGroup {
				break
			}
			p.pos++ // a stray ')' is ignored
			continue
		}
		if p.peekWord() == "AND" && len(kids) > 0 {
			save := p.pos
			p.pos += 3
			if p.atTermStart() {
				continue
			}
			p.pos = save // "AND" at the end: the word
		}
		n, err := p.parseOr(def)
		if err != nil {
			return nil, err
		}
		if n != nil {
			kids = append(kids, n)
		}
	}
	return makeAnd(kids), nil
}

// parseOr reads terms joined by OR.
func (p *parser) parseOr(def field) (node, error) {
	first, err := p.parseUnary(def)
	if err != nil {
		return nil, err
	}
	kids := []node{first}
	for {
		save := p.pos
		p.skipSpace()
		if p.peekWord() != "OR" {
			p.pos = save
			break
		}
		p.pos += 2
		if !p.atTermStart() {
			p.pos = save // "OR" at the end: the word
			break
		}
		n, err := p.parseUnary(def)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	return makeOr(kids), nil
}

// parseUnary reads a term, maybe negated with '-' or NOT.
func (p *parser) parseUnary(def field) (node, error) {
	p.skipSpace()
	neg := false
	switch {
	case p.peek() == '-':
		p.pos++
		if r, _ := utf8.DecodeRuneInString(p.query[p.pos:]); p.pos >= len(p.query) || isTermEnd(r) && r != '(' {
			return nil, nil // a lone '-' is punctuation
		}
		neg = true
	case p.peekWord() == "NOT":
		save := p.pos
		p.pos += 3
		if p.atTermStart() {
			neg = true
		} else {
			p.pos = save
		}
	}
	if neg {
		n, err := p.parseUnary(def)
		if err != nil || n == nil {
			return nil, err
		}
		if nn, ok := n.(*notNode); ok {
			return nn.kid, nil
		}
		return &notNode{kid: n}, nil
	}
	return p.parsePrimary(def)
}

// parsePrimary reads a group, a phrase, a field term or a word.
func (p *parser) parsePrimary(def field) (node, error) {
	p.skipSpace()
	switch p.peek() {
	case '(':
		if err := p.enter(p.pos); err != nil {
			return nil, err
		}
		p.pos++
		n, err := p.parseAnd(def, true)
		if err != nil {
			return nil, err
		}
		if p.peek() == ')' {
			p.pos++
		} // an unclosed '(' closes at the end
		p.depth--
		return n, nil
	case '"':
		text := p.readPhrase()
		return p.term(def, text, p.pos, true)
	}
	start := p.pos
	word := p.peekWord()
	if name, _, ok := strings.Cut(word, ":"); ok && isFieldName(name) {
		f, known := fieldNames[strings.ToLower(name)]
		if !known && strings.HasPrefix(word[len(name)+1:], "//") {
			// A URL (https://...): a word.
		} else if !known {
			return nil, p.errorf(start, "there is no search field %q. Fields are: %s. To search for the text %s, put it in quotes: \"%s\"",
				name+":", fieldHelp, word, word)
		} else {
			p.pos += len(name) + 1
			return p.parseValue(f, start)
		}
	}
	p.pos += len(word)
	return p.term(def, word, start, false)
}

// isFieldName says whether s looks like a field name: two or more ASCII letters.
func isFieldName(s string) bool {
	if len(s) < 2 {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// readPhrase reads a double-quoted phrase at the cursor; a missing closing
// quote ends the phrase at the end of the query.
func (p *parser) readPhrase() string {
	p.pos++ // the opening quote
	end := strings.IndexByte(p.query[p.pos:], '"')
	if end < 0 {
		text := p.query[p.pos:]
		p.pos = len(p.query)
		return text
	}
	text := p.query[p.pos : p.pos+end]
	p.pos += end + 1
	return text
}

// parseValue reads what follows "field:".
func (p *parser) parseValue(f field, start int) (node, error) {
	name := p.query[start:p.pos]
	switch {
	case p.pos >= len(p.query) || isTermEnd(rune(p.peek())) && p.peek() != '(':
		return nil, p.errorf(start, "%s needs a value right after the colon, e.g. %s", name, fieldExample(f))
	case p.peek() == '(':
		if f == fieldHas || f == fieldBefore || f == fieldAfter {
			return nil, p.errorf(start, "%s takes one value, not a group in parentheses, e.g. %s", name, fieldExample(f))
		}
		if err := p.enter(p.pos); err != nil {
			return nil, err
		}
		p.pos++
		n, err := p.parseAnd(f, true)
		if err != nil {
			return nil, err
		}
		if p.peek() == ')' {
			p.pos++
		}
		p.depth--
		return n, nil
	case p.peek() == '"':
		return p.term(f, p.readPhrase(), start, true)
	}
	word := p.peekWord()
	p.pos += len(word)
	return p.term(f, word, start, false)
}

func fieldExample(f field) string {
	switch f {
	case fieldFrom:
		return "from:anna@example.com"
	case fieldTo:
		return "to:bob"
	case fieldCc:
		return "cc:bob"
	case fieldSubject:
		return `subject:invoice or subject:"two words"`
	case fieldFilename:
		return "filename:pdf or filename:*.pdf"
	case fieldFolder:
		return `folder:INBOX or folder:"Sent Items" or folder:Archive/*`
	case fieldAccount:
		return "account:shared@contoso.com"
	case fieldHas:
		return "has:attachment"
	case fieldBefore:
		return "before:2023-04-01"
	case fieldAfter:
		return "after:2023-03-01"
	}
	return "invoice"
}

// term makes the node for one value of field f; quoted says it was in quotes.
func (p *parser) term(f field, text string, start int, quoted bool) (node, error) {
	text = cleanControl(text)
	switch f {
	case fieldHas:
		switch strings.ToLower(text) {
		case "attachment", "attachments":
			return &attachmentNode{}, nil
		}
		return nil, p.errorf(start, "has:%s is not known; the only one is has:attachment", text)
	case fieldBefore, fieldAfter:
		t, err := parseDay(text, p.loc)
		if err != nil {
			return nil, p.errorf(start, "%s:%s is not a date: write the day as YYYY-MM-DD (also YYYY-MM or YYYY), e.g. %s", f, text, fieldExample(f))
		}
		return &dateNode{before: f == fieldBefore, t: t}, nil
	case fieldFolder, fieldAccount:
		text = strings.TrimSpace(text)
		if text == "" {
			return nil, nil
		}
		return &placeNode{field: f, pattern: text}, nil
	case fieldFilename:
		if strings.ContainsAny(strings.TrimSuffix(text, "*"), "*?") {
			// A glob such as *.pdf: its words narrow the search fast through
			// the index, the glob makes it exact.
			glob := &filenameGlobNode{pattern: text}
			words := strings.FieldsFunc(text, func(r rune) bool { return r == '*' || r == '?' })
			kids := []node{}
			for _, w := range words {
				if hasTokenChars(w) {
					kids = append(kids, &textNode{field: fieldFilename, text: w})
				}
			}
			return makeAnd(append(kids, glob)), nil
		}
	}
	prefix := false
	if strings.HasSuffix(text, "*") {
		text = strings.TrimRight(text, "*")
		prefix = true
	}
	text = strings.TrimLeft(text, "*")
	if !hasTokenChars(text) {
		return nil, nil // punctuation only: nothing to search for
	}
	// A trailing '*' after punctuation ("inv. *") has no word to extend.
	if prefix {
		r, _ := utf8.DecodeLastRuneInString(text)
		prefix = isTokenChar(r)
	}
	return &textNode{field: f, text: text, prefix: prefix}, nil
}

// cleanControl turns control characters into spaces: they are never part of
// a word, and SQLite's full-text query syntax stops at a NUL.
func cleanControl(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// isTokenChar says whether the index's tokenizer (unicode61) keeps r as part
// of a word: letters, digits and private-use characters.
func isTokenChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

// hasTokenChars says whether s holds anything the index can find.
func hasTokenChars(s string) bool {
	return strings.IndexFunc(s, isTokenChar) >= 0
}

// parseDay reads YYYY-MM-DD (or YYYY/MM/DD, YYYY-MM, YYYY) as the start of
// that day (month, year) in loc.
func parseDay(s string, loc *time.Location) (time.Time, error) {
	s = strings.ReplaceAll(s, "/", "-")
	for _, layout := range []string{"2006-01-02", "2006-1-2", "2006-01", "2006-1", "2006"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %q", s)
}

// makeAnd joins nodes: nothing matches everything, one is itself, nested ands
// flatten.
func makeAnd(kids []node) node {
	var flat []node
	for _, k := range kids {
		switch k := k.(type) {
		case nil:
		case *andNode:
			flat = append(flat, k.kids...)
		default:
			flat = append(flat, k)
		}
	}
	switch len(flat) {
	case 0:
		return nil
	case 1:
		return flat[0]
	}
	return &andNode{kids: flat}
}

// makeOr joins nodes: a kid that matches everything makes the whole match
// everything... unless it is an ignored word, which is dropped instead.
func makeOr(kids []node) node {
	var flat []node
	for _, k := range kids {
		switch k := k.(type) {
		case nil:
			// An ignored word (punctuation) in an OR: dropped.
		case *orNode:
			flat = append(flat, k.kids...)
		default:
			flat = append(flat, k)
		}
	}
	switch len(flat) {
	case 0:
		return nil
	case 1:
		return flat[0]
	}
	return &orNode{kids: flat}
}
