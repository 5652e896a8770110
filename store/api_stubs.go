package store

import (
	"context"
	"errors"
)

// This file holds the store's public API that is not written yet, so that code
// written against it compiles. Each function moves to its own file when it is
// implemented; the file disappears when it is empty.

var errNotYet = errors.New("not implemented yet")

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
