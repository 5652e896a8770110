package store

import (
	"context"
	"errors"
)

// This file holds the store's public API that is not written yet, so that code
// written against it compiles. Each function moves to its own file when it is
// implemented; the file disappears when it is empty.

var errNotYet = errors.New("not implemented yet")

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
