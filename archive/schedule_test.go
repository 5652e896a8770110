package archive

import (
	"testing"
	"time"
)

func TestNextRun(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("the time zone database is missing (apt-get install tzdata): %v", err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	every := func(d time.Duration) Account { return Account{Every: Interval(d)} }
	daily := func(s string) Account { return Account{Daily: s} }
	paused := every(time.Hour)
	paused.Paused = true
	now := at("2026-03-10 12:00")
	tests := []struct {
		name string
		acct Account
		last time.Time
		now  time.Time
		want time.Time // zero: never
	}{
		{"no schedule", Account{}, time.Time{}, now, time.Time{}},
		{"paused", paused, time.Time{}, now, time.Time{}},
		{"every, never ran: now", every(time.Hour), time.Time{}, now, now},
		{"every, ran 20 minutes ago", every(time.Hour), at("2026-03-10 11:40"), now, at("2026-03-10 12:40")},
		{"every, due exactly now", every(time.Hour), at("2026-03-10 11:00"), now, now},
		{"every, ten runs missed: once, now", every(time.Hour), at("2026-03-10 02:00"), now, now},
		{"daily, never ran, time still to come today", daily("18:30"), time.Time{}, now, at("2026-03-10 18:30")},
		{"daily, never ran, time passed today", daily("02:30"), time.Time{}, now, at("2026-03-11 02:30")},
		{"daily, ran today at its time", daily("02:30"), at("2026-03-10 02:30"), now, at("2026-03-11 02:30")},
		{"daily, last ran yesterday, today's missed: now", daily("02:30"), at("2026-03-09 02:30"), now, now},
		{"daily, off for a week: once, now", daily("02:30"), at("2026-03-03 02:30"), now, now},
		{"daily, ran by hand after its time", daily("02:30"), at("2026-03-10 09:00"), now, at("2026-03-11 02:30")},
		// Clocks go forward at 02:00 on 29 March 2026 in Berlin: 02:30 does not exist that night.
		{"daily across spring forward", daily("02:30"), at("2026-03-28 02:30"), at("2026-03-28 12:00"), at("2026-03-29 03:30")},
		{"daily after spring forward", daily("02:30"), at("2026-03-29 03:30"), at("2026-03-29 12:00"), at("2026-03-30 02:30")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NextRun(tt.acct, tt.last, tt.now, berlin)
			if !got.Equal(tt.want) {
				t.Errorf("NextRun = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseDaily(t *testing.T) {
	tests := []struct {
		in           string
		hour, minute int
		ok           bool
	}{
		{"00:00", 0, 0, true}, {"02:30", 2, 30, true}, {"7:05", 7, 5, true}, {"23:59", 23, 59, true},
		{"24:00", 0, 0, false}, {"12:60", 0, 0, false}, {"12:5", 0, 0, false}, {"1230", 0, 0, false},
		{"", 0, 0, false}, {"-1:30", 0, 0, false}, {"+1:30", 0, 0, false}, {"12:30pm", 0, 0, false}, {" 2:30", 0, 0, false},
	}
	for _, tt := range tests {
		h, m, err := ParseDaily(tt.in)
		if (err == nil) != tt.ok || h != tt.hour || m != tt.minute {
			t.Errorf("ParseDaily(%q) = %d, %d, %v; want %d, %d, ok %v", tt.in, h, m, err, tt.hour, tt.minute, tt.ok)
		}
	}
}
