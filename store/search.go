package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SearchOptions shape a search's results.
type SearchOptions struct {
	Limit  int // at most this many results; 0: all
	Offset int // skip this many (for paging)
	// NoSnippets skips snippet building (exports, counts).
	NoSnippets bool
}

// SnippetPart is a piece of a result's snippet; Match parts are the words that
// matched the query.
type SnippetPart struct {
	Text  string
	Match bool
}

// Result is one search hit.
type Result struct {
	Message
	Snippet []SnippetPart
}

// Search runs a query in the search language (see query.go and DESIGN.md) and
// returns the matching messages, newest first, each with a snippet of its body
// text: where the query's words are, or else its start. An empty query matches
// every message. A query that cannot be read gives a *QueryError.
func (s *Store) Search(ctx context.Context, query string, opt SearchOptions) ([]Result, error) {
	q, err := s.compileQuery(ctx, query)
	if err != nil {
		return nil, err
	}
	ids, err := s.matchIDs(ctx, q, opt.Limit, opt.Offset)
	if err != nil {
		return nil, err
	}
	results := make([]Result, 0, len(ids))
	// A page at a time: the statements name their ids.
	for chunk := range slices.Chunk(ids, resultChunk) {
		msgs, err := s.loadSummaries(ctx, chunk)
		if err != nil {
			return nil, s.searchError(query, err)
		}
		var snippets map[int64][]SnippetPart
		if !opt.NoSnippets {
			if snippets, err = s.snippets(ctx, q, chunk); err != nil {
				return nil, s.searchError(query, err)
			}
		}
		for _, m := range msgs {
			results = append(results, Result{Message: m, Snippet: snippets[m.ID]})
		}
	}
	return results, nil
}

// resultChunk is how many results are read with one statement.
const resultChunk = 500

// Count is how many messages a query matches.
func (s *Store) Count(ctx context.Context, query string) (int, error) {
	q, err := s.compileQuery(ctx, query)
	if err != nil {
		return 0, err
	}
	var stmt string
	var args []any
	switch expr, ok := ftsExpr(q.tree); {
	case q.tree == nil:
		stmt = `SELECT count(*) FROM messages`
	case ok:
		// Every indexed row is a message: the index alone can count.
		stmt, args = `SELECT count(*) FROM search WHERE search MATCH ?`, []any{expr}
	case isSet(q.tree):
		// Counted in its own table, not by walking every message.
		c := &sqlCompiler{ctx: ctx, db: s.db}
		set, err := c.set(q.tree)
		if err != nil {
			return 0, s.searchError(query, err)
		}
		if set == "" {
			return 0, nil
		}
		stmt, args = `SELECT count(DISTINCT message) FROM (`+set+`)`, c.args
	case isNegatedText(q.tree):
		// -word: all but those with the word, both counted fast.
		expr, _ := ftsExpr(q.tree.(*notNode).kid)
		stmt, args = `SELECT (SELECT count(*) FROM messages) - (SELECT count(*) FROM search WHERE search MATCH ?)`, []any{expr}
	default:
		stmt, args = `SELECT count(*) FROM messages m INDEXED BY messages_date WHERE `+q.where, q.args
	}
	var n int
	if err := s.db.QueryRowContext(ctx, stmt, args...).Scan(&n); err != nil {
		return 0, s.searchError(query, err)
	}
	return n, nil
}

// isNegatedText says whether n is only "-" and a full-text expression.
func isNegatedText(n node) bool {
	not, ok := n.(*notNode)
	if !ok {
		return false
	}
	_, ok = ftsExpr(not.kid)
	return ok
}

