package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ExportFormat is how exported messages are written.
type ExportFormat string

const (
	FormatMbox ExportFormat = "mbox" // one mboxrd file
	FormatEML  ExportFormat = "eml"  // a folder of .eml files
)

// exportProgressEvery is how many messages pass between progress reports.
const exportProgressEvery = 100

// Export writes every message matching query (newest first) to out in format,
// byte for byte as stored, and returns how many it wrote. progress may be nil.
//
// FormatMbox: out is one mboxrd file (see mbox.go). It must not exist yet, or
// be empty: Export never overwrites a file that holds something.
//
// FormatEML: out is a folder, created if need be, with one file per message
// named "2023-04-01_1530_Subject-words_<first 12 hex digits of its SHA-256>.eml"
// (date and time in UTC). The folder may already hold files: a message whose
// file is already there with the right size is left as it is (so exporting
// again into the same folder adds only what is new); a file of that name with
// another size is an error, never overwritten.
//
// Every file is written under a temporary name and renamed into place when it
// is complete, so an interrupted export leaves no half-written file. Each
// message's bytes are checked against its SHA-256 as they are written.
// Exported files can be read only by their owner: they hold mail.
func (s *Store) Export(ctx context.Context, query, out string, format ExportFormat, progress func(ImportProgress)) (int, error) {
	if err := checkExportTarget(out, format, "give --out PATH"); err != nil {
		return 0, err
	}
	ids, err := s.MatchIDs(ctx, query)
	if err != nil {
		return 0, err
	}
	return s.writeExport(ctx, ids, out, format, progress)
}

// checkExportTarget refuses a target that is missing (saying how to give
// one: hint), of an unknown format, or that would overwrite something.
func checkExportTarget(out string, format ExportFormat, hint string) error {
	if out == "" {
		return errors.New("no place to export to: " + hint)
	}
	switch format {
	case FormatMbox:
		return exportCheckMboxTarget(out)
	case FormatEML:
		return exportCheckEMLTarget(out)
	}
	return fmt.Errorf("unknown export format %q: use %q or %q", format, FormatMbox, FormatEML)
}

// writeExport writes the messages ids name, in that order, to out.
func (s *Store) writeExport(ctx context.Context, ids []int64, out string, format ExportFormat, progress func(ImportProgress)) (int, error) {
	ex := &exporter{s: s, ctx: ctx, progress: progress}
	var err error
	if ex.at.Total, err = s.exportTotal(ctx, ids); err != nil {
		return 0, err
	}
	if format == FormatMbox {
		err = ex.mbox(ids, out)
	} else {
		err = ex.eml(ids, out)
	}
	if err == nil && progress != nil {
		progress(ex.at)
	}
	return ex.at.Messages, err
}

// exportCheckMboxTarget refuses an mbox target that would overwrite something.
func exportCheckMboxTarget(out string) error {
	fi, err := os.Stat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
			return fmt.Errorf("cannot create the folder for %s: %w — check the path and that you may write there", out, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("cannot export to %s: %w — check the path and that you may write there", out, err)
	case fi.IsDir():
		return fmt.Errorf("cannot export to %s: it is a folder, and an mbox export writes one file — give a file name (or use --format eml to write a folder of .eml files)", out)
	case fi.Size() > 0:
		return fmt.Errorf("cannot export to %s: the file exists and is not empty, and Mailkeep does not overwrite it — give a new file name, or move the file away first", out)
	}
	return nil
}

// exportCheckEMLTarget makes sure the eml target is a folder.
func exportCheckEMLTarget(out string) error {
	fi, err := os.Stat(out)
	if err == nil && !fi.IsDir() {
		return fmt.Errorf("cannot export to %s: it is a file, and an eml export writes a folder of .eml files — give a folder name (or use --format mbox to write one file)", out)
	}
	if err := os.MkdirAll(out, 0o700); err != nil {
		return fmt.Errorf("cannot create the folder %s: %w — check the path and that you may write there", out, err)
	}
	return nil
}

// exportMeta is what naming and writing a message takes.
type exportMeta struct {
	id      int64
	sum     [32]byte
	size    int64
	date    time.Time
	subject string
}

// exporter writes messages and reports progress.
type exporter struct {
	s        *Store
	ctx      context.Context
	progress func(ImportProgress)
	at       ImportProgress
}

