package main

import (
	"strings"
	"time"
	"unicode"

	"github.com/dustin/go-humanize"
	"github.com/rivo/uniseg"
)

// This file turns message text, which anyone could have written, into text
// that is safe and tidy on one line of a terminal.

// oneLine replaces control characters (newlines, tabs, escape sequences that
// could drive the terminal) with spaces, collapses runs of white space and
// trims both ends.
func oneLine(s string) string { return strings.TrimSpace(squashSpace(s)) }

// squashSpace is oneLine without the trimming: white space and control
// characters, however many, become one space.
func squashSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// cellWidth is how many terminal columns s takes.
func cellWidth(s string) int { return uniseg.StringWidth(s) }

// truncateCells cuts s to at most width columns, marking a cut with "…".
func truncateCells(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if cellWidth(s) <= width {
		return s
	}
	var b strings.Builder
	used := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		if used+g.Width() > width-1 {
			break
		}
		b.WriteString(g.Str())
		used += g.Width()
	}
	b.WriteString("…")
	return b.String()
}

// padCells pads s with spaces to width columns.
func padCells(s string, width int) string {
	if n := width - cellWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// localDateLayout is how dates are shown to people.
const localDateLayout = "2006-01-02 15:04"

// localDate shows t in loc as YYYY-MM-DD HH:MM, or a placeholder of the same
// width when the message has no date.
func localDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return padCells("(no date)", len(localDateLayout))
	}
	return t.In(loc).Format(localDateLayout)
}

// plural is "1 message", "2 messages".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return humanize.Comma(int64(n)) + " " + many
}
