package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/store"
)

func TestJSONMessage(t *testing.T) {
	raw := []byte("Subject: x\r\n\r\nbody")
	m := store.Message{
		ID:      42,
		SHA256:  sha256.Sum256(raw),
		Size:    int64(len(raw)),
		Date:    time.Date(2024, 3, 5, 14, 22, 0, 0, time.FixedZone("", 2*3600)),
		From:    "Jürgen <j@example.de>",
		To:      "a@example.com, b@example.com",
		Cc:      "c@example.com",
		Subject: "Grüße & <Angebot>",
		Locations: []store.Location{
			{Account: "shared@contoso.com", Folder: "INBOX", UIDValidity: 7, UID: "1"},
			{Account: "shared@contoso.com", Folder: "INBOX", UIDValidity: 8, UID: "3"},
			{Account: "import", Folder: "/mail/old.mbox"},
		},
		Attachments: []store.Attachment{{Filename: "a.pdf"}},
	}
	var out bytes.Buffer
	err := newJSONEncoder(&out).Encode(newJSONMessage(m, []store.SnippetPart{{Text: "the "}, {Text: "Angebot", Match: true}, {Text: " is"}}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":42,"sha256":"` + hexSum(raw) + `","date":"2024-03-05T14:22:00+02:00","from":"Jürgen <j@example.de>","to":"a@example.com, b@example.com","cc":"c@example.com","subject":"Grüße & <Angebot>","folders":["shared@contoso.com/INBOX","import//mail/old.mbox"],"size":18,"has_attachment":true,"snippet":"the Angebot is"}` + "\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestJSONMessageEmpty(t *testing.T) {
	b, err := json.Marshal(newJSONMessage(store.Message{ID: 1}, nil))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["date"] != nil {
		t.Errorf("date of a message without one = %v, want null", got["date"])
	}
	if f, ok := got["folders"].([]any); !ok || len(f) != 0 {
		t.Errorf("folders = %#v, want []", got["folders"])
	}
	for _, k := range []string{"id", "sha256", "date", "from", "to", "cc", "subject", "folders", "size", "has_attachment", "snippet"} {
		if _, ok := got[k]; !ok {
			t.Errorf("field %q missing in %s", k, b)
		}
	}
}

func hexSum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
