package app

import (
	"fmt"

	"fyne.io/fyne/v2"
)

// noticeTracker turns the board's states into desktop notifications: one
// when a mailbox's run fails with a new problem, one when a new mailbox is
// archived for the first time. It remembers what it has told, so a board
// that repaints a hundred times a second notifies once.
type noticeTracker struct {
	seeded   bool
	problems map[string]string // mailbox → the problem last seen
	first    map[string]bool   // mailbox → FirstSuccess last seen
}

// next returns the notifications the change from the last boxes to these
// calls for. The first call only learns the state: problems that were there
// when Mailkeep started were told before (and the tray shows them).
func (n *noticeTracker) next(boxes []mailbox) []*fyne.Notification {
	if n.problems == nil {
		n.problems, n.first = map[string]string{}, map[string]bool{}
	}
	var out []*fyne.Notification
	seen := map[string]bool{}
	for _, m := range boxes {
		name := m.Account.Name
		seen[name] = true
		if n.seeded && m.Problem != "" && m.Problem != n.problems[name] {
			out = append(out, failureNotice(m))
		}
		if n.seeded && m.FirstSuccess && !n.first[name] {
			out = append(out, firstSuccessNotice(m))
		}
		n.problems[name], n.first[name] = m.Problem, m.FirstSuccess
	}
	for name := range n.problems {
		if !seen[name] { // removed: a new mailbox of that name starts afresh
			delete(n.problems, name)
			delete(n.first, name)
		}
	}
	n.seeded = true
	return out
}

func failureNotice(m mailbox) *fyne.Notification {
	return fyne.NewNotification(fmt.Sprintf("Mailkeep could not archive %s", m.Account.Name), m.Problem)
}

func firstSuccessNotice(m mailbox) *fyne.Notification {
	count := m.Count
	if m.Last != nil {
		count = m.Last.Messages
	}
	what := fmt.Sprintf("%d messages are", count)
	if count == 1 {
		what = "1 message is"
	}
	return fyne.NewNotification(fmt.Sprintf("%s is archived", m.Account.Name),
		what+" in the archive now. Mailkeep keeps it up to date from here on.")
}

// expiryNoticeKey is what a warning's notification is remembered by: the
// date and how urgent it was. A new date or a more urgent level notifies
// again: two weeks ahead, on the day, and once expired.
func expiryNoticeKey(w expiryWarning) string {
	return fmt.Sprintf("%s/%d", w.Expires, w.Level)
}

func expiryNotice(w expiryWarning) *fyne.Notification {
	return fyne.NewNotification("Mailkeep: "+w.Title(), w.Message()+" Open Mailkeep from the tray for the steps.")
}

// expiryNotices are the notifications due for warnings; the last one sent
// for each app is kept in the preferences, so a restart does not repeat it.
func (a *App) expiryNotices(warnings []expiryWarning) []*fyne.Notification {
	var out []*fyne.Notification
	prefs := a.fyne.Preferences()
	for _, w := range warnings {
		key := expiryNoticeKey(w)
		if prefs.String(prefExpiryNoticed+w.Key) == key {
			continue
		}
		prefs.SetString(prefExpiryNoticed+w.Key, key)
		out = append(out, expiryNotice(w))
	}
	return out
}
