package archivetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Deliver puts raw into user's folder as a new, unread message, creating the
// folder if needed. It writes the Maildir file directly (owned by dovecot,
// named <seconds>.M<µs>P<pid>Q<n>.<host>,S=<size>:2, under cur/), which
// seeds thousands of messages a second where `doveadm save` manages a few
// dozen; Dovecot picks the files up on its next sync. UIDs follow the order
// of Deliver calls.
//
// Folders use "/" as the hierarchy separator ("Archive/2024") and are kept
// on disk in Maildir++ layout (".Archive.2024") with UTF-8 names, so a name
// may not contain "."; "INBOX" (any case) is the inbox.
func (d *Dovecot) Deliver(user, folder string, raw []byte) {
	d.t.Helper()
	dir := d.folderDir(user, folder)
	d.ensureFolder(dir, folder)
	name := d.uniqueName(len(raw))
	tmp := filepath.Join(dir, "tmp", name)
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		d.t.Fatalf("archivetest: Deliver: %v", err)
	}
	if err := os.Chown(tmp, d.uid, d.gid); err != nil {
		d.t.Fatalf("archivetest: Deliver: %v", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "cur", name+":2,")); err != nil {
		d.t.Fatalf("archivetest: Deliver: %v", err)
	}
}

// CreateFolder makes an empty folder (and user's mailbox) if it does not
// exist yet. A parent that was never created itself ("Archive" of
// "Archive/2024") is listed by IMAP as \Noselect.
func (d *Dovecot) CreateFolder(user, folder string) {
	d.t.Helper()
	d.ensureFolder(d.folderDir(user, folder), folder)
}

// MaildirPath returns the directory on disk that holds user's folder.
func (d *Dovecot) MaildirPath(user, folder string) string {
	d.t.Helper()
	return d.folderDir(user, folder)
}

func (d *Dovecot) folderDir(user, folder string) string {
	d.t.Helper()
	if user == "" || strings.ContainsAny(user, "/\x00") || user == "." || user == ".." {
		d.t.Fatalf("archivetest: user %q cannot name a mailbox directory", user)
	}
	root := filepath.Join(d.Dir, "mail", user, "Maildir")
	if strings.EqualFold(folder, "INBOX") {
		return root
	}
	if folder == "" || strings.ContainsAny(folder, ".\x00") || strings.HasPrefix(folder, "/") ||
		strings.HasSuffix(folder, "/") || strings.Contains(folder, "//") {
		d.t.Fatalf("archivetest: folder %q: use non-empty names separated by \"/\", without \".\"", folder)
	}
	return filepath.Join(root, "."+strings.ReplaceAll(folder, "/", "."))
}

func (d *Dovecot) ensureFolder(dir, folder string) {
	d.t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.folders[dir] {
		return
	}
	root := dir
	if !strings.EqualFold(folder, "INBOX") {
		root = filepath.Dir(dir)
	}
	for _, p := range []string{filepath.Dir(root), root, filepath.Join(root, "cur"), filepath.Join(root, "new"), filepath.Join(root, "tmp"),
		dir, filepath.Join(dir, "cur"), filepath.Join(dir, "new"), filepath.Join(dir, "tmp")} {
		if err := d.mkdirOwned(p); err != nil {
			d.t.Fatalf("archivetest: create folder %q: %v", folder, err)
		}
	}
	if dir != root {
		marker := filepath.Join(dir, "maildirfolder")
		if err := os.WriteFile(marker, nil, 0o600); err != nil {
			d.t.Fatalf("archivetest: create folder %q: %v", folder, err)
		}
		if err := os.Chown(marker, d.uid, d.gid); err != nil {
			d.t.Fatalf("archivetest: create folder %q: %v", folder, err)
		}
	}
	d.folders[dir] = true
}

func (d *Dovecot) mkdirOwned(p string) error {
	err := os.Mkdir(p, 0o700)
	if os.IsExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return os.Chown(p, d.uid, d.gid)
}

// uniqueName returns a Maildir base name whose timestamps grow strictly with
// each call: Dovecot gives new files their UIDs in the order of the time in
// their names.
func (d *Dovecot) uniqueName(size int) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	us := time.Now().UnixMicro()
	if us <= d.lastName {
		us = d.lastName + 1
	}
	d.lastName = us
	d.seq++
	return fmt.Sprintf("%d.M%dP%dQ%d.mailkeep-test,S=%d", us/1e6, us%1e6, os.Getpid(), d.seq, size)
}
