package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
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
	// few is set by matchIDs when the full-text part matches at most
	// fewMatches messages: then asking the index about single rows is cheap.
	few bool
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

// recentWindow is how many of the newest messages are checked one by one for
// a first page of a full-text query before the whole date index is walked.
const recentWindow = 500

// matchIDs runs q and returns the matching ids, newest first; limit 0: all.
//
// The plan: walk the date index (newest first; it holds id and date, so no
// message row is read), keeping the ids that the query's sets hold (each
// subquery is read once into a list). That costs one pass over the index at
// worst, and stops after the page when matches are common. A query of full
// text alone has two shortcuts: when its words are rare, the few ids are
// looked up; when they are common (in one message of five or more), the first
// page is usually among the newest messages, checked one by one in the index,
// which spares reading every match into a list.
func (s *Store) matchIDs(ctx context.Context, q *compiledQuery, limit, offset int) ([]int64, error) {
	var few []int64
	if expr, ok := ftsExpr(q.tree); ok {
		var err error
		if few, err = s.fewMatches(ctx, expr); err != nil {
			return nil, s.searchError(q.text, err)
		}
		q.few = few != nil
		dense := false
		if few == nil && limit > 0 && offset+limit <= recentWindow/5 && !hasPrefix(q.tree) {
			if dense, err = s.denseMatches(ctx, expr); err != nil {
				return nil, s.searchError(q.text, err)
			}
		}
		if dense {
			stmt, args, err := s.recentQuery(ctx, expr, limit, offset)
			if err != nil {
				return nil, s.searchError(q.text, err)
			}
			ids, err := s.queryIDs(ctx, stmt, args)
			if err != nil {
				return nil, s.searchError(q.text, err)
			}
			if len(ids) == limit {
				return ids, nil
			}
			// Not a full page among the newest: walk.
		}
	}
	stmt, args := idQuery(q, few, limit, offset)
	ids, err := s.queryIDs(ctx, stmt, args)
	if err != nil {
		return nil, s.searchError(q.text, err)
	}
	return ids, nil
}

// denseMatches says whether a full-text expression matches so many messages
// that a page is best looked for among the newest ones (see isDense).
func (s *Store) denseMatches(ctx context.Context, expr string) (bool, error) {
	var matches, all int
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM search WHERE search MATCH ?), (SELECT count(*) FROM messages)`, expr).Scan(&matches, &all)
	return isDense(matches, all), err
}

// isDense: at least one message in five matches, and more than listing them
// all would cost. Below that the list of matches is read once and the date
// index walked, which measured faster on mail with long bodies.
func isDense(matches, all int) bool {
	return matches*5 >= all && matches > denseList
}

// denseList is how many matches are still cheaper to list than to look for
// among the newest messages one by one.
const denseList = 20000

// hasPrefix says whether a query has a prefix term (inv*). Each check of one
// message against such a term lists every word with the prefix again.
func hasPrefix(n node) bool {
	switch n := n.(type) {
	case *textNode:
		return n.prefix
	case *andNode:
		return slices.ContainsFunc(n.kids, hasPrefix)
	case *orNode:
		return slices.ContainsFunc(n.kids, hasPrefix)
	case *notNode:
		return hasPrefix(n.kid)
	}
	return false
}

// recentQuery is the SQL that lists the matches of a full-text expression
// among the recentWindow newest messages, newest first.
//
// When the newest messages have ids close together (mail archived as it
// arrives), the index is asked once, for the rowid range they span: one pass
// over that part of its doclists. When their ids are scattered (old mail
// imported late), each of them is checked on its own instead.
func (s *Store) recentQuery(ctx context.Context, expr string, limit, offset int) (string, []any, error) {
	window := strconv.Itoa(recentWindow)
	var lo, hi sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT min(id), max(id) FROM (SELECT id FROM messages INDEXED BY messages_date
		ORDER BY date DESC, id DESC LIMIT `+window+`)`).Scan(&lo, &hi)
	if err != nil {
		return "", nil, err
	}
	if hi.Int64-lo.Int64 <= 8*recentWindow {
		return `SELECT r.id FROM (SELECT id, date FROM messages INDEXED BY messages_date
				ORDER BY date DESC, id DESC LIMIT ` + window + `) AS r
			WHERE r.id IN (SELECT rowid FROM search WHERE search MATCH ? AND rowid BETWEEN ? AND ?)
			ORDER BY r.date DESC, r.id DESC LIMIT ? OFFSET ?`, []any{expr, lo.Int64, hi.Int64, limit, offset}, nil
	}
	return `SELECT r.id FROM (SELECT id, date FROM messages INDEXED BY messages_date
			ORDER BY date DESC, id DESC LIMIT ` + window + `) AS r
		WHERE EXISTS (SELECT 1 FROM search WHERE search MATCH ? AND rowid = r.id)
		ORDER BY r.date DESC, r.id DESC LIMIT ? OFFSET ?`, []any{expr, limit, offset}, nil
}

// queryIDs runs a statement that lists ids.
func (s *Store) queryIDs(ctx context.Context, stmt string, args []any) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
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
