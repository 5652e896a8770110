package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// The demo mailbox's folders.
const (
	FolderInbox    = "INBOX"
	FolderSent     = "Sent Items"
	FolderArchive  = "Archive/2023"
	FolderDrafts   = "Entwürfe" // German for "Drafts": a folder name that is not ASCII
	FolderProjects = "Projects/Müller"
)

// Folders are the demo mailbox's folders, in the order the server creates
// them.
func Folders() []string {
	return []string{FolderInbox, FolderSent, FolderArchive, FolderDrafts, FolderProjects}
}

// Message is one message of the demo mailbox.
type Message struct {
	Folder  string
	Date    time.Time
	From    string // the sender's name
	Subject string
	// Raw is the message as the server holds and serves it (BODY[]).
	Raw []byte

	kind        kind
	topics      topic
	attachments []string // file names
}

// seed makes the demo mailbox: change it and every message changes.
const seed = 2024_05

// plan says what one folder holds: how many messages of each kind, dated
// between from and to, plus some on fixed days.
type plan struct {
	folder   string
	from, to time.Time
	kinds    map[kind]int
	fixed    map[kind][]time.Time // days (at 09:12 office time, the next weekday) of messages of a kind
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func plans() []plan {
	reports := func(year int) []time.Time {
		return []time.Time{day(year, 1, 10), day(year, 4, 9), day(year, 7, 9), day(year, 10, 8)}
	}
	return []plan{
		{folder: FolderInbox, from: day(2024, 1, 8), to: day(2024, 12, 21),
			kinds: map[kind]int{kindInvoice: 10, kindMuellerIn: 6, kindMuellerNote: 4, kindMinutes: 6, kindMeeting: 14,
				kindNewsletter: 11, kindOfficeIn: 65},
			fixed: map[kind][]time.Time{kindQuarterly: reports(2024)}},
		{folder: FolderSent, from: day(2024, 1, 8), to: day(2024, 12, 21),
			kinds: map[kind]int{kindMuellerOut: 8, kindMinutesThanks: 5, kindOfficeOut: 47}},
		{folder: FolderArchive, from: day(2023, 1, 9), to: day(2023, 12, 22),
			kinds: map[kind]int{kindInvoice: 12, kindMinutes: 4, kindMeeting: 10, kindNewsletter: 8, kindOfficeIn: 26, kindOfficeOut: 6},
			fixed: map[kind][]time.Time{kindQuarterly: reports(2023)}},
		{folder: FolderDrafts, from: day(2024, 9, 2), to: day(2024, 12, 20),
			kinds: map[kind]int{kindDraft: 15}},
		{folder: FolderProjects, from: day(2023, 6, 5), to: day(2024, 12, 13),
			kinds: map[kind]int{kindMuellerIn: 18, kindMuellerInvoice: 4, kindMuellerOut: 9, kindMuellerNote: 4}},
	}
}

// Mailbox generates the demo mailbox: about 300 messages, each folder's in
// date order. Every call gives the same messages, byte for byte.
func Mailbox() []Message {
	w := &writer{r: rand.New(rand.NewPCG(seed, seed+1))}
	var out []Message
	n := 0
	for _, p := range plans() {
		type slot struct {
			k    kind
			date time.Time
		}
		var slots []slot
		// Kinds in a fixed order (maps have none), then shuffled over the dates.
		kinds := make([]kind, 0, len(p.kinds))
		for k := range p.kinds {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		var random []kind
		for _, k := range kinds {
			for range p.kinds[k] {
				random = append(random, k)
			}
		}
		w.r.Shuffle(len(random), func(i, j int) { random[i], random[j] = random[j], random[i] })
		for _, k := range random {
			slots = append(slots, slot{k, w.officeHour(p.from, p.to)})
		}
		fixedKinds := make([]kind, 0, len(p.fixed))
		for k := range p.fixed {
			fixedKinds = append(fixedKinds, k)
		}
		slices.Sort(fixedKinds)
		for _, k := range fixedKinds {
			for _, d := range p.fixed[k] {
				for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
					d = d.AddDate(0, 0, 1)
				}
				slots = append(slots, slot{k, officeTime(d.Year(), d.Month(), d.Day(), 9, 12)})
			}
		}
		slices.SortStableFunc(slots, func(a, b slot) int { return a.date.Compare(b.date) })

		for _, s := range slots {
			n++
			d, topics := w.write(s.k, s.date)
			date := s.date
			if d.from.addr == yuki.addr {
				date = date.In(time.FixedZone("JST", 9*3600)) // she writes from Osaka
			}
			domain := d.from.addr[strings.IndexByte(d.from.addr, '@')+1:]
			id := fmt.Sprintf("%s.%04d.demo@%s", date.UTC().Format("20060102150405"), n, domain)
			m := Message{Folder: p.folder, Date: date, From: d.from.name, Subject: d.subject,
				Raw: compose(d, date, id, fmt.Sprintf("%04d", n)), kind: s.k, topics: topics}
			for _, a := range d.attachments {
				m.attachments = append(m.attachments, a.name)
			}
			out = append(out, m)
		}
	}
	return out
}

// officeHour is a random working moment (Monday to Friday, 7:30 to 18:30
// office time) between from and to.
func (w *writer) officeHour(from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	for {
		d := from.AddDate(0, 0, w.r.IntN(days))
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		minute := 7*60 + 30 + w.r.IntN(11*60)
		return officeTime(d.Year(), d.Month(), d.Day(), minute/60, minute%60).Add(time.Duration(w.r.IntN(60)) * time.Second)
	}
}

// officeTime is a wall-clock time in the office's zone: Central European
// Time, summer time from April to October (close enough for a demo, and
// needs no time zone database).
func officeTime(y int, m time.Month, d, hour, min int) time.Time {
	zone := time.FixedZone("CET", 3600)
	if m >= time.April && m <= time.October {
		zone = time.FixedZone("CEST", 2*3600)
	}
	return time.Date(y, m, d, hour, min, 0, 0, zone)
}
