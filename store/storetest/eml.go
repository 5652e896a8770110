package storetest

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteEML writes each message to its own file dir/NNNNNN.eml (NNNNNN being the
// message's index), with the message's envelope time as modification time.
func WriteEML(dir string, msgs []Message) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("make .eml folder: %w", err)
	}
	for _, m := range msgs {
		path := filepath.Join(dir, EMLName(m))
		if err := os.WriteFile(path, m.Raw, 0o644); err != nil {
			return fmt.Errorf("write .eml file: %w", err)
		}
		if err := os.Chtimes(path, m.Envelope, m.Envelope); err != nil {
			return fmt.Errorf("set .eml file time: %w", err)
		}
	}
	return nil
}

// EMLName is the file name WriteEML gives a message.
func EMLName(m Message) string { return fmt.Sprintf("%06d.eml", m.Index) }
