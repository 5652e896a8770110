package app

import (
	"testing"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

func TestNoticeTracker(t *testing.T) {
	box := func(name, problem string, first bool) mailbox {
		m := mailbox{Account: archive.Account{Name: name}, Problem: problem, FirstSuccess: first}
		if first {
			m.Last = &store.RunRecord{Outcome: store.OutcomeOK, Messages: 7}
		}
		return m
	}
	// Each step is the board's state; want is the titles it notifies.
	steps := []struct {
		what  string
		boxes []mailbox
		want  []string
	}{
		{"start: an old failure is not told again", []mailbox{box("a", "refused", false), box("b", "", false)}, nil},
		{"same state, repainted", []mailbox{box("a", "refused", false), box("b", "", false)}, nil},
		{"b fails", []mailbox{box("a", "refused", false), box("b", "no route", false)}, []string{"Mailkeep could not archive b"}},
		{"b fails the same way again", []mailbox{box("a", "refused", false), box("b", "no route", false)}, nil},
		{"a fails differently", []mailbox{box("a", "expired", false), box("b", "no route", false)}, []string{"Mailkeep could not archive a"}},
		{"b works again", []mailbox{box("a", "expired", false), box("b", "", false)}, nil},
		{"b fails as before: new since it worked", []mailbox{box("a", "expired", false), box("b", "no route", false)}, []string{"Mailkeep could not archive b"}},
		{"c is added and archived", []mailbox{box("a", "expired", false), box("b", "no route", false), box("c", "", true)}, []string{"c is archived"}},
		{"c repainted", []mailbox{box("a", "expired", false), box("b", "no route", false), box("c", "", true)}, nil},
		{"c runs again", []mailbox{box("a", "expired", false), box("b", "no route", false), box("c", "", false)}, nil},
		{"b removed", []mailbox{box("a", "expired", false), box("c", "", false)}, nil},
		{"a new b fails", []mailbox{box("a", "expired", false), box("b", "no route", false), box("c", "", false)}, []string{"Mailkeep could not archive b"}},
	}
	var n noticeTracker
	for _, st := range steps {
		var got []string
		for _, note := range n.next(st.boxes) {
			got = append(got, note.Title)
		}
		if len(got) != len(st.want) || (len(got) > 0 && got[0] != st.want[0]) {
			t.Errorf("%s: notified %q, want %q", st.what, got, st.want)
		}
	}
}

func TestFirstSuccessNotice(t *testing.T) {
	for _, tc := range []struct {
		count int
		want  string
	}{
		{1, "1 message is in the archive now. Mailkeep keeps it up to date from here on."},
		{250, "250 messages are in the archive now. Mailkeep keeps it up to date from here on."},
	} {
		m := mailbox{Account: archive.Account{Name: "office"}, Last: &store.RunRecord{Messages: tc.count}}
		if got := firstSuccessNotice(m).Content; got != tc.want {
			t.Errorf("%d messages: %q, want %q", tc.count, got, tc.want)
		}
	}
}
