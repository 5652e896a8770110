package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "archive.mailkeep"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestIngestKeepsBytesAndDeduplicates(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	big := "Subject: big\r\n\r\n" + strings.Repeat("compressible line of text\r\n", 4000)
	msgs := [][]byte{
		[]byte("From: a@example.com\r\nSubject: hello\r\n\r\nbody\r\n"),
		[]byte(big),
		[]byte("no header at all, no newline at the end"),
		{0, 1, 2, 0xff, 0xfe, '\r', '\n'},
		[]byte{},
	}
	var batch Batch
	for i, raw := range msgs {
		batch.Messages = append(batch.Messages, Incoming{Raw: raw, Location: Location{Account: "acct", Folder: "INBOX", UIDValidity: 7, UID: string(rune('1' + i))}})
	}
	// The first message again, seen in another folder, in the same batch.
	batch.Messages = append(batch.Messages, Incoming{Raw: msgs[0], Location: Location{Account: "acct", Folder: "Sent", UIDValidity: 9, UID: "3"}})
	batch.States = []FolderState{{Account: "acct", Folder: "INBOX", UIDValidity: 7, LastUID: 5}}

	got, err := s.Ingest(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(batch.Messages) {
		t.Fatalf("got %d results for %d messages", len(got), len(batch.Messages))
	}
	if got[5].ID != got[0].ID || got[5].New || !got[0].New {
		t.Errorf("duplicate in batch: got %+v and %+v", got[0], got[5])
	}
	for i, raw := range msgs {
		if got[i].SHA256 != sha256.Sum256(raw) {
			t.Errorf("message %d: wrong hash", i)
		}
		back, err := s.Raw(ctx, got[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(back, raw) {
			t.Errorf("message %d: stored bytes differ", i)
		}
	}
	m, err := s.Get(ctx, got[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Locations) != 2 || m.Subject != "hello" || m.From != "a@example.com" {
		t.Errorf("Get = %+v", m)
	}
	st, ok, err := s.FolderState(ctx, "acct", "INBOX")
	if err != nil || !ok || st.UIDValidity != 7 || st.LastUID != 5 {
		t.Errorf("FolderState = %+v %v %v", st, ok, err)
	}

	// Ingesting everything again stores nothing new and adds no location.
	again, err := s.Ingest(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	for i := range again {
		if again[i].New || again[i].ID != got[i].ID {
			t.Errorf("re-ingest %d: %+v, first time %+v", i, again[i], got[i])
		}
	}
	stats, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Messages != len(msgs) || stats.Locations != len(batch.Messages) {
		t.Errorf("stats = %+v, want %d messages in %d places", stats, len(msgs), len(batch.Messages))
	}
	if stats.StoredBytes >= stats.RawBytes {
		t.Errorf("nothing was compressed: stored %d of %d raw bytes", stats.StoredBytes, stats.RawBytes)
	}
	rep, err := s.Verify(ctx, nil)
	if err != nil || len(rep.Bad) != 0 || rep.Checked != len(msgs) {
		t.Errorf("Verify = %+v, %v", rep, err)
	}
}

func TestExtract(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	hint := time.Date(2020, 5, 6, 7, 8, 9, 0, time.UTC)
	tests := []struct {
		name string
		raw  string
		want func(x extracted) string // "" when right, else what is wrong
	}{
		{"encoded subject and latin-1 from", "From: M\xfcller <m@example.de>\r\nSubject: =?iso-8859-1?q?Gr=FC=DFe?=\r\nDate: Tue, 4 Apr 2023 10:00:00 +0200\r\n\r\nHallo\r\n",
			func(x extracted) string {
				if x.From != "Müller <m@example.de>" || x.Subject != "Grüße" || x.DateSource != "header" || x.Date.Hour() != 8 || x.Body != "Hallo\r\n" {
					return "got " + x.From + " | " + x.Subject + " | " + x.DateSource + " | " + x.Body
				}
				return ""
			}},
		{"koi8-r body", "Subject: x\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\n\xf0\xd2\xc9\xd7\xc5\xd4\r\n",
			func(x extracted) string {
				if !strings.Contains(x.Body, "Привет") {
					return "body " + x.Body
				}
				return ""
			}},
		{"missing date uses received", "Received: from x by y; Mon, 2 Jan 2006 15:04:05 -0700\r\nSubject: x\r\n\r\nb\r\n",
			func(x extracted) string {
				if x.DateSource != "received" || x.Date.Year() != 2006 {
					return x.DateSource
				}
				return ""
			}},
		{"broken date uses hint", "Date: yesterday-ish\r\nSubject: x\r\n\r\nb\r\n",
			func(x extracted) string {
				if x.DateSource != "hint" || !x.Date.Equal(hint) || len(x.Problems) == 0 {
					return x.DateSource
				}
				return ""
			}},
		{"html only", "Content-Type: text/html; charset=utf-8\r\n\r\n<html><head><style>p{}</style></head><body><p>Invoice &amp; <b>total</b></p><script>evil()</script></body></html>",
			func(x extracted) string {
				if x.Body != "Invoice & total" {
					return "body " + x.Body
				}
				return ""
			}},
		{"attachment with encoded name", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''Rechnung%20M%C3%BCller.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n--b--\r\n",
			func(x extracted) string {
				if len(x.Attachments) != 1 || x.Attachments[0].Filename != "Rechnung Müller.pdf" || x.Attachments[0].Size != 8 || !strings.Contains(x.Body, "see attached") {
					return "attachments"
				}
				return ""
			}},
		{"header without colon", "Subject: kept\r\nthis line is broken\r\n\r\nbody words\r\n",
			func(x extracted) string {
				if x.Subject != "kept" || !strings.Contains(x.Body, "body words") || len(x.Problems) == 0 {
					return "subject " + x.Subject + " body " + x.Body
				}
				return ""
			}},
		{"unterminated multipart", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n",
			func(x extracted) string {
				if !strings.Contains(x.Body, "first part") {
					return "body " + x.Body
				}
				return ""
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := extract([]byte(tt.raw), hint, now)
			if problem := tt.want(x); problem != "" {
				t.Errorf("%s (problems: %v)", problem, x.Problems)
			}
		})
	}
}