// MatchIDs returns the ids of all messages matching query, newest first.
func (s *Store) MatchIDs(ctx context.Context, query string) ([]int64, error) {
	q, err := s.compileQuery(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.matchIDs(ctx, q, 0, 0)
}

// compiledQuery is a parsed query and its SQL condition on messages m.
type compiledQuery struct {
	text  string
	tree  node
	where string // "" when every message matches
	args  []any
}

func (s *Store) compileQuery(ctx context.Context, query string) (*compiledQuery, error) {
	tree, err := parseQuery(query, time.Local)
	if err != nil {
		return nil, err
	}
	q := &compiledQuery{text: query, tree: tree}
	if tree == nil {
		return q, nil
	}
	c := &sqlCompiler{ctx: ctx, db: s.db}
	q.where, err = c.cond(tree)
	if err != nil {
		return nil, s.searchError(query, err)
	}
	q.args = c.args
	return q, nil
}

func (s *Store) searchError(query string, err error) error {
	if _, ok := err.(*QueryError); ok {
		return err
	}
	return fmt.Errorf("search %q: %w", query, s.classify(err))
}

// fewMatches is how many full-text matches are few enough to look up one by
// one rather than walk the date index.
const fewMatches = 100

// matchIDs runs q and returns the matching ids, newest first; limit 0: all.
//
// The plan: walk the date index (newest first; it holds id and date, so no
// message row is read), keeping the ids that the query's sets hold (each
// subquery is read once into a list). That costs one pass over the index at
// worst, and stops after the page when matches are common. When the query is
// only full text and its words are rare, looking up the few ids is cheaper.
func (s *Store) matchIDs(ctx context.Context, q *compiledQuery, limit, offset int) ([]int64, error) {
	var few []int64
	if expr, ok := ftsExpr(q.tree); ok {
		var err error
		if few, err = s.fewMatches(ctx, expr); err != nil {
			return nil, s.searchError(q.text, err)
		}
	}
	stmt, args := idQuery(q, few, limit, offset)
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, s.searchError(q.text, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.searchError(q.text, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.searchError(q.text, err)
	}
	return ids, nil
}

// idQuery is the SQL that lists q's matches, newest first: a walk of the date
// index, or when few is not nil (all the ids q matches) a lookup of those.
func idQuery(q *compiledQuery, few []int64, limit, offset int) (string, []any) {
	var b strings.Builder
	args := q.args
	switch {
	case few != nil:
		b.WriteString(`SELECT m.id FROM messages m WHERE m.id IN (` + idList(few) + `)`)
		args = nil
	case q.where != "":
		b.WriteString(`SELECT m.id FROM messages m INDEXED BY messages_date WHERE ` + q.where)
	default:
		b.WriteString(`SELECT m.id FROM messages m INDEXED BY messages_date`)
	}
	b.WriteString(` ORDER BY m.date DESC, m.id DESC`)
	if limit > 0 || offset > 0 {
		if limit <= 0 {
			limit = -1
		}
		b.WriteString(` LIMIT ? OFFSET ?`)
		args = append(args[:len(args):len(args)], limit, max(offset, 0))
	}
	return b.String(), args
}

// fewMatches returns the ids matching a full-text expression when there are
// at most fewMatches of them; else nil.
func (s *Store) fewMatches(ctx context.Context, expr string) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT rowid FROM search WHERE search MATCH ? LIMIT ?`, expr, fewMatches+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) > fewMatches {
		return nil, nil
	}
	return ids, nil
}

// sqlCompiler turns a query tree into an SQL condition on messages m.
type sqlCompiler struct {
	ctx  context.Context
	db   *sql.DB
	args []any
	// places are the (account, folder) pairs in the archive, read once.
	places [][2]string
	read   bool
}

func (c *sqlCompiler) cond(n node) (string, error) {
	if expr, ok := ftsExpr(n); ok {
		c.args = append(c.args, expr)
		return `m.id IN (SELECT rowid FROM search WHERE search MATCH ?)`, nil
	}
	switch n := n.(type) {
	case *andNode:
		return c.and(n)
	case *orNode:
		return c.or(n)
	case *notNode:
		if expr, ok := ftsExpr(n.kid); ok {
			c.args = append(c.args, expr)
			return `m.id NOT IN (SELECT rowid FROM search WHERE search MATCH ?)`, nil
		}
		inner, err := c.cond(n.kid)
		if err != nil {
			return "", err
		}
		return `NOT (` + inner + `)`, nil
	case *placeNode, *attachmentNode, *filenameGlobNode:
		set, err := c.set(n)
		if err != nil {
			return "", err
		}
		if set == "" {
			return `0`, nil // no such folder: nothing matches
		}
		return `m.id IN (` + set + `)`, nil
	case *dateNode:
		c.args = append(c.args, n.t.Unix())
		if n.before {
			return `m.date < ?`, nil
		}
		return `m.date >= ?`, nil
	}
	return "", fmt.Errorf("search: cannot run query part %s", n)
}

// isSet says whether n is a set of messages named by another table than
// messages: where they were seen, or their attachments.
func isSet(n node) bool {
	switch n.(type) {
	case *placeNode, *attachmentNode, *filenameGlobNode:
		return true
	}
	return false
}

// set writes the query that lists the ids of the messages in n (see isSet),
// maybe more than once; "" when there are none.
func (c *sqlCompiler) set(n node) (string, error) {
	switch n := n.(type) {
	case *placeNode:
		return c.place(n)
	case *attachmentNode:
		return `SELECT message FROM attachments`, nil
	case *filenameGlobNode:
		c.args = append(c.args, globToLike(n.pattern))
		return `SELECT message FROM attachments WHERE filename LIKE ? ESCAPE '\'`, nil
	}
	return "", fmt.Errorf("search: %s is not a set", n)
}

