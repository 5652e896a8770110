package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ImportProgress reports how an import or export advances.
type ImportProgress struct {
	Messages int   // messages read so far
	Bytes    int64 // bytes read so far
	Total    int64 // bytes to read in all, when known (0: unknown)
}

// ImportStats says what an import did.
type ImportStats struct {
	Read     int // messages read and stored (or found already stored)
	New      int // of which were not in the archive before
	Problems int // messages stored but flagged (did not parse completely)
	// Skipped counts what was left out while walking folders: empty files,
	// hidden files and folders (".git"), links to folders, pipes and devices.
	Skipped int

	// Where the messages read came from.
	EMLFiles        int // .eml files, one message each
	MboxFiles       int // mbox files
	MboxMessages    int // messages in them
	MaildirMessages int // Maildir message files
	OtherFiles      int // other files, one message each, stored as they are
}

// ImportAccount is the account imported messages are recorded under.
const ImportAccount = "import"

// A batch of an import is committed when it holds this many messages or
// bytes, whichever comes first.
const (
	importBatchMessages = 500
	importBatchBytes    = 64 << 20
)

// importMaxMessage is the largest file taken as one message. Mail servers
// refuse messages far smaller; a larger file is something else, and the
// archive (SQLite) could not hold it anyway.
const importMaxMessage = 512 << 20

// Import reads .eml files, mbox files and Maildir folders (and folders holding
// them) into the archive, recorded under account "import". progress may be nil;
// it is called after each committed batch.
//
// What each path is:
//   - a folder with cur/ or new/: a Maildir (see maildir.go for its subfolders);
//   - another folder: walked, and each file and Maildir in it imported;
//     hidden files and folders (".git", ".notmuch") are left out;
//   - a file named *.eml: one message, byte for byte (even when it starts
//     with a "From " line);
//   - a file whose first line starts with "From ": an mbox file (see mbox.go);
//   - any other file: one message, byte for byte (Outlook .msg files too:
//     they are kept, but cannot be searched).
//
// Where each message was seen: folder is the Maildir folder, the mbox file's
// name (without .mbox), or the name of the folder holding the file; UID is
// the Maildir file's unique name, the message's number in the mbox file
// (from 1), or the file's name. Running an import again therefore adds
// nothing: a message is its bytes' hash, and its locations are keyed.
//
// Paths that do not exist or cannot be read are reported before anything is
// imported. A file that fails while it is read stops the import: what was read
// before it is committed, and running the same import again continues.
func (s *Store) Import(ctx context.Context, paths []string, progress func(ImportProgress)) (ImportStats, error) {
	if len(paths) == 0 {
		return ImportStats{}, errors.New("nothing to import: give .eml files, mbox files or Maildir folders")
	}
	var sc importScanner
	for _, p := range paths {
		if err := sc.scanPath(p); err != nil {
			return ImportStats{}, err
		}
	}
	im := &importer{s: s, ctx: ctx, progress: progress, maxMessages: importBatchMessages, maxBytes: importBatchBytes}
	return im.run(sc)
}

// run reads what the scan found.
func (im *importer) run(sc importScanner) (ImportStats, error) {
	ctx := im.ctx
	im.stats.Skipped = sc.skipped
	for _, src := range sc.sources {
		im.progressAt.Total += src.size
	}
	for _, src := range sc.sources {
		if err := ctx.Err(); err != nil {
			return im.stats, fmt.Errorf("import stopped: %w (the messages read before were kept; run the same import again to go on)", err)
		}
		if err := im.read(src); err != nil {
			if ctx.Err() != nil {
				return im.stats, fmt.Errorf("import stopped: %w (the messages read before were kept; run the same import again to go on)", ctx.Err())
			}
			var pe *ImportPathError
			if !errors.As(err, &pe) {
				return im.stats, err
			}
			// Keep what was read before the file that failed.
			if ferr := im.flush(); ferr != nil {
				return im.stats, ferr
			}
			if im.stats.Read > 0 {
				err = fmt.Errorf("%w (the %d messages read before it were kept; running the import again after fixing this adds only the rest)", err, im.stats.Read)
			}
			return im.stats, err
		}
	}
	if err := im.flush(); err != nil {
		return im.stats, err
	}
	return im.stats, nil
}

// ImportPathError says that a path given to Import (or found in a folder)
// cannot be read, and what to do about it.
type ImportPathError struct {
	Path   string
	Reason string // in plain words, with what to do
	Err    error
}

func (e *ImportPathError) Error() string {
	return fmt.Sprintf("cannot import %s: %s", e.Path, e.Reason)
}

func (e *ImportPathError) Unwrap() error { return e.Err }

