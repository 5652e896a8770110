package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/store"
)

func TestStats(t *testing.T) {
	db, fixtures, _ := seedArchive(t)
	var rawBytes int64
	for _, f := range fixtures {
		rawBytes += int64(len(f.raw))
	}

	r := cliWithDB(db).run(t, "stats", "--json")
	if r.code != exitOK {
		t.Fatalf("%s", r)
	}
	var got jsonStats
	dec := json.NewDecoder(strings.NewReader(r.stdout.String()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, r)
	}
	want := jsonStats{Path: db, Messages: 5, RawBytes: rawBytes, Accounts: 1, Folders: 2, Locations: 6, Attachments: 1}
	if got.Path != want.Path || got.Messages != want.Messages || got.RawBytes != want.RawBytes || got.Accounts != want.Accounts ||
		got.Folders != want.Folders || got.Locations != want.Locations || got.Attachments != want.Attachments || got.Flagged != 0 {
		t.Errorf("stats --json = %+v, want %+v", got, want)
	}
	if got.StoredBytes <= 0 || got.FileBytes <= 0 {
		t.Errorf("stored_bytes %d, file_bytes %d: want both > 0", got.StoredBytes, got.FileBytes)
	}
	if got.Oldest == nil || got.Newest == nil {
		t.Fatalf("oldest/newest missing: %s", r.stdout)
	}
	if o, _ := time.Parse(time.RFC3339, *got.Oldest); !o.Equal(fixtures[0].date) {
		t.Errorf("oldest %s, want %s", *got.Oldest, fixtures[0].date)
	}
	if n, _ := time.Parse(time.RFC3339, *got.Newest); !n.Equal(fixtures[4].date) {
		t.Errorf("newest %s, want %s", *got.Newest, fixtures[4].date)
	}

	r = cliWithDB(db).run(t, "stats")
	if r.code != exitOK {
		t.Fatalf("%s", r)
	}
	for _, line := range []string{"Archive file:    " + db, "Messages:        5\n", "Attachments:     1\n", "Oldest message:  2024-03-05\n", "Newest message:  2024-06-07\n", "Mail size:       1.4 kB\n"} {
		if !strings.Contains(r.stdout.String(), line) {
			t.Errorf("stats lacks %q\n%s", line, r)
		}
	}
}

func TestStatsEmptyArchive(t *testing.T) {
	db := filepath.Join(t.TempDir(), "empty.mailkeep")
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	r := cliWithDB(db).run(t, "stats", "--json")
	if r.code != exitOK || !strings.Contains(r.stdout.String(), `"messages":0`) || !strings.Contains(r.stdout.String(), `"oldest":null`) {
		t.Errorf("%s", r)
	}
}
