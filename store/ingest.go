package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"
)

// prepared is an incoming message made ready for its transaction: hashed,
// parsed and compressed, outside the write lock.
type prepared struct {
	sum   [32]byte
	known int64 // its id when the archive already has these bytes
	dup   int   // index of an earlier message of the same batch with the same bytes, or -1
	x     extracted
	text  indexText
	data  []byte // raw, compressed as codec says
	codec int
}

// Ingest stores a batch of raw messages, records where each was seen, and
// writes the folders' new sync state, all in one transaction: after a crash
// either all of it is in the archive or none of it is. Messages already in the
// archive (the same bytes) are not stored again; only the new location is added.
//
// A message that cannot be parsed is stored all the same, flagged and indexed
// as far as it could be read. Ingest fails only when the archive cannot be
// written; then nothing of the batch is.
//
// Ingest may be called from several goroutines: batches are prepared in
// parallel and written one at a time, and batches carrying the same bytes
// store them once.
func (s *Store) Ingest(ctx context.Context, b Batch) ([]Stored, error) {
	if len(b.Messages) == 0 && len(b.States) == 0 {
		return nil, nil
	}
	now := time.Now()
	prep, err := s.prepare(ctx, b.Messages, now)
	if err != nil {
		return nil, err
	}

	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("archive %s: start writing: %w", s.path, s.classify(err))
	}
	defer conn.Close()
	if b.Durable {
		if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
			return nil, fmt.Errorf("archive %s: start writing: %w", s.path, s.classify(err))
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = NORMAL`)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("archive %s: start writing: %w", s.path, s.classify(err))
	}
	defer tx.Rollback()
	out, err := s.write(ctx, tx, b, prep, now)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("archive %s: commit: %w", s.path, s.classify(err))
	}
	return out, nil
}

// prepare hashes every message, looks up which are already stored, and parses
// and compresses the others in parallel.
func (s *Store) prepare(ctx context.Context, msgs []Incoming, now time.Time) ([]prepared, error) {
	prep := make([]prepared, len(msgs))
	first := make(map[[32]byte]int, len(msgs))
	for i, m := range msgs {
		prep[i].sum = sha256.Sum256(m.Raw)
		prep[i].dup = -1
		if j, ok := first[prep[i].sum]; ok {
			prep[i].dup = j
		} else {
			first[prep[i].sum] = i
		}
	}
	if err := s.lookupKnown(ctx, prep); err != nil {
		return nil, err
	}

	work := make(chan int)
	var wg sync.WaitGroup
	for range min(s.workers, len(msgs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				p := &prep[i]
				p.x = extract(msgs[i].Raw, msgs[i].DateHint, now)
				p.text = s.indexText(&p.x)
				p.data, p.codec = s.codec.compress(msgs[i].Raw)
			}
		}()
	}
	for i := range prep {
		if prep[i].known == 0 && prep[i].dup < 0 {
			select {
			case work <- i:
			case <-ctx.Done():
				close(work)
				wg.Wait()
				return nil, ctx.Err()
			}
		}
	}
	close(work)
	wg.Wait()
	return prep, nil
}

// lookupKnown fills in the ids of messages the archive already holds.
func (s *Store) lookupKnown(ctx context.Context, prep []prepared) error {
	const chunk = 500
	for lo := 0; lo < len(prep); lo += chunk {
		hi := min(lo+chunk, len(prep))
		args := make([]any, 0, hi-lo)
		for i := lo; i < hi; i++ {
			if prep[i].dup < 0 {
				args = append(args, prep[i].sum[:])
			}
		}
		if len(args) == 0 {
			continue
		}
		q := `SELECT id, sha256 FROM messages WHERE sha256 IN (?` + strings.Repeat(",?", len(args)-1) + `)`
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("archive %s: look up messages: %w", s.path, s.classify(err))
		}
		known := map[[32]byte]int64{}
		for rows.Next() {
			var id int64
			var sum []byte
			if err := rows.Scan(&id, &sum); err != nil {
				rows.Close()
				return fmt.Errorf("archive %s: look up messages: %w", s.path, s.classify(err))
			}
			known[[32]byte(sum)] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("archive %s: look up messages: %w", s.path, s.classify(err))
		}
		for i := lo; i < hi; i++ {
			prep[i].known = known[prep[i].sum]
		}
	}
	return nil
}

// write inserts a prepared batch inside tx.
func (s *Store) write(ctx context.Context, tx *sql.Tx, b Batch, prep []prepared, now time.Time) ([]Stored, error) {
	stmts, err := prepareIngest(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("archive %s: %w", s.path, s.classify(err))
	}
	defer stmts.close()

	out := make([]Stored, len(prep))
	for i := range prep {
		p := &prep[i]
		m := b.Messages[i]
		out[i].SHA256 = p.sum
		switch {
		case p.dup >= 0:
			out[i].ID = out[p.dup].ID
		case p.known != 0:
			out[i].ID = p.known
		default:
			id, inserted, err := stmts.insertMessage(ctx, p, m, now)
			if err != nil {
				return nil, fmt.Errorf("archive %s: store message: %w", s.path, s.classify(err))
			}
			out[i].ID, out[i].New = id, inserted
		}
		if m.Placeholder && !out[i].New {
			// A stand-in seen again stays flagged; nothing else changes.
			if _, err := tx.ExecContext(ctx, `UPDATE messages SET flags = flags | ? WHERE id = ?`, FlagPlaceholder, out[i].ID); err != nil {
				return nil, fmt.Errorf("archive %s: flag message: %w", s.path, s.classify(err))
			}
		}
		loc := m.Location
		if _, err := stmts.location.ExecContext(ctx, out[i].ID, loc.Account, loc.Folder, int64(loc.UIDValidity), loc.UID, now.Unix()); err != nil {
			return nil, fmt.Errorf("archive %s: record where a message was seen: %w", s.path, s.classify(err))
		}
	}
	for _, st := range b.States {
		if _, err := stmts.state.ExecContext(ctx, st.Account, st.Folder, int64(st.UIDValidity), int64(st.LastUID), now.Unix()); err != nil {
			return nil, fmt.Errorf("archive %s: record folder state: %w", s.path, s.classify(err))
		}
	}
	return out, nil
}

// ingestStmts are the statements one batch runs many times.
type ingestStmts struct {
	message, known, attachment, text, search, location, state *sql.Stmt
}

func prepareIngest(ctx context.Context, tx *sql.Tx) (*ingestStmts, error) {
	var st ingestStmts
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&st.message, `INSERT INTO messages (sha256, size, raw, codec, date, date_source, from_addr, to_addr, cc_addr,
			subject, message_id, in_reply_to, refs, has_attachment, flags, problem, added)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (sha256) DO NOTHING`},
		{&st.known, `SELECT id FROM messages WHERE sha256 = ?`},
		{&st.attachment, `INSERT INTO attachments (message, filename, content_type, size) VALUES (?,?,?,?)`},
		{&st.text, `INSERT INTO texts (id, subject, sender, recipients, cc, body, filenames) VALUES (?,?,?,?,?,?,?)`},
		{&st.search, `INSERT INTO search (rowid, subject, sender, recipients, cc, body, filenames) VALUES (?,?,?,?,?,?,?)`},
		{&st.location, `INSERT OR IGNORE INTO locations (message, account, folder, uidvalidity, uid, seen) VALUES (?,?,?,?,?,?)`},
		{&st.state, `INSERT INTO folder_state (account, folder, uidvalidity, last_uid, updated) VALUES (?,?,?,?,?)
			ON CONFLICT (account, folder) DO UPDATE SET uidvalidity = excluded.uidvalidity,
			last_uid = excluded.last_uid, updated = excluded.updated`},
	} {
		stmt, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			st.close()
			return nil, err
		}
		*p.dst = stmt
	}
	return &st, nil
}

func (st *ingestStmts) close() {
	for _, s := range []*sql.Stmt{st.message, st.known, st.attachment, st.text, st.search, st.location, st.state} {
		if s != nil {
			s.Close()
		}
	}
}

// insertMessage stores a message the archive did not hold when its batch
// was prepared. Another batch committed meanwhile (Ingest called from several
// goroutines) may have stored the same bytes: then it only returns that id,
// inserted false.
func (st *ingestStmts) insertMessage(ctx context.Context, p *prepared, m Incoming, now time.Time) (id int64, inserted bool, err error) {
	x := &p.x
	var flags Flags
	if len(x.Problems) > 0 {
		flags |= FlagParseError
	}
	if m.Placeholder {
		flags |= FlagPlaceholder
	}
	res, err := st.message.ExecContext(ctx, p.sum[:], len(m.Raw), p.data, p.codec, x.Date.Unix(), x.DateSource,
		x.From, x.To, x.Cc, x.Subject, x.MessageID, x.InReplyTo, x.References,
		len(x.Attachments) > 0, flags, strings.Join(x.Problems, "; "), now.Unix())
	if err != nil {
		return 0, false, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, false, err
	} else if n == 0 {
		err := st.known.QueryRowContext(ctx, p.sum[:]).Scan(&id)
		return id, false, err
	}
	if id, err = res.LastInsertId(); err != nil {
		return 0, false, err
	}
	for _, a := range x.Attachments {
		if _, err := st.attachment.ExecContext(ctx, id, a.Filename, a.ContentType, a.Size); err != nil {
			return 0, false, err
		}
	}
	t := &p.text
	if _, err := st.text.ExecContext(ctx, id, t.subject, t.sender, t.recipients, t.cc, t.packedBody, t.filenames); err != nil {
		return 0, false, err
	}
	if _, err = st.search.ExecContext(ctx, id, t.subject, t.sender, t.recipients, t.cc, t.body, t.filenames); err != nil {
		return 0, false, err
	}
	return id, true, nil
}
