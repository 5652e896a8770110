package store

// This file turns a parsed query (query.go) into SQL over the archive's
// tables and FTS5's query syntax.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

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
			if MatchName(n.pattern, p[1]) {
				parts = append(parts, `SELECT message FROM locations WHERE account = ? AND folder = ?`)
				c.args = append(c.args, p[0], p[1])
			}
		case fieldAccount:
			if !seen[p[0]] && MatchName(n.pattern, p[0]) {
				seen[p[0]] = true
				parts = append(parts, `SELECT message FROM locations WHERE account = ?`)
				c.args = append(c.args, p[0])
			}
		}
	}
	return strings.Join(parts, ` UNION ALL `), nil
}

// MatchName says whether a folder or account name matches pattern the way
// folder: and account: queries do, so that settings that name folders (an
// account's include and exclude lists) mean the same: case is ignored, '*'
// matches any run of characters ('/' too), '?' one character, and '\'
// makes the character after it stand for itself (QuoteName).
func MatchName(pattern, name string) bool {
	p := globTokens(strings.ToLower(pattern))
	s := []rune(strings.ToLower(name))
	// The classic two-pointer match with one backtrack point for the last '*'.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == globOne || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == globAny:
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
	for pi < len(p) && p[pi] == globAny {
		pi++
	}
	return pi == len(p)
}

// QuoteName is a pattern that matches name alone, whatever characters it
// holds: a folder called "Q&A *" is not a pattern for every folder whose
// name begins so.
func QuoteName(name string) string {
	if !strings.ContainsAny(name, `*?\`) {
		return name
	}
	var b strings.Builder
	for _, r := range name {
		if r == '*' || r == '?' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// A glob is read into runes where these two stand for '*' and '?' (runes no
// name holds: they are not valid Unicode), and an escaped character for
// itself.
const (
	globAny rune = -1
	globOne rune = -2
)

func globTokens(pattern string) []rune {
	out := make([]rune, 0, len(pattern))
	escaped := false
	for _, r := range pattern {
		switch {
		case escaped:
			out = append(out, r)
			escaped = false
		case r == '\\':
			escaped = true
		case r == '*':
			out = append(out, globAny)
		case r == '?':
			out = append(out, globOne)
		default:
			out = append(out, r)
		}
	}
	if escaped {
		out = append(out, '\\') // a '\' at the end stands for itself
	}
	return out
}

// globToLike turns a glob (MatchName's) into a LIKE pattern with '\' as
// escape.
func globToLike(glob string) string {
	var b strings.Builder
	for _, r := range globTokens(glob) {
		switch r {
		case globAny:
			b.WriteByte('%')
		case globOne:
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
