package app

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

func TestFolderChoice(t *testing.T) {
	folders := []archive.FolderInfo{{Name: "INBOX"}, {Name: "Sent Items"}, {Name: "Files"}, {Name: "Junk"}}
	tests := []struct {
		name             string
		ticked           []bool
		newToo           bool
		include, exclude []string
	}{
		{"everything, new ones too", []bool{true, true, true, true}, true, nil, []string{}},
		{"all but two, new ones too", []bool{true, true, false, false}, true, nil, []string{"Files", "Junk"}},
		{"only the ticked", []bool{true, false, false, true}, false, []string{"INBOX", "Junk"}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			include, exclude := folderChoice(folders, tc.ticked, tc.newToo)
			// exclude is never nil: nil means "the default exclusions".
			if !slices.Equal(include, tc.include) || !slices.Equal(exclude, tc.exclude) || exclude == nil {
				t.Errorf("got include %q exclude %#v, want %q %#v", include, exclude, tc.include, tc.exclude)
			}
		})
	}
}

// Folder names holding '*' or '?' are saved so that they stand for
// themselves: leaving out "Old*" must not leave out "Old stuff".
func TestFolderChoiceQuotesNames(t *testing.T) {
	folders := []archive.FolderInfo{{Name: "INBOX"}, {Name: "Old*"}, {Name: "Old stuff"}, {Name: "What?"}, {Name: "Whats"}}
	for _, newToo := range []bool{true, false} {
		ticked := []bool{true, false, true, false, true} // all but Old* and What?
		include, exclude := folderChoice(folders, ticked, newToo)
		for i, f := range folders {
			excluded := slices.ContainsFunc(exclude, func(p string) bool { return store.MatchName(p, f.Name) })
			included := len(include) == 0 || slices.ContainsFunc(include, func(p string) bool { return store.MatchName(p, f.Name) })
			if archived := included && !excluded; archived != ticked[i] {
				t.Errorf("new ones too %v: %q archived %v, ticked %v (include %q, exclude %q)", newToo, f.Name, archived, ticked[i], include, exclude)
			}
		}
	}
}

// The picker lists the server's folders ticked as the settings archive them
// ("Files" left out by default), and saves what was ticked: the engine then
// archives exactly those.
func TestFolderPickerAgainstDovecot(t *testing.T) {
	f := newBoxesFixture(t, boxesOptions{dovecot: true})
	for _, folder := range []string{"INBOX", "Sent Items", "Files", "Junk", "Projects/2026"} {
		f.dovecot.CreateFolder(f.user, folder)
	}
	f.save(f.imapAccount("office"))
	ctx := context.Background()

	f.tap(f.card("office").folders)
	var p *folderPicker
	f.onUI(func() { p = f.v.picker })
	if p == nil {
		t.Fatal("Folders showed no picker")
	}
	f.eventually("the folders are listed", func() bool { return len(p.checks) > 0 })

	ticks := map[string]bool{}
	var order []string
	f.onUI(func() {
		f.capture("folder-picker.png")
		for i, c := range p.checks {
			ticks[p.folders[i].Name] = c.Checked
			order = append(order, p.folders[i].Name)
		}
		if !p.newToo.Checked {
			t.Error("an account without a folder list should offer new folders too")
		}
	})
	want := map[string]bool{"INBOX": true, "Sent Items": true, "Files": false, "Junk": true, "Projects/2026": true}
	for name, ticked := range want {
		got, ok := ticks[name]
		if !ok || got != ticked {
			t.Errorf("%s: listed %v, ticked %v; want ticked %v (all: %v)", name, ok, got, ticked, ticks)
		}
	}
	if got := strings.Join(order, ","); got != "INBOX,Files,Junk,Projects/2026,Sent Items" {
		t.Errorf("folders in the order %s, want the inbox first, then by name", got)
	}
	if len(ticks) != len(want) {
		t.Errorf("listed %v, want %v", ticks, want)
	}

	f.onUI(func() {
		for i, c := range p.checks {
			if p.folders[i].Name == "Junk" {
				c.SetChecked(false)
			}
		}
		test.Tap(p.save)
	})
	f.eventually("the picker has saved and closed", func() bool { return p.closed })
	f.eventually("the settings are saved", func() bool {
		acct, err := archive.LoadAccount(ctx, f.a.store, "office")
		return err == nil && strings.Join(acct.Exclude, ",") == "Files,Junk"
	})
	acct, err := archive.LoadAccount(ctx, f.a.store, "office")
	if err != nil {
		t.Fatal(err)
	}
	if acct.Folders != nil {
		t.Errorf("Folders = %q, want none (new folders archived too)", acct.Folders)
	}
	if m, _ := f.a.board.get("office"); strings.Join(m.Account.Exclude, ",") != "Files,Junk" {
		t.Errorf("the board still has the old settings: %q", m.Account.Exclude)
	}
	listed, err := archive.Folders(ctx, acct, f.a.runOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, fi := range listed {
		if fi.Included != (fi.Name != "Files" && fi.Name != "Junk") {
			t.Errorf("after saving, %s is archived: %v", fi.Name, fi.Included)
		}
	}
}

// A server that cannot be reached: the picker says so in plain words
// instead of listing folders.
func TestFolderPickerSaysWhenTheServerFails(t *testing.T) {
	f := newBoxesFixture(t, boxesOptions{})
	acct := seedAccount("offline")
	acct.Host, acct.Port = "127.0.0.1", 1 // nothing listens on port 1
	t.Setenv("MAILKEEP_TEST_UNUSED", "pw")
	f.save(acct)
	f.tap(f.card("offline").folders)
	var p *folderPicker
	f.onUI(func() { p = f.v.picker })
	var msg string
	f.eventually("the problem is shown", func() bool {
		if l, ok := p.body.Objects[0].(*widget.Label); ok && len(p.body.Objects) == 1 {
			msg = l.Text
			return true
		}
		return false
	})
	const prefix = "Mailkeep could not get the list of folders: "
	if !strings.HasPrefix(msg, prefix) || len(msg) < len(prefix)+20 {
		t.Errorf("problem shown: %q", msg)
	}
	f.onUI(func() {
		if !p.save.Disabled() || len(p.checks) != 0 {
			t.Error("Save is offered without a list of folders")
		}
	})
}
