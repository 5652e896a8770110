package store

import (
	"context"
	"database/sql"
	"fmt"
)

// applicationID marks an SQLite file as a Mailkeep archive ("MKEP").
const applicationID = 0x4d4b4550

// migrations bring an archive file from version i to i+1 (migrations[i]).
// Never edit a migration that has shipped: add a new one.
var migrations = []string{
	// 1: messages, where they were seen, folder sync state, full-text index.
	`
CREATE TABLE messages (
	id             INTEGER PRIMARY KEY,
	sha256         BLOB    NOT NULL UNIQUE,   -- of the raw bytes: the message's identity
	size           INTEGER NOT NULL,          -- raw size in bytes
	date           INTEGER NOT NULL,          -- unix seconds, UTC
	date_source    TEXT    NOT NULL,          -- header, received, hint, added
	from_addr      TEXT    NOT NULL DEFAULT '',
	to_addr        TEXT    NOT NULL DEFAULT '',
	cc_addr        TEXT    NOT NULL DEFAULT '',
	subject        TEXT    NOT NULL DEFAULT '',
	message_id     TEXT    NOT NULL DEFAULT '',
	in_reply_to    TEXT    NOT NULL DEFAULT '',
	refs           TEXT    NOT NULL DEFAULT '',
	has_attachment INTEGER NOT NULL DEFAULT 0,
	flags          INTEGER NOT NULL DEFAULT 0, -- FlagParseError, FlagPlaceholder, ...
	problem        TEXT    NOT NULL DEFAULT '', -- why parsing was incomplete
	added          INTEGER NOT NULL,          -- unix seconds when first stored
	-- Last, so that reading the columns above never walks the raw bytes' pages.
	codec          INTEGER NOT NULL,          -- 0 stored as is, 1 zstd
	raw            BLOB    NOT NULL           -- the raw bytes, compressed as 'codec' says
);
CREATE INDEX messages_date ON messages(date DESC, id DESC);
CREATE INDEX messages_message_id ON messages(message_id);

CREATE TABLE attachments (
	message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
	filename     TEXT    NOT NULL,
	content_type TEXT    NOT NULL,
	size         INTEGER NOT NULL            -- decoded size in bytes
);
CREATE INDEX attachments_message ON attachments(message);

-- Every place a message was seen: an account's folder and the server's id for it
-- (IMAP: uidvalidity + uid; POP3: uidvalidity 0 + UIDL; imports: the source).
CREATE TABLE locations (
	message     INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
	account     TEXT    NOT NULL,
	folder      TEXT    NOT NULL,
	uidvalidity INTEGER NOT NULL DEFAULT 0,
	uid         TEXT    NOT NULL DEFAULT '',
	seen        INTEGER NOT NULL,            -- unix seconds when first recorded
	PRIMARY KEY (account, folder, uidvalidity, uid, message)
) WITHOUT ROWID;
CREATE INDEX locations_message ON locations(message);

-- Where incremental sync stands for each folder; written in the same
-- transaction as the messages it covers.
CREATE TABLE folder_state (
	account     TEXT    NOT NULL,
	folder      TEXT    NOT NULL,
	uidvalidity INTEGER NOT NULL,
	last_uid    INTEGER NOT NULL,            -- highest UID archived (IMAP)
	updated     INTEGER NOT NULL,
	PRIMARY KEY (account, folder)
) WITHOUT ROWID;

-- What the full-text index is built from, one row a message: small fields as
-- text, the body zstd-compressed (read back through mailkeep_text()). The
-- index keeps no copy of its own (external content), so the text is stored
-- once, compressed.
CREATE TABLE texts (
	id         INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
	subject    TEXT NOT NULL,
	sender     TEXT NOT NULL,
	recipients TEXT NOT NULL,
	cc         TEXT NOT NULL,
	body       BLOB NOT NULL,
	filenames  TEXT NOT NULL
);
CREATE VIEW search_source AS
	SELECT id, subject, sender, recipients, cc, mailkeep_text(body) AS body, filenames FROM texts;

-- Free words search every column; field queries name one.
CREATE VIRTUAL TABLE search USING fts5(
	subject, sender, recipients, cc, body, filenames,
	content = 'search_source', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2'
);
`,
	// 2: accounts, run history, messages set aside after failing every attempt.
	`
-- The accounts to archive. The store knows an account only by its name; its
-- settings are JSON that package archive reads and writes. No secret is
-- ever kept here: settings name where a secret is (keyring key or variable).
CREATE TABLE accounts (
	name     TEXT    PRIMARY KEY,
	settings TEXT    NOT NULL,            -- JSON, owned by package archive
	paused   INTEGER NOT NULL DEFAULT 0,
	created  INTEGER NOT NULL,            -- unix seconds
	updated  INTEGER NOT NULL
) WITHOUT ROWID;

-- One row a run of one account: written when it starts, completed when it ends
-- (a run whose process died keeps outcome 'running' and no end).
CREATE TABLE runs (
	id       INTEGER PRIMARY KEY,
	account  TEXT    NOT NULL,
	started  INTEGER NOT NULL,            -- unix milliseconds
	ended    INTEGER,                     -- unix milliseconds; NULL while running
	outcome  TEXT    NOT NULL DEFAULT 'running', -- running, ok, failed, cancelled
	messages INTEGER NOT NULL DEFAULT 0,  -- messages fetched and committed
	bytes    INTEGER NOT NULL DEFAULT 0,
	error    TEXT    NOT NULL DEFAULT '',
	details  TEXT    NOT NULL DEFAULT '{}' -- JSON: per folder counts
);
CREATE INDEX runs_account ON runs(account, started DESC);

-- Messages that failed on every attempt: skipped so that they never block
-- their folder, and tried again on later runs.
CREATE TABLE set_aside (
	account      TEXT    NOT NULL,
	folder       TEXT    NOT NULL,
	uidvalidity  INTEGER NOT NULL,
	uid          TEXT    NOT NULL,
	attempts     INTEGER NOT NULL,
	last_error   TEXT    NOT NULL,
	last_attempt INTEGER NOT NULL,         -- unix seconds
	PRIMARY KEY (account, folder, uidvalidity, uid)
) WITHOUT ROWID;
`,
}

