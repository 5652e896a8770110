package store

import (
	"context"
	"crypto/sha256"
	"fmt"
)

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

// Verify re-reads every stored message and checks its SHA-256, after asking
// SQLite to check the file's structure. progress, when not nil, is called as
// messages are checked.
func (s *Store) Verify(ctx context.Context, progress func(done, total int)) (VerifyReport, error) {
	var rep VerifyReport
	if err := s.quickCheck(ctx); err != nil {
		return rep, err
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM messages`).Scan(&total); err != nil {
		return rep, fmt.Errorf("archive %s: count messages: %w", s.path, s.classify(err))
	}
	// Read in pages of ids so no read transaction stays open for the whole run.
	const page = 256
	var after int64
	for {
		rows, err := s.db.QueryContext(ctx, `SELECT id, sha256, raw, codec, size FROM messages WHERE id > ? ORDER BY id LIMIT ?`, after, page)
		if err != nil {
			return rep, fmt.Errorf("archive %s: read messages: %w", s.path, s.classify(err))
		}
		n := 0
		for rows.Next() {
			var id, size int64
			var sum, data []byte
			var codec int
			if err := rows.Scan(&id, &sum, &data, &codec, &size); err != nil {
				rows.Close()
				return rep, fmt.Errorf("archive %s: read messages: %w", s.path, s.classify(err))
			}
			n++
			after = id
			rep.Checked++
			if p, bad := s.check(id, sum, data, codec, size); bad {
				rep.Bad = append(rep.Bad, p)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return rep, fmt.Errorf("archive %s: read messages: %w", s.path, s.classify(err))
		}
		if progress != nil {
			progress(rep.Checked, total)
		}
		if n < page {
			return rep, nil
		}
		if err := ctx.Err(); err != nil {
			return rep, err
		}
	}
}

func (s *Store) check(id int64, sum, data []byte, codec int, size int64) (VerifyProblem, bool) {
	p := VerifyProblem{ID: id}
	copy(p.SHA256[:], sum)
	raw, err := s.codec.decompress(data, codec, size)
	switch {
	case err != nil:
		p.Reason = fmt.Sprintf("cannot be decompressed: %v", err)
	case int64(len(raw)) != size:
		p.Reason = fmt.Sprintf("size is %d bytes, recorded %d", len(raw), size)
	case sha256.Sum256(raw) != p.SHA256:
		p.Reason = "its bytes no longer match their SHA-256"
	default:
		return p, false
	}
	return p, true
}