// and puts all full-text parts of an AND into one MATCH, which the index
// answers far faster than one MATCH per word.
func (c *sqlCompiler) and(n *andNode) (string, error) {
	var pos, neg []string
	var rest []node
	for _, k := range n.kids {
		if expr, ok := ftsExpr(k); ok {
			pos = append(pos, expr)
			continue
		}
		if not, ok := k.(*notNode); ok {
			if expr, ok := ftsExpr(not.kid); ok {
				neg = append(neg, expr)
				continue
			}
		}
		rest = append(rest, k)
	}
	var conds []string
	switch {
	case len(pos) > 0:
		c.args = append(c.args, ftsAndNot(pos, neg))
		conds = append(conds, `m.id IN (SELECT rowid FROM search WHERE search MATCH ?)`)
	case len(neg) > 0:
		c.args = append(c.args, strings.Join(neg, " OR "))
		conds = append(conds, `m.id NOT IN (SELECT rowid FROM search WHERE search MATCH ?)`)
	}
	for _, k := range rest {
		cond, err := c.cond(k)
		if err != nil {
			return "", err
		}
		conds = append(conds, cond)
	}
	return `(` + strings.Join(conds, ` AND `) + `)`, nil
}

func (c *sqlCompiler) or(n *orNode) (string, error) {
	var fts []string
	var conds []string
	for _, k := range n.kids {
		if expr, ok := ftsExpr(k); ok {
			fts = append(fts, expr)
			continue
		}
		cond, err := c.cond(k)
		if err != nil {
			return "", err
		}
		conds = append(conds, cond)
	}
	if len(fts) > 0 {
		c.args = append(c.args, strings.Join(fts, " OR "))
		conds = append(conds, `m.id IN (SELECT rowid FROM search WHERE search MATCH ?)`)
	}
	return `(` + strings.Join(conds, ` OR `) + `)`, nil
}

// place finds the folders (or accounts) whose names match the pattern, then
// the messages seen there through the locations table's key; "" when no
// folder matches.
func (c *sqlCompiler) place(n *placeNode) (string, error) {
	if !c.read {
		rows, err := c.db.QueryContext(c.ctx, `SELECT DISTINCT account, folder FROM locations`)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		for rows.Next() {
			var p [2]string
			if err := rows.Scan(&p[0], &p[1]); err != nil {
				return "", err
			}
			c.places = append(c.places, p)
		}
		if err := rows.Err(); err != nil {
			return "", err
		}
		c.read = true
	}
	var parts []string
	seen := map[string]bool{}
	for _, p := range c.places {
		switch n.field {
		case fieldFolder:
			if globMatch(n.pattern, p[1]) {
				parts = append(parts, `SELECT message FROM locations WHERE account = ? AND folder = ?`)
				c.args = append(c.args, p[0], p[1])
			}
		case fieldAccount:
			if !seen[p[0]] && globMatch(n.pattern, p[0]) {
				seen[p[0]] = true
				parts = append(parts, `SELECT message FROM locations WHERE account = ?`)
				c.args = append(c.args, p[0])
			}
		}
	}
	return strings.Join(parts, ` UNION ALL `), nil
}

