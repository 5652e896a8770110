package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"time"
)

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
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	var oldest, newest sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(size), 0), coalesce(sum(length(raw)), 0),
		count(*) FILTER (WHERE flags != 0), min(date), max(date) FROM messages`).
		Scan(&st.Messages, &st.RawBytes, &st.StoredBytes, &st.Flagged, &oldest, &newest)
	if err != nil {
		return st, fmt.Errorf("archive %s: count messages: %w", s.path, s.classify(err))
	}
	if oldest.Valid {
		st.Oldest, st.Newest = time.Unix(oldest.Int64, 0).UTC(), time.Unix(newest.Int64, 0).UTC()
	}
	err = s.db.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT account), count(DISTINCT account || '/' || folder) FROM locations`).
		Scan(&st.Locations, &st.Accounts, &st.Folders)
	if err != nil {
		return st, fmt.Errorf("archive %s: count locations: %w", s.path, s.classify(err))
	}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM attachments`).Scan(&st.Attachments); err != nil {
		return st, fmt.Errorf("archive %s: count attachments: %w", s.path, s.classify(err))
	}
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(s.path + suffix); err == nil {
			st.FileBytes += fi.Size()
		}
	}
	return st, nil
}
