package storetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Maildir writes messages into one folder of a Maildir++ tree.
type Maildir struct {
	dir string // the folder's own directory (holding cur, new, tmp)
}

// NewMaildir prepares folder of the Maildir++ tree at root: root itself when
// folder is "", else root/.folder, where a folder "Work/Projects" becomes
// ".Work.Projects". The root is always made a Maildir too, as Maildir++ wants.
func NewMaildir(root, folder string) (*Maildir, error) {
	dirs := []string{root}
	if folder != "" {
		dirs = append(dirs, filepath.Join(root, "."+strings.ReplaceAll(folder, "/", ".")))
	}
	for _, d := range dirs {
		for _, sub := range []string{"cur", "new", "tmp"} {
			if err := os.MkdirAll(filepath.Join(d, sub), 0o755); err != nil {
				return nil, fmt.Errorf("make Maildir %s: %w", d, err)
			}
		}
	}
	return &Maildir{dir: dirs[len(dirs)-1]}, nil
}

// Add writes one message: most into cur with flags, some into new, each under
// a unique name, with the message's envelope time as modification time.
func (md *Maildir) Add(m Message) error {
	name := fmt.Sprintf("%d.M%dP%d.mailkeep-test,S=%d", m.Envelope.Unix(), m.Index, 4000+m.Index%1000, len(m.Raw))
	sub := "new"
	if m.Index%5 != 0 {
		sub = "cur"
		name += ":2," + []string{"S", "RS", "", "FS"}[m.Index%4]
	}
	path := filepath.Join(md.dir, sub, name)
	if err := os.WriteFile(path, m.Raw, 0o644); err != nil {
		return fmt.Errorf("write Maildir message: %w", err)
	}
	if err := os.Chtimes(path, m.Envelope, m.Envelope); err != nil {
		return fmt.Errorf("set Maildir message time: %w", err)
	}
	return nil
}

// WriteMaildir writes msgs into folder of the Maildir++ tree at root (see
// NewMaildir).
func WriteMaildir(root, folder string, msgs []Message) error {
	md, err := NewMaildir(root, folder)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if err := md.Add(m); err != nil {
			return err
		}
	}
	return nil
}
