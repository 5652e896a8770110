package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Outcome is how a run ended.
type Outcome string

// The outcomes of a run.
const (
	OutcomeRunning   Outcome = "running" // not ended (or its process died)
	OutcomeOK        Outcome = "ok"
	OutcomeFailed    Outcome = "failed"
	OutcomeCancelled Outcome = "cancelled"
)

// RunRecord is one run of one account in the run history.
type RunRecord struct {
	ID       int64
	Account  string
	Started  time.Time
	Ended    time.Time // zero while running
	Outcome  Outcome
	Messages int   // messages fetched and committed
	Bytes    int64 // their size
	Error    string
	Details  json.RawMessage // JSON owned by package archive (per folder counts); never a secret
}

// StartRun records that a run of account began and returns its id.
func (s *Store) StartRun(ctx context.Context, account string, started time.Time) (int64, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	res, err := s.db.ExecContext(ctx, `INSERT INTO runs (account, started) VALUES (?, ?)`, account, started.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("archive %s: record the start of a run: %w", s.path, s.classify(err))
	}
	return res.LastInsertId()
}

// FinishRun records how run r (by its ID) ended.
func (s *Store) FinishRun(ctx context.Context, r RunRecord) error {
	details := r.Details
	if len(details) == 0 {
		details = json.RawMessage("{}")
	}
	if !json.Valid(details) {
		return fmt.Errorf("the details of run %d are not valid JSON", r.ID)
	}
	if r.Outcome == "" || r.Outcome == OutcomeRunning {
		return fmt.Errorf("run %d: a finished run needs an outcome", r.ID)
	}
	ended := r.Ended
	if ended.IsZero() {
		ended = time.Now()
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	res, err := s.db.ExecContext(ctx, `UPDATE runs SET ended = ?, outcome = ?, messages = ?, bytes = ?, error = ?, details = ? WHERE id = ?`,
		ended.UnixMilli(), string(r.Outcome), r.Messages, r.Bytes, r.Error, string(details), r.ID)
	if err != nil {
		return fmt.Errorf("archive %s: record the end of run %d: %w", s.path, r.ID, s.classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("archive %s: there is no run %d to finish", s.path, r.ID)
	}
	return nil
}

// Runs returns the latest runs, newest first: of account, or of all accounts
// when account is empty; at most limit (0: all).
func (s *Store) Runs(ctx context.Context, account string, limit int) ([]RunRecord, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, account, started, ended, outcome, messages, bytes, error, details FROM runs
		WHERE ? = '' OR account = ? ORDER BY started DESC, id DESC LIMIT ?`, account, account, limit)
	if err != nil {
		return nil, fmt.Errorf("archive %s: read the run history: %w", s.path, s.classify(err))
	}
	defer rows.Close()
	var out []RunRecord
	for rows.Next() {
		var r RunRecord
		var started int64
		var ended sql.NullInt64
		var details string
		if err := rows.Scan(&r.ID, &r.Account, &started, &ended, &r.Outcome, &r.Messages, &r.Bytes, &r.Error, &details); err != nil {
			return nil, fmt.Errorf("archive %s: read the run history: %w", s.path, s.classify(err))
		}
		r.Started = time.UnixMilli(started)
		if ended.Valid {
			r.Ended = time.UnixMilli(ended.Int64)
		}
		r.Details = json.RawMessage(details)
		out = append(out, r)
	}
	return out, rows.Err()
}

// SetAsideMessage is a message that failed on every attempt, kept aside so
// that it does not block its folder, and tried again on later runs.
type SetAsideMessage struct {
	Account     string
	Folder      string
	UIDValidity uint32
	UID         string
	Attempts    int
	LastError   string
	LastAttempt time.Time
}

// SetAside records one more failed attempt at a message (adding it to the set
// aside messages if it is not there yet).
func (s *Store) SetAside(ctx context.Context, m SetAsideMessage) error {
	at := m.LastAttempt
	if at.IsZero() {
		at = time.Now()
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_, err := s.db.ExecContext(ctx, `INSERT INTO set_aside (account, folder, uidvalidity, uid, attempts, last_error, last_attempt)
		VALUES (?,?,?,?,1,?,?) ON CONFLICT (account, folder, uidvalidity, uid) DO UPDATE SET
		attempts = attempts + 1, last_error = excluded.last_error, last_attempt = excluded.last_attempt`,
		m.Account, m.Folder, int64(m.UIDValidity), m.UID, m.LastError, at.Unix())
	if err != nil {
		return fmt.Errorf("archive %s: set a message aside: %w", s.path, s.classify(err))
	}
	return nil
}

// SetAsideMessages returns the messages set aside for account (all accounts
// when empty), by folder and UID.
func (s *Store) SetAsideMessages(ctx context.Context, account string) ([]SetAsideMessage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT account, folder, uidvalidity, uid, attempts, last_error, last_attempt FROM set_aside
		WHERE ? = '' OR account = ? ORDER BY account, folder, uidvalidity, length(uid), uid`, account, account)
	if err != nil {
		return nil, fmt.Errorf("archive %s: read the messages set aside: %w", s.path, s.classify(err))
	}
	defer rows.Close()
	var out []SetAsideMessage
	for rows.Next() {
		var m SetAsideMessage
		var uv, at int64
		if err := rows.Scan(&m.Account, &m.Folder, &uv, &m.UID, &m.Attempts, &m.LastError, &at); err != nil {
			return nil, fmt.Errorf("archive %s: read the messages set aside: %w", s.path, s.classify(err))
		}
		m.UIDValidity, m.LastAttempt = uint32(uv), time.Unix(at, 0)
		out = append(out, m)
	}
	return out, rows.Err()
}

// ClearSetAside removes a message from the set-aside ones (it was archived
// at last, or is gone from the server). Clearing one that is not there is no
// error.
func (s *Store) ClearSetAside(ctx context.Context, account, folder string, uidValidity uint32, uid string) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_, err := s.db.ExecContext(ctx, `DELETE FROM set_aside WHERE account = ? AND folder = ? AND uidvalidity = ? AND uid = ?`,
		account, folder, int64(uidValidity), uid)
	if err != nil {
		return fmt.Errorf("archive %s: clear a set-aside message: %w", s.path, s.classify(err))
	}
	return nil
}
