package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/mailkeep/mailkeep/store"
)

func TestRemoveKeepsOrDropsTheArchivedMail(t *testing.T) {
	tests := []struct {
		name        string
		choice      string
		drop        bool
		foundOwn    int // messages only the removed mailbox had, found by search afterwards
		foundShared int // the message the other mailbox has too
	}{
		{"keep", removeKeepMail, false, 2, 1},
		{"drop", removeDropMail, true, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newBoxesFixture(t, boxesOptions{})
			s := f.a.store
			ctx := context.Background()
			f.save(seedAccount("leaving"))
			f.save(seedAccount("staying"))
			seedMail(t, s, "leaving", 3)
			seedMail(t, s, "staying", 1)
			// The first message of leaving was also archived from staying.
			first, err := s.Search(ctx, "zqmailleaving0", store.SearchOptions{})
			if err != nil || len(first) != 1 {
				t.Fatalf("search: %v, %v", first, err)
			}
			raw, err := s.Raw(ctx, first[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Ingest(ctx, store.Batch{Messages: []store.Incoming{{Raw: raw,
				Location: store.Location{Account: "staying", Folder: "Archive", UIDValidity: 1, UID: "9"}}}}); err != nil {
				t.Fatal(err)
			}
			f.v.loadCounts()
			f.eventually("the counts are read", func() bool { return f.v.counts["leaving"].Messages == 3 })

			f.tap(f.card("leaving").remove)
			var r *removeDialog
			f.onUI(func() { r = f.v.removing })
			if r == nil {
				t.Fatal("Remove showed no dialog")
			}
			f.onUI(func() {
				if r.choice.Selected != removeKeepMail {
					t.Errorf("the dialog offers %q first, want keeping the mail", r.choice.Selected)
				}
				r.choice.SetSelected(tc.choice)
				test.Tap(r.remove)
			})
			f.eventually("the card is gone", func() bool { return f.v.cards["leaving"] == nil && f.v.cards["staying"] != nil })

			if _, err := s.Account(ctx, "leaving"); err == nil {
				t.Error("the account is still in the archive")
			}
			found := func(q string) int {
				res, err := s.Search(ctx, q, store.SearchOptions{})
				if err != nil {
					t.Fatal(err)
				}
				return len(res)
			}
			if n := found("zqmailleaving1 OR zqmailleaving2"); n != tc.foundOwn {
				t.Errorf("its own mail: found %d, want %d", n, tc.foundOwn)
			}
			if n := found("zqmailleaving0"); n != tc.foundShared {
				t.Errorf("the shared message: found %d, want %d", n, tc.foundShared)
			}
			counts := f.counts()
			if counts["staying"].Messages != 2 {
				t.Errorf("staying has %d messages, want 2", counts["staying"].Messages)
			}
			if _, still := counts["leaving"]; still == tc.drop {
				t.Errorf("leaving's mail in the archive: %v, dropped %v", still, tc.drop)
			}
			if v, err := s.Verify(ctx, nil); err != nil || len(v.Bad) > 0 {
				t.Errorf("Verify: %+v, %v", v, err)
			}
		})
	}
}

func TestRemoveWaitsForARunningMailbox(t *testing.T) {
	f := newBoxesFixture(t, boxesOptions{})
	f.save(seedAccount("busy"))
	f.a.board.started(seedAccount("busy"))
	c := f.card("busy")
	f.onUI(func() {
		if !c.remove.Disabled() || !c.runNow.Disabled() || c.runNow.Text != "Archiving…" {
			t.Errorf("while running: Remove disabled %v, Run now disabled %v %q", c.remove.Disabled(), c.runNow.Disabled(), c.runNow.Text)
		}
	})
	f.onUI(func() { f.v.confirmRemove("busy") }) // as if the button were pressed
	f.onUI(func() {
		if f.v.removing != nil {
			t.Error("a running mailbox was offered for removal")
		}
	})
	if _, err := f.a.store.Account(context.Background(), "busy"); err != nil {
		t.Error(err)
	}
}
