package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// AccountRecord is an account as the archive file keeps it: a name, settings
// the store does not read (package archive owns their meaning) and whether
// the account is paused. Settings never hold a secret, only where one is.
type AccountRecord struct {
	Name     string
	Settings json.RawMessage // a JSON object
	Paused   bool
	Created  time.Time
	Updated  time.Time
}

// AccountNotFoundError says that no account has the name asked for.
type AccountNotFoundError struct{ Name string }

func (e *AccountNotFoundError) Error() string {
	return fmt.Sprintf("there is no account named %q in this archive (mailkeep-cli account list shows them)", e.Name)
}

// SaveAccount adds an account or replaces the settings and paused state of the
// one with the same name.
func (s *Store) SaveAccount(ctx context.Context, a AccountRecord) error {
	if a.Name == "" {
		return errors.New("an account needs a name")
	}
	if !json.Valid(a.Settings) {
		return fmt.Errorf("the settings of account %q are not valid JSON", a.Name)
	}
	now := time.Now().Unix()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_, err := s.db.ExecContext(ctx, `INSERT INTO accounts (name, settings, paused, created, updated) VALUES (?,?,?,?,?)
		ON CONFLICT (name) DO UPDATE SET settings = excluded.settings, paused = excluded.paused, updated = excluded.updated`,
		a.Name, string(a.Settings), a.Paused, now, now)
	if err != nil {
		return fmt.Errorf("archive %s: save account %q: %w", s.path, a.Name, s.classify(err))
	}
	return nil
}

// Account returns the account called name, or an *AccountNotFoundError.
func (s *Store) Account(ctx context.Context, name string) (AccountRecord, error) {
	a, err := scanAccount(s.db.QueryRowContext(ctx, `SELECT name, settings, paused, created, updated FROM accounts WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return AccountRecord{}, &AccountNotFoundError{Name: name}
	}
	if err != nil {
		return AccountRecord{}, fmt.Errorf("archive %s: read account %q: %w", s.path, name, s.classify(err))
	}
	return a, nil
}

// Accounts returns every account, by name.
func (s *Store) Accounts(ctx context.Context) ([]AccountRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, settings, paused, created, updated FROM accounts ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("archive %s: list accounts: %w", s.path, s.classify(err))
	}
	defer rows.Close()
	var out []AccountRecord
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("archive %s: list accounts: %w", s.path, s.classify(err))
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// RemoveAccount forgets the account called name: its settings, sync state and
// set-aside messages. The messages archived from it, where they were seen and
// its run history stay. An *AccountNotFoundError if there is none.
func (s *Store) RemoveAccount(ctx context.Context, name string) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("archive %s: remove account %q: %w", s.path, name, s.classify(err))
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE name = ?`, name)
	if err != nil {
		return fmt.Errorf("archive %s: remove account %q: %w", s.path, name, s.classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &AccountNotFoundError{Name: name}
	}
	for _, q := range []string{`DELETE FROM folder_state WHERE account = ?`, `DELETE FROM set_aside WHERE account = ?`} {
		if _, err := tx.ExecContext(ctx, q, name); err != nil {
			return fmt.Errorf("archive %s: remove account %q: %w", s.path, name, s.classify(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("archive %s: remove account %q: %w", s.path, name, s.classify(err))
	}
	return nil
}

func scanAccount(row scanner) (AccountRecord, error) {
	var a AccountRecord
	var settings string
	var created, updated int64
	if err := row.Scan(&a.Name, &settings, &a.Paused, &created, &updated); err != nil {
		return AccountRecord{}, err
	}
	a.Settings = json.RawMessage(settings)
	a.Created, a.Updated = time.Unix(created, 0).UTC(), time.Unix(updated, 0).UTC()
	return a, nil
}
