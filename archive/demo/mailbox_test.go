package demo

import (
	"bytes"
	"crypto/sha256"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-message/mail"
)

func TestMailboxIsTheSameEveryTime(t *testing.T) {
	a, b := Mailbox(), Mailbox()
	if len(a) != len(b) {
		t.Fatalf("two generations: %d and %d messages", len(a), len(b))
	}
	for i := range a {
		if !bytes.Equal(a[i].Raw, b[i].Raw) || a[i].Folder != b[i].Folder || !a[i].Date.Equal(b[i].Date) {
			t.Fatalf("message %d differs between two generations:\n%s\n---\n%s", i, a[i].Raw, b[i].Raw)
		}
	}
}

// TestMailboxLooksLikeAnOffice checks what the package documentation
// promises of the mailbox.
func TestMailboxLooksLikeAnOffice(t *testing.T) {
	msgs := Mailbox()
	if len(msgs) < 250 || len(msgs) > 350 {
		t.Errorf("%d messages, want about 300", len(msgs))
	}
	perFolder := map[string]int{}
	hashes := map[[32]byte]bool{}
	var html, attachments, pdfs, csvs, japanese, umlauts int
	years := map[int]bool{}
	for i, m := range msgs {
		perFolder[m.Folder]++
		h := sha256.Sum256(m.Raw)
		if hashes[h] {
			t.Errorf("message %d (%q) is a byte-for-byte copy of another", i, m.Subject)
		}
		hashes[h] = true
		years[m.Date.Year()] = true
		if i > 0 && msgs[i-1].Folder == m.Folder && m.Date.Before(msgs[i-1].Date) {
			t.Errorf("message %d of %s is older than the one before it", i, m.Folder)
		}

		if bytes.Contains(bytes.ReplaceAll(m.Raw, []byte("\r\n"), nil), []byte("\n")) || bytes.Contains(m.Raw, []byte("\r\r")) {
			t.Errorf("message %d has a line not ended by CRLF", i)
		}
		for line := range bytes.SplitSeq(m.Raw, []byte("\r\n")) {
			if len(line) > 998 {
				t.Errorf("message %d has a line of %d bytes (RFC 5322 allows 998)", i, len(line))
			}
		}
		r, err := mail.CreateReader(bytes.NewReader(m.Raw))
		if err != nil {
			t.Fatalf("message %d does not parse: %v\n%s", i, err, m.Raw)
		}
		subject, err := r.Header.Subject()
		if err != nil || subject != m.Subject {
			t.Errorf("message %d: Subject %q (%v), want %q", i, subject, err, m.Subject)
		}
		from, err := r.Header.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Name != m.From {
			t.Errorf("message %d: From %v (%v), want %q", i, from, err, m.From)
		}
		for _, a := range append(from, must(r.Header.AddressList("To"))...) {
			if !strings.HasSuffix(a.Address, "@example.com") && !strings.HasSuffix(a.Address, "@example.org") {
				t.Errorf("message %d: address %s is not at example.com or example.org", i, a.Address)
			}
		}
		if d, err := r.Header.Date(); err != nil || !d.Equal(m.Date) {
			t.Errorf("message %d: Date %v (%v), want %v", i, d, err, m.Date)
		}
		if !isASCII(subject) {
			if strings.ContainsAny(subject, "äöüßÄÖÜ") {
				umlauts++
			}
			if strings.ContainsRune(subject, '議') {
				japanese++
			}
		}
		var names []string
		for {
			p, err := r.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("message %d: read parts: %v", i, err)
			}
			body, err := io.ReadAll(p.Body)
			if err != nil {
				t.Fatalf("message %d: read a part: %v", i, err)
			}
			switch h := p.Header.(type) {
			case *mail.InlineHeader:
				if ct, _, _ := h.ContentType(); ct == "text/html" {
					html++
				}
			case *mail.AttachmentHeader:
				name, _ := h.Filename()
				names = append(names, name)
				switch {
				case strings.HasSuffix(name, ".pdf"):
					pdfs++
					if !bytes.HasPrefix(body, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(body, []byte("%%EOF\n")) {
						t.Errorf("message %d: %s is not a PDF", i, name)
					}
				case strings.HasSuffix(name, ".csv"):
					csvs++
				}
			}
		}
		if !slices.Equal(names, m.attachments) {
			t.Errorf("message %d: attachments %q, want %q", i, names, m.attachments)
		}
		if len(names) > 0 {
			attachments++
		}
	}
	for _, f := range Folders() {
		if perFolder[f] == 0 {
			t.Errorf("folder %s is empty", f)
		}
	}
	if len(perFolder) != len(Folders()) {
		t.Errorf("messages in folders %v, want only %v", perFolder, Folders())
	}
	for what, n := range map[string]int{"HTML": html, "with attachments": attachments, "PDFs": pdfs, "CSVs": csvs,
		"Japanese subjects": japanese, "subjects with umlauts": umlauts} {
		if n < 3 {
			t.Errorf("%d messages %s, want a few", n, what)
		}
	}
	if !years[2023] || !years[2024] || len(years) != 2 {
		t.Errorf("messages from the years %v, want 2023 and 2024", years)
	}
}

func must[T any](v T, _ error) T { return v }
