package store

// Maildir folders, as Import reads them:
//
//   - A Maildir is a directory with a cur/ or a new/ directory (tmp/ is left
//     alone: messages there are still being delivered). Each regular file in
//     cur/ and new/ whose name does not start with "." is one message.
//   - Loose files beside cur/ and new/ whose names carry Maildir flags
//     ("<unique>:2,<flags>", as notmuch's trees have) are messages too; the
//     other files there (dovecot-uidlist, dovecot.index*, maildirfolder,
//     subscriptions, ...) belong to the mail program and are skipped.
//   - Subfolders: Maildir++ folders (".Sent", ".Archive.2023") and nested
//     Maildirs (notmuch or Dovecot LAYOUT=fs style: "work/INBOX"), to any depth.
//
// Folder names, for the messages' locations: the Maildir given (or found while
// walking a folder) is named after its directory ("~/Maildir" gives
// "Maildir"), so that two Maildirs imported side by side stay apart. A
// subfolder is named by its path below that Maildir, where a Maildir++ name
// loses its leading "." and its dots become "/" (".Archive.2023" gives
// "Archive/2023"; IMAP's modified UTF-7, as Dovecot writes it, is decoded:
// ".Entw&APw-rfe" gives "Entwürfe"). A nested "bar/baz" gives "bar/baz".
//
// A message's UID is its file name up to the ":" of the flags: the part that
// stays the same when a mail program moves it from new/ to cur/ or changes its
// flags, so importing the same Maildir again adds no new locations.

import (
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"
)

// isMaildir reports whether dir has a cur/ or a new/ directory.
func isMaildir(dir string) bool {
	for _, sub := range []string{"cur", "new"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

// maildirOwnDir reports whether a Maildir's directory of this name is one of
// its own (cur, new, tmp) rather than a subfolder.
func maildirOwnDir(name string) bool {
	return name == "cur" || name == "new" || name == "tmp"
}

// maildirLooseMessage reports whether a file beside cur/ and new/ is named
// like a Maildir message.
func maildirLooseMessage(name string) bool {
	return !strings.HasPrefix(name, ".") && strings.Contains(name, ":2,")
}

// maildirUID is a message file's unique part: its name up to the flags.
func maildirUID(name string) string {
	if i := strings.IndexByte(name, ':'); i > 0 {
		return name[:i]
	}
	return name
}

// maildirSubfolder names the folder of directory name, found inside the
// Maildir folder parent ("" for the top of the tree, which has its own name).
func maildirSubfolder(parent, name string) string {
	var sub string
	if strings.HasPrefix(name, ".") && len(name) > 1 {
		parts := strings.Split(name[1:], ".")
		for i, p := range parts {
			parts[i] = decodeModifiedUTF7(p)
		}
		sub = strings.Join(parts, "/")
	} else {
		sub = decodeModifiedUTF7(name)
	}
	if parent == "" {
		return sub
	}
	return parent + "/" + sub
}

// decodeModifiedUTF7 decodes IMAP's modified UTF-7 (RFC 3501 5.1.3) as
// Dovecot uses it in Maildir folder names. A name that is not valid modified
// UTF-7 is returned as it is.
func decodeModifiedUTF7(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c != '&' {
			if c < 0x20 || c > 0x7e {
				return s
			}
			b.WriteByte(c)
			i++
			continue
		}
		end := strings.IndexByte(s[i:], '-')
		if end < 0 {
			return s
		}
		enc := s[i+1 : i+end]
		i += end + 1
		if enc == "" {
			b.WriteByte('&')
			continue
		}
		raw, err := base64.RawStdEncoding.DecodeString(strings.ReplaceAll(enc, ",", "/"))
		if err != nil || len(raw)%2 != 0 {
			return s
		}
		units := make([]uint16, len(raw)/2)
		for j := range units {
			units[j] = uint16(raw[2*j])<<8 | uint16(raw[2*j+1])
		}
		for _, r := range utf16.Decode(units) {
			if r == 0xfffd || r < 0x20 {
				return s
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// scanMaildir adds the messages of the Maildir dir under folder, then walks its
// subdirectories; rel is dir's path below the top of the Maildir tree ("" for
// the top).
func (sc *importScanner) scanMaildir(dir, folder, rel string) error {
	for _, sub := range []string{"new", "cur"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return importPathError(filepath.Join(dir, sub), err)
		}
		for _, de := range entries {
			if strings.HasPrefix(de.Name(), ".") {
				sc.skipped++
				continue
			}
			if err := sc.addMaildirFile(filepath.Join(dir, sub), de, folder); err != nil {
				return err
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return importPathError(dir, err)
	}
	for _, de := range entries {
		name := de.Name()
		path := filepath.Join(dir, name)
		switch {
		case de.IsDir() && maildirOwnDir(name):
		case de.IsDir() && strings.HasPrefix(name, "."):
			// A Maildir++ folder, or a mail program's own (".notmuch").
			if !isMaildir(path) {
				sc.skipped++
				continue
			}
			sub := maildirSubfolder(rel, name)
			if err := sc.scanMaildir(path, sub, sub); err != nil {
				return err
			}
		case de.IsDir():
			if err := sc.scanTreeDir(path, maildirSubfolder(rel, name)); err != nil {
				return err
			}
		case maildirLooseMessage(name):
			if err := sc.addMaildirFile(dir, de, folder); err != nil {
				return err
			}
		}
	}
	return nil
}

// scanTreeDir walks a directory inside a Maildir tree that is not a Maildir++
// folder: a nested Maildir, or a plain folder that may hold some.
func (sc *importScanner) scanTreeDir(dir, rel string) error {
	if isMaildir(dir) {
		return sc.scanMaildir(dir, rel, rel)
	}
	return sc.scanFolder(dir, rel)
}

// addMaildirFile adds one message file of a Maildir.
func (sc *importScanner) addMaildirFile(dir string, de fs.DirEntry, folder string) error {
	path := filepath.Join(dir, de.Name())
	fi, err := sc.entryInfo(path, de)
	if err != nil || fi == nil {
		return err
	}
	if fi.IsDir() {
		sc.skipped++
		return nil
	}
	sc.sources = append(sc.sources, importSource{
		path:    path,
		folder:  folder,
		uid:     maildirUID(de.Name()),
		maildir: true,
		size:    fi.Size(),
		modTime: fi.ModTime(),
	})
	return nil
}
