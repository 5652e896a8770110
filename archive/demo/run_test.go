package demo

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

// TestRun archives the demo mailbox twice into a new archive: the first run
// archives every message byte for byte, the second nothing new, and the
// suggested searches find what the mailbox model says they should.
func TestRun(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	model := Mailbox()

	var mu sync.Mutex
	var events []archive.Event
	rep, err := Run(ctx, path, func(e archive.Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	})
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	if rep.Outcome != store.OutcomeOK || rep.Messages != len(model) || rep.New != len(model) {
		t.Errorf("first run: outcome %s, %d messages, %d new; want ok, %d, %d", rep.Outcome, rep.Messages, rep.New, len(model), len(model))
	}
	var folderEvents []string
	progressed := 0
	for _, e := range events {
		switch e.Kind {
		case archive.EventFolder:
			folderEvents = append(folderEvents, e.Folder)
		case archive.EventProgress:
			progressed++
		}
	}
	slices.Sort(folderEvents)
	if want := slices.Sorted(slices.Values(Folders())); !slices.Equal(folderEvents, want) {
		t.Errorf("folder events for %q, want %q", folderEvents, want)
	}
	if progressed < len(Folders()) {
		t.Errorf("%d progress events, want at least one a folder", progressed)
	}

	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// Every message, byte for byte, where the server had it.
	all, err := s.Search(ctx, "", store.SearchOptions{NoSnippets: true})
	if err != nil {
		t.Fatal(err)
	}
	stored := map[[32]byte]store.Result{}
	for _, r := range all {
		stored[r.SHA256] = r
	}
	if len(all) != len(model) {
		t.Errorf("the archive holds %d messages, the server %d", len(all), len(model))
	}
	for i, m := range model {
		sum := sha256.Sum256(m.Raw)
		r, ok := stored[sum]
		if !ok {
			t.Errorf("message %d (%s, %q) is not in the archive with the bytes the server holds", i, m.Folder, m.Subject)
			continue
		}
		raw, err := s.Raw(ctx, r.ID)
		if err != nil || sha256.Sum256(raw) != sum {
			t.Errorf("message %d: the stored bytes are not the server's (%v)", i, err)
		}
		if len(r.Locations) != 1 || r.Locations[0].Account != AccountName || r.Locations[0].Folder != m.Folder {
			t.Errorf("message %d: seen at %+v, want %s/%s", i, r.Locations, AccountName, m.Folder)
		}
	}
	s.Close()

	rep, err = Run(ctx, path, nil)
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if rep.Outcome != store.OutcomeOK || rep.Messages != 0 || rep.New != 0 {
		t.Errorf("second run: outcome %s, %d messages, %d new; want ok and nothing", rep.Outcome, rep.Messages, rep.New)
	}

	s, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.Count(ctx, ""); err != nil || n != len(model) {
		t.Errorf("after the second run the archive holds %d messages (%v), want %d", n, err, len(model))
	}
	t.Run("searches", func(t *testing.T) { testSearches(t, s, model) })
}

// finds says, from the mailbox model, which messages each suggested search
// finds.
var finds = map[string]func(m Message) bool{
	"invoice":             func(m Message) bool { return m.topics&topicInvoice != 0 },
	"from:müller invoice": func(m Message) bool { return m.topics&topicInvoice != 0 && strings.Contains(m.From, "Müller") },
	`"quarterly report"`:  func(m Message) bool { return m.topics&topicQuarterly != 0 },
	"議事録":                 func(m Message) bool { return m.topics&topicMinutes != 0 },
	"filename:csv": func(m Message) bool {
		return slices.ContainsFunc(m.attachments, func(a string) bool { return strings.HasSuffix(a, ".csv") })
	},
	"folder:Entwürfe": func(m Message) bool { return m.Folder == FolderDrafts },
}