// exportChunk is how many messages' summaries are read at a time.
const exportChunk = 500

// each calls f for the messages of ids, in order.
func (ex *exporter) each(ids []int64, f func(exportMeta) error) error {
	for lo := 0; lo < len(ids); lo += exportChunk {
		chunk := ids[lo:min(lo+exportChunk, len(ids))]
		metas, err := ex.s.exportMetas(ex.ctx, chunk)
		if err != nil {
			return err
		}
		for _, id := range chunk {
			m, ok := metas[id]
			if !ok {
				continue // deleted since the query ran
			}
			if err := ex.ctx.Err(); err != nil {
				return fmt.Errorf("export stopped: %w", err)
			}
			if err := f(m); err != nil {
				return err
			}
			ex.at.Messages++
			ex.at.Bytes += m.size
			if ex.progress != nil && ex.at.Messages%exportProgressEvery == 0 {
				ex.progress(ex.at)
			}
		}
	}
	return nil
}

// writeChecked writes message m to w and checks its bytes against its hash.
func (ex *exporter) writeChecked(m exportMeta, w io.Writer) error {
	h := sha256.New()
	if err := ex.s.WriteRaw(ex.ctx, m.id, io.MultiWriter(w, h)); err != nil {
		return err
	}
	return exportCheckSum(ex.s.path, m, h)
}

func exportCheckSum(archive string, m exportMeta, h hash.Hash) error {
	if [32]byte(h.Sum(nil)) != m.sum {
		return &CorruptError{Path: archive, Err: fmt.Errorf("message %d: its bytes no longer match its SHA-256", m.id)}
	}
	return nil
}

