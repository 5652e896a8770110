package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/mailkeep/mailkeep/archive"
	"github.com/mailkeep/mailkeep/store"
)

// The words the main window uses for times, counts and outcomes: plain
// English for people who are not developers.

// whenText is a moment as a person says it: "today at 14:02",
// "yesterday at 09:15", "Monday at 18:00", "3 Nov 2025 at 07:30".
func whenText(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	clock := t.Format("15:04")
	day := func(x time.Time) time.Time { y, m, d := x.Date(); return time.Date(y, m, d, 0, 0, 0, 0, time.Local) }
	days := int(day(t).Sub(day(now)).Round(time.Hour).Hours() / 24)
	switch {
	case days == 0:
		return "today at " + clock
	case days == -1:
		return "yesterday at " + clock
	case days == 1:
		return "tomorrow at " + clock
	case days > -7 && days < 7:
		return t.Format("Monday") + " at " + clock
	}
	return t.Format("2 Jan 2006") + " at " + clock
}

// durationText is how long something took, rounded for a person.
func durationText(d time.Duration) string {
	switch {
	case d < time.Second:
		return "less than a second"
	case d < time.Minute:
		return plural(int(d.Round(time.Second)/time.Second), "second")
	case d < time.Hour:
		return plural(int(d.Round(time.Minute)/time.Minute), "minute")
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if m == 0 {
		return plural(h, "hour")
	}
	return plural(h, "hour") + " " + plural(m, "minute")
}

// plural is "1 message", "1,234 messages".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return humanize.Comma(int64(n)) + " " + noun + "s"
}

// messagesText is a count of messages with their size: "1,234 messages (56 MB)".
func messagesText(n int, bytes int64) string {
	if n == 0 {
		return "no messages"
	}
	return fmt.Sprintf("%s (%s)", plural(n, "message"), bytesText(bytes))
}

func bytesText(n int64) string {
	if n < 0 {
		n = 0
	}
	return humanize.Bytes(uint64(n))
}

// outcomeText is how a run ended, in a word or two.
func outcomeText(o store.Outcome) string {
	switch o {
	case store.OutcomeOK:
		return "finished"
	case store.OutcomeFailed:
		return "failed"
	case store.OutcomeCancelled:
		return "stopped before the end"
	case store.OutcomeRunning:
		return "did not finish (Mailkeep was closed)"
	}
	return string(o)
}

// scheduleText is an account's schedule: "every hour", "every day at 02:30".
func scheduleText(a archive.Account) string {
	switch {
	case a.Every != 0:
		d := time.Duration(a.Every)
		switch {
		case d == time.Hour:
			return "every hour"
		case d == 24*time.Hour:
			return "every day"
		case d%time.Hour == 0:
			return "every " + plural(int(d/time.Hour), "hour")
		case d%time.Minute == 0:
			return "every " + durationText(d)
		}
		return "every " + d.String()
	case a.Daily != "":
		return "every day at " + a.Daily
	}
	return "only when you press Run now"
}

// oneLine joins a text's lines, for a label that shows one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