// testSearches runs every suggested search in the whole archive and in each
// folder, and compares what it finds with the model.
func testSearches(t *testing.T, s *store.Store, model []Message) {
	ctx := context.Background()
	check := func(query string, want func(Message) bool) {
		t.Helper()
		results, err := s.Search(ctx, query, store.SearchOptions{})
		if err != nil {
			t.Errorf("search %s: %v", query, err)
			return
		}
		got := map[[32]byte]bool{}
		for _, r := range results {
			got[r.SHA256] = true
		}
		var missing, extra []string
		wanted := 0
		for _, m := range model {
			sum := sha256.Sum256(m.Raw)
			switch w := want(m); {
			case w && !got[sum]:
				missing = append(missing, fmt.Sprintf("%s: %q", m.Folder, m.Subject))
			case !w && got[sum]:
				extra = append(extra, fmt.Sprintf("%s: %q", m.Folder, m.Subject))
			}
			if want(m) {
				wanted++
			}
		}
		if len(missing) > 0 || len(extra) > 0 || len(results) != wanted {
			t.Errorf("search %s: %d results, want %d; missing %q; not wanted %q", query, len(results), wanted, missing, extra)
		}
	}
	for _, sg := range SuggestedSearches() {
		want, ok := finds[sg.Query]
		if !ok {
			t.Errorf("the test does not know what %s should find: add it to finds", sg.Query)
			continue
		}
		if !slices.ContainsFunc(model, want) {
			t.Errorf("the suggested search %s finds nothing in the demo mailbox", sg.Query)
		}
		check(sg.Query, want)
		for _, f := range Folders() {
			check(fmt.Sprintf("folder:%q (%s)", f, sg.Query), func(m Message) bool { return m.Folder == f && want(m) })
		}
	}
	for _, f := range Folders() {
		check(fmt.Sprintf("folder:%q", f), func(m Message) bool { return m.Folder == f })
	}
}

func TestRunRefusesAnArchiveWithOtherMail(t *testing.T) {
	ctx := context.Background()
	srv, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tests := []struct {
		name string
		fill func(s *store.Store) error
	}{
		{"another account", func(s *store.Store) error { return archive.SaveAccount(ctx, s, srv.Account("sales")) }},
		{"imported mail", func(s *store.Store) error {
			_, err := s.Ingest(ctx, store.Batch{Messages: []store.Incoming{{Raw: []byte("Subject: hi\r\n\r\nhello\r\n"),
				Location: store.Location{Account: "import", Folder: "old.mbox"}}}})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "archive.mailkeep")
			s, err := store.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.fill(s); err != nil {
				t.Fatal(err)
			}
			before, err := s.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()

			_, err = Run(ctx, path, nil)
			var nd *NotDemoArchiveError
			if !errors.As(err, &nd) {
				t.Fatalf("Run: %v, want a *NotDemoArchiveError", err)
			}
			s, err = store.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			after, err := s.Stats(ctx)
			if err != nil || after.Messages != before.Messages || after.Locations != before.Locations {
				t.Errorf("the refused run changed the archive: %+v before, %+v after (%v)", before, after, err)
			}
			if _, err := archive.LoadAccount(ctx, s, AccountName); !archive.IsAccountNotFound(err) {
				t.Errorf("the refused run saved the demo account (%v)", err)
			}
		})
	}
}

func TestPathBeside(t *testing.T) {
	tests := []struct{ archive, want string }{
		{filepath.Join("home", "ann", ".local", "share", "mailkeep", "archive.mailkeep"), filepath.Join("home", "ann", ".local", "share", "mailkeep", "demo.mailkeep")},
		{filepath.Join("srv", "mail", "sales.mailkeep"), filepath.Join("srv", "mail", "demo.mailkeep")},
		{filepath.Join("srv", "mail", "demo.mailkeep"), filepath.Join("srv", "mail", "demo-mailbox.mailkeep")},
	}
	for _, tt := range tests {
		if got := PathBeside(tt.archive); got != tt.want {
			t.Errorf("PathBeside(%q) = %q, want %q", tt.archive, got, tt.want)
		}
	}
	got, err := DefaultPath(func(k string) string {
		return map[string]string{"HOME": "/home/ann", "LOCALAPPDATA": `C:\Users\ann\AppData\Local`}[k]
	})
	if err != nil || filepath.Base(got) != FileName {
		t.Errorf("DefaultPath = %q, %v; want a file called %s", got, err, FileName)
	}
}