// importPathError explains why path cannot be read.
func importPathError(path string, err error) error {
	reason := fmt.Sprintf("%v — check the path and that you may read it", errors.Unwrap(err))
	if errors.Unwrap(err) == nil {
		reason = fmt.Sprintf("%v — check the path and that you may read it", err)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if target, lerr := os.Readlink(path); lerr == nil {
			reason = fmt.Sprintf("it is a link to %s, which does not exist — fix or remove the link", target)
		} else {
			reason = "it does not exist — check the path (and that the disk or share holding it is mounted)"
		}
	case errors.Is(err, fs.ErrPermission):
		reason = "permission denied — check that you may read it (run as its owner, or change its permissions)"
	case errors.Is(err, syscall.ENOTDIR):
		reason = "a part of the path is a file, not a folder — check the path"
	case errors.Is(err, syscall.ELOOP):
		reason = "it is a link that points to itself (a loop of links) — fix or remove the link"
	case errors.Is(err, syscall.EISDIR):
		reason = "it is a folder where a file was expected — check the path"
	}
	return &ImportPathError{Path: path, Reason: reason, Err: err}
}

// importSource is one file to read: a Maildir message, or a file whose kind
// (.eml, mbox, other) is decided when it is opened.
type importSource struct {
	path    string
	folder  string // the location's folder; for files, the name of the folder holding it
	uid     string // the location's UID (Maildir: the unique name; files: the file name)
	maildir bool
	size    int64
	modTime time.Time
}

// importScanner finds what to import before anything is read, so that the
// total size is known and bad paths are reported first.
type importScanner struct {
	sources []importSource
	skipped int
}

// scanPath adds one path given by the user.
func (sc *importScanner) scanPath(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return importPathError(path, err)
	}
	switch {
	case fi.IsDir():
		abs, err := filepath.Abs(path)
		if err != nil {
			return importPathError(path, err)
		}
		if isMaildir(abs) {
			return sc.scanMaildir(abs, filepath.Base(abs), "")
		}
		return sc.scanFolder(abs, "")
	case fi.Mode().IsRegular():
		abs, err := filepath.Abs(path)
		if err != nil {
			return importPathError(path, err)
		}
		sc.addFile(abs, fi)
		return nil
	default:
		return &ImportPathError{Path: path, Reason: fmt.Sprintf("it is not a file or a folder (it is %s) — give mail files or folders", importFileType(fi.Mode()))}
	}
}

// scanFolder walks a folder that is not a Maildir: its files are messages or
// mbox files, its subfolders are walked. rel is the folder's path below the
// Maildir tree it is inside ("" when it is not inside one).
func (sc *importScanner) scanFolder(dir, rel string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return importPathError(dir, err)
	}
	for _, de := range entries {
		name := de.Name()
		path := filepath.Join(dir, name)
		if strings.HasPrefix(name, ".") {
			sc.skipped++
			continue
		}
		fi, err := sc.entryInfo(path, de)
		if err != nil {
			return err
		}
		switch {
		case fi == nil:
			// Skipped.
		case fi.IsDir() && rel != "":
			if err := sc.scanTreeDir(path, rel+"/"+decodeModifiedUTF7(name)); err != nil {
				return err
			}
		case fi.IsDir() && isMaildir(path):
			if err := sc.scanMaildir(path, name, ""); err != nil {
				return err
			}
		case fi.IsDir():
			if err := sc.scanFolder(path, ""); err != nil {
				return err
			}
		default:
			sc.addFile(path, fi)
		}
	}
	return nil
}

// entryInfo describes a folder's entry, following links to files. It returns
// nil for what is skipped (links to folders, pipes, devices, sockets, empty
// files) and an error for links that lead nowhere.
func (sc *importScanner) entryInfo(path string, de fs.DirEntry) (fs.FileInfo, error) {
	fi, err := de.Info()
	if err == nil && de.Type()&fs.ModeSymlink != 0 {
		fi, err = os.Stat(path)
		if err == nil && fi.IsDir() {
			// Not followed: links to folders can make loops.
			sc.skipped++
			return nil, nil
		}
	}
	if err != nil {
		return nil, importPathError(path, err)
	}
	if fi.IsDir() {
		return fi, nil
	}
	if !fi.Mode().IsRegular() || fi.Size() == 0 {
		sc.skipped++
		return nil, nil
	}
	return fi, nil
}

// addFile adds a file whose kind is decided when it is read.
func (sc *importScanner) addFile(path string, fi fs.FileInfo) {
	sc.sources = append(sc.sources, importSource{
		path:    path,
		folder:  filepath.Base(filepath.Dir(path)),
		uid:     filepath.Base(path),
		size:    fi.Size(),
		modTime: fi.ModTime(),
	})
}