// mbox writes all messages into one file.
func (ex *exporter) mbox(ids []int64, out string) (err error) {
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.part")
	if err != nil {
		return fmt.Errorf("cannot write next to %s: %w — check that you may write there", out, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	w := newMboxWriter(f)
	err = ex.each(ids, func(m exportMeta) error {
		return w.WriteMessage(m.date, func(w io.Writer) error { return ex.writeChecked(m, w) })
	})
	if err != nil {
		return exportWriteError(out, err)
	}
	if err := w.Flush(); err != nil {
		return exportWriteError(out, err)
	}
	if err := f.Sync(); err != nil {
		return exportWriteError(out, err)
	}
	if err := f.Close(); err != nil {
		return exportWriteError(out, err)
	}
	// Checked again: a file may have appeared while the export ran.
	if err := exportCheckMboxTarget(out); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return exportWriteError(out, err)
	}
	return nil
}

// eml writes one file per message into the folder out.
func (ex *exporter) eml(ids []int64, out string) error {
	used := map[string]bool{}
	return ex.each(ids, func(m exportMeta) error {
		name := exportFileName(m.date, m.subject, m.sum)
		for i := 2; used[name]; i++ {
			name = strings.TrimSuffix(exportFileName(m.date, m.subject, m.sum), ".eml") + fmt.Sprintf("_%d.eml", i)
		}
		used[name] = true
		path := filepath.Join(out, name)
		if fi, err := os.Lstat(path); err == nil {
			if fi.Mode().IsRegular() && fi.Size() == m.size {
				return nil // exported before
			}
			return fmt.Errorf("cannot export message %d to %s: a different file of that name is already there, and Mailkeep does not overwrite it — export into another folder, or move that file away", m.id, path)
		}
		f, err := os.CreateTemp(out, "."+name+".*.part")
		if err != nil {
			return exportWriteError(out, err)
		}
		if err := ex.writeChecked(m, f); err != nil {
			f.Close()
			os.Remove(f.Name())
			return exportWriteError(path, err)
		}
		if err := f.Close(); err != nil {
			os.Remove(f.Name())
			return exportWriteError(path, err)
		}
		if err := os.Rename(f.Name(), path); err != nil {
			os.Remove(f.Name())
			return exportWriteError(path, err)
		}
		return nil
	})
}

// exportWriteError explains a failed write; errors that already say what to do
// pass as they are.
func exportWriteError(path string, err error) error {
	var corrupt *CorruptError
	var notFound *NotFoundError
	if errors.As(err, &corrupt) || errors.As(err, &notFound) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("cannot write %s: %w — check that the disk has room and that you may write there; nothing half-written was left behind", path, err)
}

// exportTotal adds up the sizes of the messages of ids.
func (s *Store) exportTotal(ctx context.Context, ids []int64) (int64, error) {
	var total int64
	for lo := 0; lo < len(ids); lo += exportChunk {
		chunk := ids[lo:min(lo+exportChunk, len(ids))]
		var sum int64
		q := `SELECT coalesce(sum(size), 0) FROM messages WHERE id IN (` + exportPlaceholders(len(chunk)) + `)`
		if err := s.db.QueryRowContext(ctx, q, exportArgs(chunk)...).Scan(&sum); err != nil {
			return 0, fmt.Errorf("archive %s: read sizes: %w", s.path, s.classify(err))
		}
		total += sum
	}
	return total, nil
}

// exportMetas reads the summaries naming and writing takes.
func (s *Store) exportMetas(ctx context.Context, ids []int64) (map[int64]exportMeta, error) {
	q := `SELECT id, sha256, size, date, subject FROM messages WHERE id IN (` + exportPlaceholders(len(ids)) + `)`
	rows, err := s.db.QueryContext(ctx, q, exportArgs(ids)...)
	if err != nil {
		return nil, fmt.Errorf("archive %s: read messages: %w", s.path, s.classify(err))
	}
	defer rows.Close()
	metas := make(map[int64]exportMeta, len(ids))
	for rows.Next() {
		var m exportMeta
		var sum []byte
		var date int64
		if err := rows.Scan(&m.id, &sum, &m.size, &date, &m.subject); err != nil {
			return nil, fmt.Errorf("archive %s: read messages: %w", s.path, s.classify(err))
		}
		if len(sum) != len(m.sum) {
			return nil, &CorruptError{Path: s.path, Err: fmt.Errorf("message %d has a damaged SHA-256", m.id)}
		}
		copy(m.sum[:], sum)
		m.date = time.Unix(date, 0).UTC()
		metas[m.id] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archive %s: read messages: %w", s.path, s.classify(err))
	}
	return metas, nil
}

func exportPlaceholders(n int) string {
	return "?" + strings.Repeat(",?", n-1)
}

func exportArgs(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// Limits of the subject words in an exported file's name.
const (
	exportSubjectRunes = 60
	exportSubjectBytes = 120
)

// exportFileName names a message's .eml file:
// "2023-04-01_1530_Subject-words_0123456789ab.eml". The subject keeps only
// letters and digits (of any script), '.', '_' and '-'; everything else
// (slashes, spaces, emoji, control and direction characters) becomes '-'. The
// name has no path separator, does not start with a dot, is never a name
// Windows reserves, and stays far below file systems' 255-byte limit.
func exportFileName(date time.Time, subject string, sum [32]byte) string {
	name := date.UTC().Format("2006-01-02_1504")
	if words := exportSubjectWords(subject); words != "" {
		name += "_" + words
	}
	name += "_" + hex.EncodeToString(sum[:6])
	return exportSafeName(name) + ".eml"
}

// exportSubjectWords turns a subject into the safe words of a file name.
func exportSubjectWords(subject string) string {
	var b strings.Builder
	dash := false
	runes := 0
	for _, r := range subject {
		keep := r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') ||
			r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)) && r != utf8.RuneError
		if !keep || r == '-' {
			dash = b.Len() > 0
			continue
		}
		if dash {
			if runes+1 >= exportSubjectRunes || b.Len()+1 >= exportSubjectBytes {
				break
			}
			b.WriteByte('-')
			runes++
			dash = false
		}
		if runes+1 > exportSubjectRunes || b.Len()+utf8.RuneLen(r) > exportSubjectBytes {
			break
		}
		b.WriteRune(r)
		runes++
	}
	return strings.Trim(b.String(), "-._")
}

// exportWindowsReserved are names Windows refuses for files, whatever the
// extension.
var exportWindowsReserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true,
	"COM0": true, "COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT0": true, "LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
	"COM¹": true, "COM²": true, "COM³": true, "LPT¹": true, "LPT²": true, "LPT³": true,
}

// exportSafeName makes a file name (without extension) safe on every file
// system: no leading dots, and no name Windows reserves.
func exportSafeName(name string) string {
	name = strings.TrimLeft(name, ".")
	stem, _, _ := strings.Cut(name, ".")
	if name == "" || exportWindowsReserved[strings.ToUpper(strings.TrimRight(stem, " "))] {
		name = "_" + name
	}
	return name
}
