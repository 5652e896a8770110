package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/store"
)

// fixture is one test message and what the archive should say about it.
type fixture struct {
	name          string
	raw           []byte
	subject       string // decoded
	from          string // as the store shows it (contains)
	date          time.Time
	hasAttachment bool
}

func (f fixture) sha256() string {
	sum := sha256.Sum256(f.raw)
	return hex.EncodeToString(sum[:])
}

// testMessages are a handful of messages with the awkward parts: a non-ASCII
// subject and sender, an attachment, NUL bytes and no final newline, bare LF.
func testMessages() []fixture {
	return []fixture{
		{
			name: "report.eml",
			raw: []byte("From: Alice Example <alice@example.com>\r\n" +
				"To: bob@example.com\r\n" +
				"Subject: Quarterly report\r\n" +
				"Date: Tue, 05 Mar 2024 14:22:00 +0100\r\n" +
				"Message-ID: <q1@example.com>\r\n" +
				"\r\n" +
				"The budget for the third quarter is in the shared folder.\r\n"),
			subject: "Quarterly report",
			from:    "alice@example.com",
			date:    time.Date(2024, 3, 5, 13, 22, 0, 0, time.UTC),
		},
		{
			name: "gruesse.eml",
			raw: []byte("From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>\r\n" +
				"To: alice@example.com\r\n" +
				"Cc: carol@example.com\r\n" +
				"Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\n" +
				"Date: Wed, 10 Apr 2024 09:05:00 +0200\r\n" +
				"Message-ID: <g1@example.de>\r\n" +
				"MIME-Version: 1.0\r\n" +
				"Content-Type: text/plain; charset=utf-8\r\n" +
				"Content-Transfer-Encoding: 8bit\r\n" +
				"\r\n" +
				"Hallo Alice,\r\nanbei das Zauberwort für nächste Woche.\r\nViele Grüße\r\n"),
			subject: "Grüße aus Köln",
			from:    "juergen@example.de",
			date:    time.Date(2024, 4, 10, 7, 5, 0, 0, time.UTC),
		},
		{
			name: "invoice.eml",
			raw: []byte("From: billing@example.net\r\n" +
				"To: alice@example.com\r\n" +
				"Subject: Invoice 2024-117\r\n" +
				"Date: Mon, 20 May 2024 08:00:00 +0000\r\n" +
				"MIME-Version: 1.0\r\n" +
				"Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
				"\r\n" +
				"--b1\r\n" +
				"Content-Type: text/plain; charset=us-ascii\r\n" +
				"\r\n" +
				"Please find the invoice attached.\r\n" +
				"--b1\r\n" +
				"Content-Type: application/pdf; name=\"invoice-117.pdf\"\r\n" +
				"Content-Disposition: attachment; filename=\"invoice-117.pdf\"\r\n" +
				"Content-Transfer-Encoding: base64\r\n" +
				"\r\n" +
				"JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKJSVFT0YK\r\n" +
				"--b1--\r\n"),
			subject:       "Invoice 2024-117",
			from:          "billing@example.net",
			date:          time.Date(2024, 5, 20, 8, 0, 0, 0, time.UTC),
			hasAttachment: true,
		},
		{
			name: "binary.eml",
			raw: []byte("From: robot@example.org\r\n" +
				"To: alice@example.com\r\n" +
				"Subject: Sensor dump\r\n" +
				"Date: Sat, 01 Jun 2024 12:00:00 +0000\r\n" +
				"\r\n" +
				"before\x00after\x00\x00end\r\nno final newline\x00"),
			subject: "Sensor dump",
			from:    "robot@example.org",
			date:    time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC),
		},
		{
			name: "unix.eml",
			raw: []byte("From: dave@example.com\n" +
				"To: alice@example.com\n" +
				"Subject: Lunch on Friday?\n" +
				"Date: Fri, 07 Jun 2024 10:30:00 -0400\n" +
				"\n" +
				"Pizza or sushi?\n"),
			subject: "Lunch on Friday?",
			from:    "dave@example.com",
			date:    time.Date(2024, 6, 7, 14, 30, 0, 0, time.UTC),
		},
	}
}