// globMatch says whether name matches pattern, ignoring case; '*' matches any
// run of characters ('/' too), '?' one character.
func globMatch(pattern, name string) bool {
	p := []rune(strings.ToLower(pattern))
	s := []rune(strings.ToLower(name))
	// The classic two-pointer match with one backtrack point for the last '*'.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// globToLike turns a '*'/'?' glob into a LIKE pattern with '\' as escape.
func globToLike(glob string) string {
	var b strings.Builder
	for _, r := range glob {
		switch r {
		case '*':
			b.WriteByte('%')
		case '?':
			b.WriteByte('_')
		case '%', '_', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ftsColumns are the index columns each field searches, as an FTS5 column filter.
var ftsColumns = map[field]string{
	fieldAny:      "",
	fieldFrom:     "sender : ",
	fieldTo:       "{recipients cc} : ",
	fieldCc:       "cc : ",
	fieldSubject:  "subject : ",
	fieldFilename: "filenames : ",
}

// ftsTerm writes a term in FTS5's query syntax. Every term is a quoted string,
// so nothing a person types is read as FTS5 syntax: the tokenizer splits the
// string into words, and a string of several words is a phrase.
func ftsTerm(n *textNode) string {
	s := ftsColumns[n.field] + `"` + strings.ReplaceAll(ftsText(n.text), `"`, `""`) + `"`
	if n.prefix {
		s += " *"
	}
	return s
}

// ftsExpr writes n as one FTS5 expression, if it can be: full-text terms
// joined by AND, OR and (after at least one positive term) NOT.
func ftsExpr(n node) (string, bool) {
	switch n := n.(type) {
	case *textNode:
		if _, ok := ftsColumns[n.field]; ok {
			return ftsTerm(n), true
		}
	case *orNode:
		parts := make([]string, 0, len(n.kids))
		for _, k := range n.kids {
			e, ok := ftsExpr(k)
			if !ok {
				return "", false
			}
			parts = append(parts, e)
		}
		return "(" + strings.Join(parts, " OR ") + ")", true
	case *andNode:
		var pos, neg []string
		for _, k := range n.kids {
			if not, ok := k.(*notNode); ok {
				e, ok := ftsExpr(not.kid)
				if !ok {
					return "", false
				}
				neg = append(neg, e)
				continue
			}
			e, ok := ftsExpr(k)
			if !ok {
				return "", false
			}
			pos = append(pos, e)
		}
		if len(pos) == 0 {
			return "", false
		}
		return ftsAndNot(pos, neg), true
	}
	return "", false
}

func ftsAndNot(pos, neg []string) string {
	s := "(" + strings.Join(pos, " AND ") + ")"
	for _, e := range neg {
		s += " NOT " + e
	}
	return "(" + s + ")"
}

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

// Snippet shape: the markers around matched words (bytes that never occur in
// indexed text), how many words a snippet has, and how much of the body's start
// stands in when the body has none of the query's words.
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

// idList writes ids for an SQL IN list (integers only: nothing to escape).
func idList(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// loadSummaries reads the messages ids name, in the order of ids.
func (s *Store) loadSummaries(ctx context.Context, ids []int64) ([]Message, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list := idList(ids)
	byID := make(map[int64]*Message, len(ids))
	msgs := make([]Message, len(ids))
	for i, id := range ids {
		byID[id] = &msgs[i]
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id IN (`+list+`)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		if p := byID[m.ID]; p != nil {
			*p = m
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()

	rows, err = s.db.QueryContext(ctx, `SELECT message, filename, content_type, size FROM attachments
		WHERE message IN (`+list+`) ORDER BY message, rowid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a Attachment
		if err := rows.Scan(&id, &a.Filename, &a.ContentType, &a.Size); err != nil {
			return nil, err
		}
		if p := byID[id]; p != nil {
			p.Attachments = append(p.Attachments, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()

	rows, err = s.db.QueryContext(ctx, `SELECT message, account, folder, uidvalidity, uid FROM locations
		WHERE message IN (`+list+`) ORDER BY message, seen, account, folder`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l Location
		var uv int64
		if err := rows.Scan(&id, &l.Account, &l.Folder, &uv, &l.UID); err != nil {
			return nil, err
		}
		l.UIDValidity = uint32(uv)
		if p := byID[id]; p != nil {
			p.Locations = append(p.Locations, l)
		}
	}
	return msgs, rows.Err()
}
