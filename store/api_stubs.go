package store

import (
	"context"
	"errors"
	"io"
	"time"
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

// Raw returns the exact bytes of a stored message.
func (s *Store) Raw(ctx context.Context, id int64) ([]byte, error) { return nil, errNotYet }

// WriteRaw writes the exact bytes of a stored message to w.
func (s *Store) WriteRaw(ctx context.Context, id int64, w io.Writer) error { return errNotYet }

// Get returns a stored message's summary, attachments and locations.
func (s *Store) Get(ctx context.Context, id int64) (Message, error) { return Message{}, errNotYet }

// VerifyReport says what Verify found.
type VerifyReport struct {
	Checked int
	Bad     []VerifyProblem
}

// VerifyProblem is one message whose stored bytes no longer match their hash
// (or cannot be read).
type VerifyProblem struct {
	ID     int64
	SHA256 [32]byte
	Reason string
}

// Verify re-reads every stored message and checks its hash.
func (s *Store) Verify(ctx context.Context, progress func(done, total int)) (VerifyReport, error) {
	return VerifyReport{}, errNotYet
}

// Stats are an archive's counts and sizes.
type Stats struct {
	Messages    int
	RawBytes    int64 // the messages' sizes added up
	StoredBytes int64 // what the raw bytes take in the file, compressed
	FileBytes   int64 // the archive file (and its WAL) on disk
	Accounts    int
	Folders     int
	Locations   int
	Attachments int
	Flagged     int
	Oldest      time.Time
	Newest      time.Time
}

// Stats counts what the archive holds.
func (s *Store) Stats(ctx context.Context) (Stats, error) { return Stats{}, errNotYet }
