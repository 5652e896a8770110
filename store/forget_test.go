package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

// forgetFixture is an archive where account "gone" shares some of its mail
// with account "stay" and with an import.
type forgetFixture struct {
	s *Store
	// word is a word found only in one message, by the message's role.
	word map[string]string
}

func newForgetFixture(t *testing.T) forgetFixture {
	t.Helper()
	ctx := context.Background()
	s := openTemp(t)
	f := forgetFixture{s: s, word: map[string]string{}}
	raw := func(role string) []byte {
		f.word[role] = "zq" + role + "word"
		return fmt.Appendf(nil, "From: a@example.com\r\nSubject: about %s\r\nMessage-ID: <%s@x>\r\n\r\nThe word is %s.\r\n", role, role, f.word[role])
	}
	loc := func(account, folder, uid string) Location {
		return Location{Account: account, Folder: folder, UIDValidity: 1, UID: uid}
	}
	only, twoFolders, shared, stayOnly, imported := raw("only"), raw("twofolders"), raw("shared"), raw("stayonly"), raw("imported")
	batches := []Batch{
		{Messages: []Incoming{
			{Raw: only, Location: loc("gone", "INBOX", "1")},
			{Raw: twoFolders, Location: loc("gone", "INBOX", "2")},
			{Raw: shared, Location: loc("gone", "INBOX", "3")},
			{Raw: imported, Location: loc("gone", "INBOX", "4")},
		}, States: []FolderState{{Account: "gone", Folder: "INBOX", UIDValidity: 1, LastUID: 4}}},
		{Messages: []Incoming{{Raw: twoFolders, Location: loc("gone", "Sent", "1")}},
			States: []FolderState{{Account: "gone", Folder: "Sent", UIDValidity: 1, LastUID: 1}}},
		{Messages: []Incoming{
			{Raw: shared, Location: loc("stay", "INBOX", "1")},
			{Raw: stayOnly, Location: loc("stay", "INBOX", "2")},
		}, States: []FolderState{{Account: "stay", Folder: "INBOX", UIDValidity: 1, LastUID: 2}}},
		{Messages: []Incoming{{Raw: imported, Location: Location{Account: "import", Folder: "old.mbox", UID: "1"}}}},
	}
	for _, b := range batches {
		if _, err := s.Ingest(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"gone", "stay"} {
		if err := s.SaveAccount(ctx, AccountRecord{Name: name, Settings: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAside(ctx, SetAsideMessage{Account: name, Folder: "INBOX", UIDValidity: 1, UID: "9", LastError: "boom"}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// found says how many messages a search finds.
func (f forgetFixture) found(t *testing.T, query string) int {
	t.Helper()
	res, err := f.s.Search(context.Background(), query, SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return len(res)
}

func TestAccountCounts(t *testing.T) {
	f := newForgetFixture(t)
	got, err := f.s.AccountCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Expected from the messages table itself, one query per account.
	for _, account := range []string{"gone", "stay", "import"} {
		var want AccountCount
		err := f.s.db.QueryRow(`SELECT count(*), coalesce(sum(size), 0) FROM messages
			WHERE id IN (SELECT message FROM locations WHERE account = ?)`, account).Scan(&want.Messages, &want.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if got[account] != want || want.Messages == 0 {
			t.Errorf("AccountCounts[%q] = %+v, want %+v", account, got[account], want)
		}
	}
	// "gone" saw one message in two folders: it counts once.
	if got["gone"].Messages != 4 {
		t.Errorf("gone has %d messages, want 4 (one of them in two folders)", got["gone"].Messages)
	}
	if len(got) != 3 {
		t.Errorf("AccountCounts has %d accounts, want 3: %v", len(got), got)
	}
}

func TestForgetAccountDropsOnlyWhatNoOneElseHolds(t *testing.T) {
	ctx := context.Background()
	f := newForgetFixture(t)
	s := f.s
	before, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for role, word := range f.word {
		if n := f.found(t, word); n != 1 {
			t.Fatalf("before: search %q (%s) found %d, want 1", word, role, n)
		}
	}

	rep, err := s.ForgetAccount(ctx, "gone")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Messages != 2 || rep.Kept != 2 || rep.Bytes <= 0 {
		t.Errorf("ForgetAccount = %+v, want 2 dropped and 2 kept", rep)
	}

	tests := []struct {
		role  string
		found int
	}{
		{"only", 0},       // seen only in gone's INBOX
		{"twofolders", 0}, // seen in two folders, both gone's
		{"shared", 1},     // stay has it too
		{"imported", 1},   // an import has it too
		{"stayonly", 1},
	}
	for _, tc := range tests {
		if n := f.found(t, f.word[tc.role]); n != tc.found {
			t.Errorf("after: search for the %s message found %d, want %d", tc.role, n, tc.found)
		}
	}
	if n := f.found(t, "account:gone"); n != 0 {
		t.Errorf("account:gone still finds %d messages", n)
	}
	if n := f.found(t, "account:stay"); n != 2 {
		t.Errorf("account:stay finds %d messages, want 2", n)
	}

	after, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Messages != before.Messages-rep.Messages || after.RawBytes != before.RawBytes-rep.Bytes {
		t.Errorf("messages %d → %d (%d → %d bytes); report %+v", before.Messages, after.Messages, before.RawBytes, after.RawBytes, rep)
	}

	// The full-text index agrees with its content table, row for row.
	if _, err := s.db.ExecContext(ctx, `INSERT INTO search (search, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Errorf("the search index is inconsistent: %v", err)
	}
	vr, err := s.Verify(ctx, nil)
	if err != nil || len(vr.Bad) > 0 || vr.Checked != after.Messages {
		t.Errorf("Verify = %+v, %v", vr, err)
	}
	// Nothing points at a dropped message.
	for _, q := range []string{
		`SELECT count(*) FROM texts WHERE id NOT IN (SELECT id FROM messages)`,
		`SELECT count(*) FROM attachments WHERE message NOT IN (SELECT id FROM messages)`,
		`SELECT count(*) FROM locations WHERE message NOT IN (SELECT id FROM messages)`,
		`SELECT count(*) FROM locations WHERE account = 'gone'`,
		`SELECT count(*) FROM folder_state WHERE account = 'gone'`,
		`SELECT count(*) FROM set_aside WHERE account = 'gone'`,
	} {
		var n int
		if err := s.db.QueryRowContext(ctx, q).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s = %d, %v; want 0", q, n, err)
		}
	}
	var nf *AccountNotFoundError
	if _, err := s.Account(ctx, "gone"); !errors.As(err, &nf) {
		t.Errorf("the account is still there: %v", err)
	}
	// The other account is untouched.
	if st, ok, err := s.FolderState(ctx, "stay", "INBOX"); err != nil || !ok || st.LastUID != 2 {
		t.Errorf("stay's folder state = %+v, %v, %v", st, ok, err)
	}
	if sa, err := s.SetAsideMessages(ctx, "stay"); err != nil || len(sa) != 1 {
		t.Errorf("stay's set-aside messages = %v, %v", sa, err)
	}

	// Forgetting again (or an account removed earlier with its mail kept)
	// finds nothing more to drop.
	rep, err = s.ForgetAccount(ctx, "gone")
	if err != nil || rep != (ForgetReport{}) {
		t.Errorf("second ForgetAccount = %+v, %v", rep, err)
	}
}

func TestForgetAccountAfterRemoveKeptTheMail(t *testing.T) {
	ctx := context.Background()
	f := newForgetFixture(t)
	if err := f.s.RemoveAccount(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	if n := f.found(t, f.word["only"]); n != 1 {
		t.Fatalf("after RemoveAccount the mail should stay; found %d", n)
	}
	rep, err := f.s.ForgetAccount(ctx, "gone")
	if err != nil || rep.Messages != 2 {
		t.Fatalf("ForgetAccount = %+v, %v; want 2 dropped", rep, err)
	}
	if n := f.found(t, f.word["only"]); n != 0 {
		t.Errorf("found %d after forgetting", n)
	}
}
