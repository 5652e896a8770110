package archive

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDaily reads a time of day written "HH:MM" on a 24-hour clock.
func ParseDaily(s string) (hour, minute int, err error) {
	h, m, ok := strings.Cut(s, ":")
	if ok && len(h) >= 1 && len(h) <= 2 && len(m) == 2 {
		hour, herr := strconv.Atoi(h)
		minute, merr := strconv.Atoi(m)
		if herr == nil && merr == nil && hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && h[0] != '+' && h[0] != '-' {
			return hour, minute, nil
		}
	}
	return 0, 0, fmt.Errorf("the daily time %q is not a time of day: write it HH:MM on a 24-hour clock, such as 02:30 or 18:00", s)
}

// Scheduled says whether the account has a schedule (Every or Daily).
func (a Account) Scheduled() bool { return a.Every != 0 || a.Daily != "" }

// Schedule describes the account's schedule in words: "every 1h0m0s",
// "daily at 02:30" or "only when asked".
func (a Account) Schedule() string {
	switch {
	case a.Every != 0:
		return "every " + time.Duration(a.Every).String()
	case a.Daily != "":
		return "daily at " + a.Daily
	}
	return "only when asked"
}

// NextRun is when the scheduler archives the account next, given the start
// of its latest run (zero: it never ran) and the time now; daily times are
// read in loc. The zero time means never: the account is paused or has no
// schedule.
//
// A run that is due but was missed (the machine was off) is due now, once,
// however many were missed. An account on an Every schedule that never ran
// is due now; one on a Daily schedule waits for its time of day.
func NextRun(a Account, last, now time.Time, loc *time.Location) time.Time {
	if a.Paused || !a.Scheduled() {
		return time.Time{}
	}
	var next time.Time
	switch {
	case a.Every != 0:
		if last.IsZero() {
			return now
		}
		next = last.Add(time.Duration(a.Every))
	default:
		hour, minute, err := ParseDaily(a.Daily)
		if err != nil {
			return time.Time{}
		}
		from := last
		if from.IsZero() {
			from = now
		}
		next = nextTimeOfDay(from.In(loc), hour, minute)
	}
	if next.Before(now) {
		return now
	}
	return next
}

// nextTimeOfDay is the first hour:minute strictly after t, in t's location.
// Across a daylight saving change time.Date normalises a time that does not
// exist (02:30 on the night clocks go forward) to one that does.
func nextTimeOfDay(t time.Time, hour, minute int) time.Time {
	y, m, d := t.Date()
	next := time.Date(y, m, d, hour, minute, 0, 0, t.Location())
	if !next.After(t) {
		next = time.Date(y, m, d+1, hour, minute, 0, 0, t.Location())
	}
	return next
}
