package store

import (
	"context"
	"errors"
)

// This file holds the store's public API that is not written yet, so that code
// written against it compiles. Each function moves to its own file when it is
// implemented; the file disappears when it is empty.

var errNotYet = errors.New("not implemented yet")

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

// Search runs a query in the search language of DESIGN.md and returns the
// matching messages, newest first. An empty query matches every message.
func (s *Store) Search(ctx context.Context, query string, opt SearchOptions) ([]Result, error) {
	return nil, errNotYet
}

// Count is how many messages a query matches.
func (s *Store) Count(ctx context.Context, query string) (int, error) { return 0, errNotYet }

// MatchIDs returns the ids of all messages matching query, newest first.
func (s *Store) MatchIDs(ctx context.Context, query string) ([]int64, error) {
	return nil, errNotYet
}

// ImportProgress reports how an import or export advances.
type ImportProgress struct {
	Messages int   // messages read so far
	Bytes    int64 // bytes read so far
	Total    int64 // bytes to read in all, when known (0: unknown)
}

// ImportStats says what an import did.
type ImportStats struct {
	Read     int // messages read
	New      int // of which were not in the archive before
	Problems int // messages stored but flagged (did not parse completely)
}

// Import reads .eml files, mbox files and Maildir folders (and folders holding
// them) into the archive, recorded under account "import". progress may be nil.
func (s *Store) Import(ctx context.Context, paths []string, progress func(ImportProgress)) (ImportStats, error) {
	return ImportStats{}, errNotYet
}

// ExportFormat is how exported messages are written.
type ExportFormat string

const (
	FormatMbox ExportFormat = "mbox" // one mboxrd file
	FormatEML  ExportFormat = "eml"  // a folder of .eml files
)

// Export writes every message matching query to out in format, byte for byte as
// stored, and returns how many it wrote. progress may be nil.
func (s *Store) Export(ctx context.Context, query, out string, format ExportFormat, progress func(ImportProgress)) (int, error) {
	return 0, errNotYet
}
