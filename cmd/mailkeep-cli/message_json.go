package main

import (
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/mailkeep/mailkeep/store"
)

// jsonMessage is one message as --json prints it: one JSON object a line.
// Field names are part of the command line's contract (DESIGN.md).
type jsonMessage struct {
	ID            int64    `json:"id"`
	SHA256        string   `json:"sha256"` // hex of the raw bytes' SHA-256
	Date          *string  `json:"date"`   // RFC 3339 with the message's own offset; null when it has none
	From          string   `json:"from"`
	To            string   `json:"to"`
	Cc            string   `json:"cc"`
	Subject       string   `json:"subject"`
	Folders       []string `json:"folders"` // where it was seen, as account/folder
	Size          int64    `json:"size"`    // bytes of the raw message
	HasAttachment bool     `json:"has_attachment"`
	Snippet       string   `json:"snippet"` // plain text, without highlights
}

func newJSONMessage(m store.Message, snippet []store.SnippetPart) jsonMessage {
	j := jsonMessage{
		ID:            m.ID,
		SHA256:        hex.EncodeToString(m.SHA256[:]),
		Date:          rfc3339(m.Date),
		From:          m.From,
		To:            m.To,
		Cc:            m.Cc,
		Subject:       m.Subject,
		Folders:       folders(m.Locations),
		Size:          m.Size,
		HasAttachment: len(m.Attachments) > 0,
	}
	var b strings.Builder
	for _, p := range snippet {
		b.WriteString(p.Text)
	}
	j.Snippet = b.String()
	return j
}

func rfc3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.RFC3339)
	return &s
}

// folders lists where a message was seen, as account/folder, each place once.
func folders(locs []store.Location) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, l := range locs {
		f := l.Account + "/" + l.Folder
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// newJSONEncoder writes one JSON object a line, leaving <, > and & readable.
func newJSONEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}
