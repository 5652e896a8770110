package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"
)

// NotFoundError says that no message has the id asked for.
type NotFoundError struct{ ID int64 }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no message with id %d in the archive (search shows each message's id)", e.ID)
}

// Raw returns the exact bytes of a stored message.
func (s *Store) Raw(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	var codec int
	var size int64
	err := s.db.QueryRowContext(ctx, `SELECT raw, codec, size FROM messages WHERE id = ?`, id).Scan(&data, &codec, &size)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &NotFoundError{ID: id}
	}
	if err != nil {
		return nil, fmt.Errorf("archive %s: read message %d: %w", s.path, id, s.classify(err))
	}
	raw, err := s.codec.decompress(data, codec, size)
	if err != nil {
		return nil, &CorruptError{Path: s.path, Err: fmt.Errorf("message %d: %w", id, err)}
	}
	return raw, nil
}

// WriteRaw writes the exact bytes of a stored message to w.
func (s *Store) WriteRaw(ctx context.Context, id int64, w io.Writer) error {
	raw, err := s.Raw(ctx, id)
	if err != nil {
		return err
	}
	_, err = w.Write(raw)
	return err
}

// Get returns a stored message's summary, attachments and locations.
func (s *Store) Get(ctx context.Context, id int64) (Message, error) {
	m, err := scanMessage(s.db.QueryRowContext(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, &NotFoundError{ID: id}
	}
	if err != nil {
		return Message{}, fmt.Errorf("archive %s: read message %d: %w", s.path, id, s.classify(err))
	}
	if m.Attachments, err = s.attachments(ctx, id); err != nil {
		return Message{}, err
	}
	if m.Locations, err = s.locations(ctx, id); err != nil {
		return Message{}, err
	}
	return m, nil
}

// messageColumns are the columns scanMessage reads, in its order.
const messageColumns = `id, sha256, size, date, from_addr, to_addr, cc_addr, subject, message_id, in_reply_to, refs, flags, problem`

func scanMessage(row scanner) (Message, error) {
	var m Message
	var sum []byte
	var date int64
	err := row.Scan(&m.ID, &sum, &m.Size, &date, &m.From, &m.To, &m.Cc, &m.Subject, &m.MessageID, &m.InReplyTo, &m.References, &m.Flags, &m.Problem)
	if err != nil {
		return Message{}, err
	}
	copy(m.SHA256[:], sum)
	m.Date = time.Unix(date, 0).UTC()
	return m, nil
}

func (s *Store) attachments(ctx context.Context, id int64) ([]Attachment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT filename, content_type, size FROM attachments WHERE message = ? ORDER BY rowid`, id)
	if err != nil {
		return nil, fmt.Errorf("archive %s: read attachments of message %d: %w", s.path, id, s.classify(err))
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.Filename, &a.ContentType, &a.Size); err != nil {
			return nil, fmt.Errorf("archive %s: read attachments of message %d: %w", s.path, id, s.classify(err))
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (s *Store) locations(ctx context.Context, id int64) ([]Location, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT account, folder, uidvalidity, uid FROM locations WHERE message = ? ORDER BY seen, account, folder`, id)
	if err != nil {
		return nil, fmt.Errorf("archive %s: read where message %d was seen: %w", s.path, id, s.classify(err))
	}
	defer rows.Close()
	var out []Location
	for rows.Next() {
		var l Location
		var uv int64
		if err := rows.Scan(&l.Account, &l.Folder, &uv, &l.UID); err != nil {
			return nil, fmt.Errorf("archive %s: read where message %d was seen: %w", s.path, id, s.classify(err))
		}
		l.UIDValidity = uint32(uv)
		out = append(out, l)
	}
	return out, rows.Err()
}

// FolderState returns where incremental sync of a folder stands; ok is false
// when the folder was never synced.
func (s *Store) FolderState(ctx context.Context, account, folder string) (st FolderState, ok bool, err error) {
	var uv, last int64
	err = s.db.QueryRowContext(ctx, `SELECT uidvalidity, last_uid FROM folder_state WHERE account = ? AND folder = ?`, account, folder).Scan(&uv, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return FolderState{}, false, nil
	}
	if err != nil {
		return FolderState{}, false, fmt.Errorf("archive %s: read sync state of %s/%s: %w", s.path, account, folder, s.classify(err))
	}
	return FolderState{Account: account, Folder: folder, UIDValidity: uint32(uv), LastUID: uint32(last)}, true, nil
}

// SeenUIDs returns the server ids (Location.UID) recorded for an account's
// folder: for POP3, the UIDLs of the messages already archived.
func (s *Store) SeenUIDs(ctx context.Context, account, folder string) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT uid FROM locations WHERE account = ? AND folder = ?`, account, folder)
	if err != nil {
		return nil, fmt.Errorf("archive %s: read what was archived from %s/%s: %w", s.path, account, folder, s.classify(err))
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var uid string
		if err := rows.Scan(&uid); err != nil {
			return nil, fmt.Errorf("archive %s: read what was archived from %s/%s: %w", s.path, account, folder, s.classify(err))
		}
		out[uid] = true
	}
	return out, rows.Err()
}