// schemaVersion is the archive format this version of Mailkeep writes.
var schemaVersion = len(migrations)

// upgrade checks that the file is a Mailkeep archive this version can read, sets
// up WAL, and applies pending migrations, each in its own transaction.
func (s *Store) upgrade(ctx context.Context) error {
	var appID, version, tables int
	if err := s.db.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&appID); err != nil {
		return s.openError(err)
	}
	if err := s.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return s.openError(err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&tables); err != nil {
		return s.openError(err)
	}
	switch {
	case appID == 0 && tables == 0:
		// A new file.
	case appID != applicationID:
		return &NotArchiveError{Path: s.path, Reason: "it is an SQLite database of another program"}
	case version > schemaVersion:
		return &NewerSchemaError{Path: s.path, Version: version, Known: schemaVersion}
	}
	if _, err := s.db.ExecContext(ctx, `PRAGMA journal_mode=WAL`); err != nil {
		return s.openError(err)
	}
	for v := version; v < schemaVersion; v++ {
		if err := s.migrate(ctx, v); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) migrate(ctx context.Context, from int) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.openError(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, migrations[from]); err != nil {
		return fmt.Errorf("upgrade archive %s to format %d: %w", s.path, from+1, s.classify(err))
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA application_id = %d; PRAGMA user_version = %d`, applicationID, from+1)); err != nil {
		return fmt.Errorf("upgrade archive %s to format %d: %w", s.path, from+1, s.classify(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("upgrade archive %s to format %d: %w", s.path, from+1, s.classify(err))
	}
	return nil
}

// quickCheck asks SQLite to look over the file's structure, so that a damaged
// file is reported when it is opened rather than halfway through a run.
func (s *Store) quickCheck(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `PRAGMA quick_check(5)`)
	if err != nil {
		return s.openError(err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return s.openError(err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return s.openError(err)
	}
	if len(problems) > 0 {
		return &CorruptError{Path: s.path, Err: fmt.Errorf("integrity check: %s", problems[0])}
	}
	return nil
}

// openError explains a failure while opening.
func (s *Store) openError(err error) error {
	err = s.classify(err)
	switch err.(type) {
	case *CorruptError, *DiskFullError:
		return err
	}
	return fmt.Errorf("open archive %s: %w", s.path, err)
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(...any) error }

var _ scanner = (*sql.Row)(nil)
