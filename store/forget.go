package store

import (
	"context"
	"fmt"
)

// ForgetReport says what ForgetAccount dropped.
type ForgetReport struct {
	// Messages were dropped from the archive: the account was the only
	// place they had been seen.
	Messages int
	Bytes    int64
	// Kept are messages of the account that stay, because another account
	// (or an import) holds them too.
	Kept int
}

// ForgetAccount removes the account called name and the mail archived from
// it: its settings, sync state, set-aside messages, every place it saw a
// message, and each message that no other account, folder or import holds
// (with its text in the search index). Messages also seen elsewhere stay;
// so does the run history. All of it happens in one transaction. An account
// already removed (its mail kept) may be forgotten too: there is no error
// when no account of that name exists.
func (s *Store) ForgetAccount(ctx context.Context, name string) (ForgetReport, error) {
	var rep ForgetReport
	fail := func(err error) (ForgetReport, error) {
		return ForgetReport{}, fmt.Errorf("archive %s: drop the mail of account %q: %w", s.path, name, s.classify(err))
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback()

	// The account's messages held nowhere else.
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS forget_ids (id INTEGER PRIMARY KEY)`); err != nil {
		return fail(err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM temp.forget_ids`); err != nil {
		return fail(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO temp.forget_ids (id)
		SELECT DISTINCT l.message FROM locations AS l WHERE l.account = ?
		AND NOT EXISTS (SELECT 1 FROM locations AS o WHERE o.message = l.message AND o.account != ?)`, name, name); err != nil {
		return fail(err)
	}
	err = tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(m.size), 0) FROM temp.forget_ids AS f JOIN messages AS m ON m.id = f.id`).
		Scan(&rep.Messages, &rep.Bytes)
	if err != nil {
		return fail(err)
	}
	err = tx.QueryRowContext(ctx, `SELECT count(DISTINCT message) FROM locations WHERE account = ?
		AND message NOT IN (SELECT id FROM temp.forget_ids)`, name).Scan(&rep.Kept)
	if err != nil {
		return fail(err)
	}

	for _, q := range []string{
		// The search index keeps no copy of the text (external content): it
		// is told what it indexed for each row it must forget, while the
		// texts are still there.
		`INSERT INTO search (search, rowid, subject, sender, recipients, cc, body, filenames)
			SELECT 'delete', id, subject, sender, recipients, cc, body, filenames FROM search_source
			WHERE id IN (SELECT id FROM temp.forget_ids)`,
		// Texts, attachments and locations go with their message (ON DELETE CASCADE).
		`DELETE FROM messages WHERE id IN (SELECT id FROM temp.forget_ids)`,
		`DELETE FROM temp.forget_ids`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fail(err)
		}
	}
	for _, q := range []string{
		`DELETE FROM locations WHERE account = ?`,
		`DELETE FROM folder_state WHERE account = ?`,
		`DELETE FROM set_aside WHERE account = ?`,
		`DELETE FROM accounts WHERE name = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, name); err != nil {
			return fail(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return rep, nil
}
