// Package store is Mailkeep's archive file: one SQLite database that keeps every
// message's raw bytes exactly as fetched, identified by their SHA-256, remembers
// every place a message was seen, indexes what is searchable, and gives it all
// back byte for byte.
//
// The one call most code needs, after Open, is Ingest: a batch of raw messages,
// where each was seen, and the folders' new sync state, committed in one
// transaction.
//
//	s, err := store.Open(ctx, "archive.mailkeep")
//	...
//	res, err := s.Ingest(ctx, store.Batch{Messages: []store.Incoming{{
//		Raw:      raw,
//		Location: store.Location{Account: "shared@contoso.com", Folder: "INBOX", UIDValidity: 7, UID: "42"},
//	}}})
//
// Only one process may open an archive file for writing at a time.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Store is an open archive file. It is safe for concurrent use.
type Store struct {
	path string
	db   *sql.DB

	// writeMu serialises write transactions: SQLite allows one writer, and
	// waiting here is cheaper and clearer than waiting on SQLITE_BUSY.
	writeMu sync.Mutex
	// workers is how many messages are parsed and compressed in parallel
	// before a batch's transaction.
	workers int
	codec   *codec
}

// Open opens the archive file at path, creating it (and its folder) when it does
// not exist, and brings its schema up to date. It refuses files that are not
// Mailkeep archives and archives written by a newer Mailkeep, without changing
// them.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("no archive file given: pass --db PATH or set MAILKEEP_DB")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("cannot create the folder for the archive file %s: %w (pick a folder you may write to with --db PATH)", path, err)
		}
	}
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	if err := textFunction(); err != nil {
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	// synchronous=NORMAL: in WAL mode a commit survives the process being killed
	// at any moment (the tests do that); only a power cut can undo the last
	// commits, never damage the file. Batches that must survive a power cut too
	// (before deleting on a server) ask for Batch.Durable.
	dsn := "file:" + uriPath(path) + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	c, err := newCodec(workers)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	s := &Store{path: path, db: db, workers: workers, codec: c}
	if err := s.upgrade(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// uriPath escapes the characters that mean something in an SQLite file: URI,
// so that any file name opens the file it names.
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
}

// Path is the archive file's path.
func (s *Store) Path() string { return s.path }

// Close closes the archive file.
func (s *Store) Close() error {
	s.codec.close()
	return s.db.Close()
}

// sqliteHeader is the first 16 bytes of every SQLite 3 database file.
const sqliteHeader = "SQLite format 3\x00"

// checkHeader refuses a file that exists, is not empty, and is not SQLite, before
// SQLite gets a chance to touch it.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read the archive file %s: %w (check that the file exists and that you may read it)", path, err)
	}
	defer f.Close()
	buf := make([]byte, len(sqliteHeader))
	n, _ := f.Read(buf)
	if n == 0 {
		return nil
	}
	if n < len(buf) || string(buf) != sqliteHeader {
		return &NotArchiveError{Path: path, Reason: "it is not an SQLite database"}
	}
	return nil
}

// NotArchiveError says that a file is not a Mailkeep archive (or is damaged).
type NotArchiveError struct {
	Path   string
	Reason string
}

func (e *NotArchiveError) Error() string {
	return fmt.Sprintf("%s is not a Mailkeep archive: %s. Nothing was changed; pass the right file with --db, or a new file name to start a new archive", e.Path, e.Reason)
}

// NewerSchemaError says that an archive file was written by a newer Mailkeep.
type NewerSchemaError struct {
	Path           string
	Version, Known int
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("%s was written by a newer version of Mailkeep (archive format %d; this version knows up to %d). Nothing was changed; update Mailkeep to open it", e.Path, e.Version, e.Known)
}

// CorruptError says that SQLite found the archive file damaged.
type CorruptError struct {
	Path string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("the archive file %s is damaged (%v). Nothing more was written to it; restore it from a backup, or copy it aside and run `mailkeep-cli verify` on the copy to see what can still be read", e.Path, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// DiskFullError says that a write failed because the disk (or the file system
// holding the archive) is full. The transaction was rolled back: nothing is lost.
type DiskFullError struct {
	Path string
	Err  error
}

func (e *DiskFullError) Error() string {
	return fmt.Sprintf("the disk holding %s is full; nothing of this batch was written and the archive is intact. Free some space (or move the archive with --db) and run again", e.Path)
}

func (e *DiskFullError) Unwrap() error { return e.Err }

// classify turns SQLite's error codes that a person can act on into typed errors.
func (s *Store) classify(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return &DiskFullError{Path: s.path, Err: err}
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return &CorruptError{Path: s.path, Err: err}
		case sqlite3.SQLITE_IOERR:
			if se.Code() == sqlite3.SQLITE_IOERR_WRITE || se.Code() == sqlite3.SQLITE_IOERR_FSYNC {
				return &DiskFullError{Path: s.path, Err: err}
			}
		}
	}
	return err
}