// testLocations is where seedArchive says each fixture was seen: the first
// message in two folders, the rest in INBOX.
func testLocations(i int) []store.Location {
	inbox := store.Location{Account: "shared@contoso.com", Folder: "INBOX", UIDValidity: 7, UID: strconv.Itoa(i + 1)}
	if i == 0 {
		return []store.Location{inbox, {Account: "shared@contoso.com", Folder: "Archive/2024", UIDValidity: 9, UID: "1"}}
	}
	return []store.Location{inbox}
}

// seedArchive makes an archive file holding testMessages through the store's
// own Ingest, and returns its path and each fixture's id.
func seedArchive(t *testing.T) (string, []fixture, []int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.mailkeep")
	ctx := context.Background()
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	msgs := testMessages()
	var b store.Batch
	for i, m := range msgs {
		for _, loc := range testLocations(i) {
			b.Messages = append(b.Messages, store.Incoming{Raw: m.raw, Location: loc})
		}
	}
	stored, err := s.Ingest(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(msgs))
	k := 0
	for i := range msgs {
		ids[i] = stored[k].ID
		k += len(testLocations(i))
	}
	return path, msgs, ids
}

// writeMessageFiles writes the fixtures as .eml files into dir and returns their paths.
func writeMessageFiles(t *testing.T, dir string, msgs []fixture) []string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, m := range msgs {
		p := filepath.Join(dir, m.name)
		if err := os.WriteFile(p, m.raw, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// mboxMessages are two messages in one mboxrd file; the second's body has a
// line starting with "From " (escaped as ">From " in the file).
const mboxFile = "From alice@example.com Mon Jan  8 09:00:00 2024\n" +
	"From: Alice Example <alice@example.com>\n" +
	"To: team@example.com\n" +
	"Subject: Team meeting moved\n" +
	"Date: Mon, 08 Jan 2024 09:00:00 +0000\n" +
	"\n" +
	"The team meeting is now on Thursday.\n" +
	"\n" +
	"From bob@example.com Tue Jan  9 10:00:00 2024\n" +
	"From: bob@example.com\n" +
	"To: team@example.com\n" +
	"Subject: Re: Team meeting moved\n" +
	"Date: Tue, 09 Jan 2024 10:00:00 +0000\n" +
	"\n" +
	">From Thursday on I am away.\n" +
	"\n"

// maildirMessage is the one message of the test Maildir.
var maildirMessage = fixture{
	name: "1704790800.M1P1.host:2,S",
	raw: []byte("From: erin@example.com\r\n" +
		"To: alice@example.com\r\n" +
		"Subject: Maildir only\r\n" +
		"Date: Tue, 09 Jan 2024 09:00:00 +0000\r\n" +
		"\r\n" +
		"This one lives in a Maildir.\r\n"),
	subject: "Maildir only",
	from:    "erin@example.com",
	date:    time.Date(2024, 1, 9, 9, 0, 0, 0, time.UTC),
}

// writeImportSources writes the three kinds of sources import reads: a folder
// of .eml files (testMessages), an mbox file (2 messages) and a Maildir (1
// message). It returns their paths.
func writeImportSources(t *testing.T, dir string) (emlDir, mbox, maildir string) {
	t.Helper()
	emlDir = filepath.Join(dir, "eml")
	writeMessageFiles(t, emlDir, testMessages())
	mbox = filepath.Join(dir, "old.mbox")
	if err := os.WriteFile(mbox, []byte(mboxFile), 0o644); err != nil {
		t.Fatal(err)
	}
	maildir = filepath.Join(dir, "Maildir")
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(maildir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(maildir, "cur", maildirMessage.name), maildirMessage.raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return emlDir, mbox, maildir
}

// importedCount is how many messages writeImportSources holds.
const importedCount = 5 + 2 + 1
