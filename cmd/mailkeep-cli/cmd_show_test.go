package main

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

func TestShowRawIsExact(t *testing.T) {
	db, fixtures, ids := seedArchive(t)
	for i, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			for _, terminal := range []bool{false, true} {
				c := cliWithDB(db)
				c.terminal = terminal
				r := c.run(t, "show", strconv.FormatInt(ids[i], 10), "--raw")
				if r.code != exitOK {
					t.Fatalf("%s", r)
				}
				if got := r.stdout.Bytes(); !bytes.Equal(got, f.raw) {
					t.Errorf("terminal=%v: show --raw wrote %d bytes %q, want the %d stored bytes %q", terminal, len(got), got, len(f.raw), f.raw)
				}
				if r.stderr.String() != "" {
					t.Errorf("stderr: %q", r.stderr.String())
				}
			}
		})
	}
	// The fixture with NUL bytes and no final newline must be among them.
	if last := fixtures[3].raw; last[len(last)-1] != 0 || !bytes.Contains(last, []byte{0, 0}) {
		t.Fatal("the binary fixture lost its NUL bytes")
	}
}

func TestShow(t *testing.T) {
	db, _, ids := seedArchive(t)
	tests := []struct {
		name   string
		id     int64
		code   int
		stdout []string
		stderr string
	}{
		{
			name: "two folders",
			id:   ids[0],
			stdout: []string{"Subject:     Quarterly report", "From:        Alice Example <alice@example.com>",
				"Date:        2024-03-05 13:22:00 +0000", "shared@contoso.com/INBOX", "shared@contoso.com/Archive/2024",
				"SHA-256:     " + testMessages()[0].sha256(), "show " + strconv.FormatInt(ids[0], 10) + " --raw"},
		},
		{name: "non-ASCII", id: ids[1], stdout: []string{"Subject:     Grüße aus Köln", "Jürgen Müller", "Cc:          carol@example.com"}},
		{name: "attachment", id: ids[2], stdout: []string{"Attachments (1):", "invoice-117.pdf  application/pdf  54 B"}},
		{name: "no such message", id: 99999, code: exitFailed, stderr: "mailkeep-cli: no message with id 99999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cliWithDB(db).run(t, "show", strconv.FormatInt(tt.id, 10))
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tt.code, r)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(r.stdout.String(), want) {
					t.Errorf("stdout lacks %q\n%s", want, r)
				}
			}
			if !strings.Contains(r.stderr.String(), tt.stderr) {
				t.Errorf("stderr lacks %q\n%s", tt.stderr, r)
			}
		})
	}
	r := cliWithDB(db).run(t, "show", "99999", "--raw")
	if r.code != exitFailed || r.stdout.String() != "" {
		t.Errorf("show --raw of a missing message: %s", r)
	}
}