func importFileType(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// importer reads sources and commits them in batches.
type importer struct {
	s          *Store
	ctx        context.Context
	progress   func(ImportProgress)
	stats      ImportStats
	batch      []Incoming
	batchBytes int64
	progressAt ImportProgress
	// A batch is committed when it holds this many messages or bytes.
	maxMessages int
	maxBytes    int64
}

// read imports one source.
func (im *importer) read(src importSource) error {
	if src.maildir {
		raw, err := readFileSized(src.path, src.size)
		if err != nil {
			return importPathError(src.path, err)
		}
		im.stats.MaildirMessages++
		return im.add(raw, src.folder, src.uid, src.modTime, src.size)
	}
	f, err := os.Open(src.path)
	if err != nil {
		return importPathError(src.path, err)
	}
	defer f.Close()
	head := make([]byte, len(mboxFromPrefix))
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return importPathError(src.path, err)
	}
	if !strings.EqualFold(filepath.Ext(src.path), ".eml") && bytes.Equal(head[:n], []byte(mboxFromPrefix)) {
		im.stats.MboxFiles++
		return im.readMbox(f, src)
	}
	if src.size > importMaxMessage {
		return &ImportPathError{Path: src.path, Reason: fmt.Sprintf("it is %d MiB, too large to be one message, and it is not an mbox file — import the mail files or folders it holds instead, or leave it out", src.size>>20)}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return importPathError(src.path, err)
	}
	raw, err := readAllSized(f, src.size)
	if err != nil {
		return importPathError(src.path, err)
	}
	if len(raw) == 0 {
		im.stats.Skipped++
		im.progressAt.Bytes += src.size
		return nil
	}
	if strings.EqualFold(filepath.Ext(src.path), ".eml") {
		im.stats.EMLFiles++
	} else {
		im.stats.OtherFiles++
	}
	return im.add(raw, src.folder, src.uid, src.modTime, src.size)
}

// readMbox imports the messages of an mbox file.
func (im *importer) readMbox(f *os.File, src importSource) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return importPathError(src.path, err)
	}
	folder := filepath.Base(src.path)
	for _, ext := range []string{".mbox", ".mbx"} {
		if len(folder) > len(ext) && strings.EqualFold(filepath.Ext(folder), ext) {
			folder = folder[:len(folder)-len(ext)]
		}
	}
	r := newMboxReader(f)
	var counted int64
	for i := 1; ; i++ {
		m, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return importPathError(src.path, fmt.Errorf("message %d: %w", i, err))
		}
		hint := m.Date
		if hint.IsZero() {
			hint = src.modTime
		}
		im.stats.MboxMessages++
		read := r.Offset() - counted
		counted = r.Offset()
		if err := im.add(m.Raw, folder, strconv.Itoa(i), hint, read); err != nil {
			return err
		}
	}
	im.progressAt.Bytes += src.size - counted // the file may have changed since it was scanned
	return nil
}

// add puts one message into the batch, and commits the batch when it is full.
// read is how many bytes of the source it took.
func (im *importer) add(raw []byte, folder, uid string, hint time.Time, read int64) error {
	if err := im.ctx.Err(); err != nil {
		return err
	}
	im.batch = append(im.batch, Incoming{
		Raw:      raw,
		Location: Location{Account: ImportAccount, Folder: folder, UID: uid},
		DateHint: hint,
	})
	im.batchBytes += int64(len(raw))
	im.progressAt.Bytes += read
	if len(im.batch) >= im.maxMessages || im.batchBytes >= im.maxBytes {
		return im.flush()
	}
	return nil
}

// flush commits the batch in one transaction.
func (im *importer) flush() error {
	if len(im.batch) == 0 {
		return nil
	}
	stored, err := im.s.Ingest(im.ctx, Batch{Messages: im.batch})
	if err != nil {
		return err
	}
	ids := make([]int64, len(stored))
	for i, st := range stored {
		ids[i] = st.ID
		if st.New {
			im.stats.New++
		}
	}
	problems, err := im.s.countFlagged(im.ctx, ids, FlagParseError)
	if err != nil {
		return err
	}
	im.stats.Problems += problems
	im.stats.Read += len(stored)
	clear(im.batch) // let the messages' memory go
	im.batch = im.batch[:0]
	im.batchBytes = 0
	im.progressAt.Messages = im.stats.Read
	if im.progress != nil {
		im.progress(im.progressAt)
	}
	return nil
}

// countFlagged counts how many of ids (each as often as it appears) carry flag.
func (s *Store) countFlagged(ctx context.Context, ids []int64, flag Flags) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, int64(flag))
	for _, id := range ids {
		args = append(args, id)
	}
	q := `SELECT id FROM messages WHERE flags & ? != 0 AND id IN (?` + strings.Repeat(",?", len(ids)-1) + `)`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("archive %s: read flags: %w", s.path, s.classify(err))
	}
	defer rows.Close()
	flagged := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, fmt.Errorf("archive %s: read flags: %w", s.path, s.classify(err))
		}
		flagged[id] = true
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("archive %s: read flags: %w", s.path, s.classify(err))
	}
	n := 0
	for _, id := range ids {
		if flagged[id] {
			n++
		}
	}
	return n, nil
}

// readFileSized reads a whole file whose size is about known.
func readFileSized(path string, size int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAllSized(f, size)
}

// readAllSized reads r to its end into a buffer of the size expected, growing
// it only if r holds more.
func readAllSized(r io.Reader, size int64) ([]byte, error) {
	buf := make([]byte, 0, size+1) // +1: reaching the end takes one more read
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}
