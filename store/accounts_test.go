package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

func TestAccountsSaveLoadRemove(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	var nf *AccountNotFoundError
	if _, err := s.Account(ctx, "none"); !errors.As(err, &nf) {
		t.Fatalf("Account of a missing name: %v, want *AccountNotFoundError", err)
	}
	if err := s.SaveAccount(ctx, AccountRecord{Name: "b", Settings: json.RawMessage(`{"host":"x"}`)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAccount(ctx, AccountRecord{Name: "a", Settings: json.RawMessage(`{}`), Paused: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAccount(ctx, AccountRecord{Name: "c", Settings: json.RawMessage(`{not json`)}); err == nil {
		t.Error("SaveAccount took settings that are not JSON")
	}
	// Saving again replaces.
	if err := s.SaveAccount(ctx, AccountRecord{Name: "b", Settings: json.RawMessage(`{"host":"y"}`)}); err != nil {
		t.Fatal(err)
	}
	list, err := s.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "a" || !list[0].Paused || list[1].Name != "b" || string(list[1].Settings) != `{"host":"y"}` {
		t.Fatalf("Accounts = %+v", list)
	}

	// Removing an account forgets its sync state and set-aside messages but
	// keeps what was archived from it and its run history.
	_, err = s.Ingest(ctx, Batch{
		Messages: []Incoming{{Raw: []byte("Subject: x\r\n\r\nx\r\n"), Location: Location{Account: "b", Folder: "INBOX", UIDValidity: 1, UID: "1"}}},
		States:   []FolderState{{Account: "b", Folder: "INBOX", UIDValidity: 1, LastUID: 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetAside(ctx, SetAsideMessage{Account: "b", Folder: "INBOX", UIDValidity: 1, UID: "2", LastError: "boom"}); err != nil {
		t.Fatal(err)
	}
	id, err := s.StartRun(ctx, "b", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, RunRecord{ID: id, Outcome: OutcomeOK, Messages: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveAccount(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveAccount(ctx, "b"); !errors.As(err, &nf) {
		t.Errorf("removing twice: %v", err)
	}
	if _, ok, _ := s.FolderState(ctx, "b", "INBOX"); ok {
		t.Error("the folder state outlived its account")
	}
	if aside, _ := s.SetAsideMessages(ctx, "b"); len(aside) != 0 {
		t.Errorf("set-aside messages outlived their account: %+v", aside)
	}
	if n, _ := s.Count(ctx, "account:b"); n != 1 {
		t.Errorf("account:b finds %d messages after removing the account, want 1 (archived mail stays)", n)
	}
	if runs, _ := s.Runs(ctx, "b", 0); len(runs) != 1 {
		t.Errorf("run history: %d runs, want 1", len(runs))
	}
}

func TestRunsAndSetAside(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	t0 := time.Now().Add(-time.Hour)
	var ids []int64
	for i, acct := range []string{"x", "y", "x"} {
		id, err := s.StartRun(ctx, acct, t0.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := s.FinishRun(ctx, RunRecord{ID: ids[0], Outcome: OutcomeFailed, Error: "no network", Messages: 3, Bytes: 300,
		Details: json.RawMessage(`{"INBOX":{"messages":3}}`)}); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, RunRecord{ID: ids[1]}); err == nil {
		t.Error("FinishRun without an outcome was accepted")
	}
	if err := s.FinishRun(ctx, RunRecord{ID: 999, Outcome: OutcomeOK}); err == nil {
		t.Error("FinishRun of an unknown run was accepted")
	}
	runs, err := s.Runs(ctx, "x", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].ID != ids[2] || runs[0].Outcome != OutcomeRunning || !runs[0].Ended.IsZero() {
		t.Fatalf("runs of x, newest first: %+v", runs)
	}
	r := runs[1]
	if r.Outcome != OutcomeFailed || r.Error != "no network" || r.Messages != 3 || r.Bytes != 300 || r.Ended.IsZero() ||
		string(r.Details) != `{"INBOX":{"messages":3}}` {
		t.Errorf("finished run: %+v", r)
	}
	if all, _ := s.Runs(ctx, "", 1); len(all) != 1 || all[0].ID != ids[2] {
		t.Errorf("latest run of all: %+v", all)
	}

	m := SetAsideMessage{Account: "x", Folder: "INBOX", UIDValidity: 5, UID: "10", LastError: "first"}
	for _, e := range []string{"first", "second"} {
		m.LastError = e
		if err := s.SetAside(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	other := m
	other.UID = "9"
	if err := s.SetAside(ctx, other); err != nil {
		t.Fatal(err)
	}
	aside, err := s.SetAsideMessages(ctx, "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(aside) != 2 || aside[0].UID != "9" || aside[1].UID != "10" || aside[1].Attempts != 2 || aside[1].LastError != "second" {
		t.Fatalf("set aside: %+v", aside)
	}
	if err := s.ClearSetAside(ctx, "x", "INBOX", 5, "10"); err != nil {
		t.Fatal(err)
	}
	if aside, _ := s.SetAsideMessages(ctx, ""); len(aside) != 1 || aside[0].UID != "9" {
		t.Errorf("after clearing: %+v", aside)
	}
}

func TestSeenUIDs(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	var b Batch
	for i, uid := range []string{"a1", "b2", "c3"} {
		b.Messages = append(b.Messages, Incoming{Raw: fmt.Appendf(nil, "Subject: %d\r\n\r\n", i), Location: Location{Account: "pop", Folder: "INBOX", UID: uid}})
	}
	b.Messages = append(b.Messages, Incoming{Raw: []byte("Subject: other\r\n\r\n"), Location: Location{Account: "other", Folder: "INBOX", UID: "zz"}})
	if _, err := s.Ingest(ctx, b); err != nil {
		t.Fatal(err)
	}
	seen, err := s.SeenUIDs(ctx, "pop", "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 || !seen["a1"] || !seen["b2"] || !seen["c3"] || seen["zz"] {
		t.Errorf("SeenUIDs = %v", seen)
	}
}

// TestUpgradeFromFormat1 opens a file of archive format 1 (messages only):
// it gains the accounts, runs and set_aside tables and keeps its messages.
func TestUpgradeFromFormat1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.mailkeep")
	if err := textFunction(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(migrations[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf(`PRAGMA application_id = %d; PRAGMA user_version = 1`, applicationID)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO folder_state VALUES ('old', 'INBOX', 3, 42, 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version int
	if err := s.db.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != schemaVersion || schemaVersion < 2 {
		t.Fatalf("user_version %d (%v), want %d", version, err, schemaVersion)
	}
	if st, ok, err := s.FolderState(ctx, "old", "INBOX"); !ok || err != nil || st.LastUID != 42 {
		t.Errorf("format 1 data after the upgrade: %+v %v %v", st, ok, err)
	}
	if err := s.SaveAccount(ctx, AccountRecord{Name: "new", Settings: json.RawMessage(`{}`)}); err != nil {
		t.Errorf("accounts after the upgrade: %v", err)
	}
}
