package app

import (
	"testing"
	"time"

	"github.com/mailkeep/mailkeep/archive"
)

func TestWhenText(t *testing.T) {
	now := time.Date(2026, 3, 11, 12, 0, 0, 0, time.Local) // a Wednesday
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 3, 11, 7, 5, 0, 0, time.Local), "today at 07:05"},
		{time.Date(2026, 3, 11, 23, 59, 0, 0, time.Local), "today at 23:59"},
		{time.Date(2026, 3, 10, 23, 59, 0, 0, time.Local), "yesterday at 23:59"},
		{time.Date(2026, 3, 12, 0, 1, 0, 0, time.Local), "tomorrow at 00:01"},
		{time.Date(2026, 3, 9, 18, 0, 0, 0, time.Local), "Monday at 18:00"},
		{time.Date(2026, 3, 4, 18, 0, 0, 0, time.Local), "4 Mar 2026 at 18:00"},
		{time.Date(2025, 12, 31, 8, 30, 0, 0, time.Local), "31 Dec 2025 at 08:30"},
	}
	for _, tc := range tests {
		if got := whenText(tc.t, now); got != tc.want {
			t.Errorf("whenText(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestDurationAndScheduleText(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{300 * time.Millisecond, "less than a second"},
		{time.Second, "1 second"},
		{42 * time.Second, "42 seconds"},
		{90 * time.Second, "2 minutes"},
		{time.Hour, "1 hour"},
		{2*time.Hour + 5*time.Minute, "2 hours 5 minutes"},
	} {
		if got := durationText(tc.d); got != tc.want {
			t.Errorf("durationText(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
	for _, tc := range []struct {
		a    archive.Account
		want string
	}{
		{archive.Account{Every: archive.Interval(time.Hour)}, "every hour"},
		{archive.Account{Every: archive.Interval(15 * time.Minute)}, "every 15 minutes"},
		{archive.Account{Every: archive.Interval(6 * time.Hour)}, "every 6 hours"},
		{archive.Account{Every: archive.Interval(24 * time.Hour)}, "every day"},
		{archive.Account{Daily: "02:30"}, "every day at 02:30"},
		{archive.Account{}, "only when you press Run now"},
	} {
		if got := scheduleText(tc.a); got != tc.want {
			t.Errorf("scheduleText(%+v) = %q, want %q", tc.a, got, tc.want)
		}
	}
	if got := messagesText(1234, 56_000_000); got != "1,234 messages (56 MB)" {
		t.Errorf("messagesText = %q", got)
	}
	if got := oneLine("line one\n  line two\t"); got != "line one line two" {
		t.Errorf("oneLine = %q", got)
	}
}
