package storetest

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// New generates message index of the corpus for seed and mix. It depends on
// nothing else, so any message of a corpus can be made on its own.
func New(seed int64, index int, mix Mix) Message {
	g := &gen{
		r:     rand.New(rand.NewPCG(uint64(seed), uint64(index)*0x9e3779b97f4a7c15+0x632be59bd9b4e019)),
		seed:  seed,
		index: index,
		mix:   mix,
	}
	return g.message()
}

// gen builds one message.
type gen struct {
	r     *rand.Rand
	seed  int64
	index int
	mix   Mix
	m     Message
	parts int // boundaries made so far
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }
func pick[T any](g *gen, xs []T) T   { return xs[g.r.IntN(len(xs))] }

// messageID is the Message-ID of message index (without angle brackets).
func messageID(seed int64, index int) string {
	return fmt.Sprintf("%d.%d.%x@gen.mailkeep.test", seed, index, uint32(index)*2654435761)
}

func (g *gen) quirks() Quirk {
	odd := 1.0 // how often oddities happen
	var q Quirk
	crlf := 0.25
	if g.mix == MixReal {
		odd, crlf = 0.25, 0.5
	}
	set := func(p float64, f Quirk) {
		if g.chance(p) {
			q |= f
		}
	}
	set(crlf, QuirkCRLF)
	set(0.05*odd, QuirkNoFinalNewline)
	set(0.08*odd, QuirkDotLines)
	set(0.08*odd, QuirkFromLines)
	set(0.03*odd, QuirkLongLine)
	switch x := g.r.Float64() / odd; {
	case x < 0.04:
		q |= Quirk8bitUTF8Header
	case x < 0.07:
		q |= Quirk8bitLatin1Header
	case x < 0.09:
		q |= QuirkNoSubject
	}
	switch x := g.r.Float64() / odd; {
	case x < 0.05:
		q |= QuirkNoDate
	case x < 0.07:
		q |= QuirkBadDate
	}
	set(0.01*odd, QuirkNoBody)
	if g.index%50 == 1 {
		q |= QuirkDuplicateMessageID
	} else if g.index%50 != 0 && g.chance(0.05*odd) {
		q |= QuirkNoMessageID
	}
	return q
}

var malformations = []string{
	"missing closing boundary",
	"bad base64",
	"bad content-type",
	"multipart without boundary",
	"header without colon",
}

func (g *gen) message() Message {
	m := &g.m
	m.Index = g.index
	m.tokens = new(fieldTokens)
	m.Quirks = g.quirks()
	odd := 1.0
	if g.mix == MixReal {
		odd = 0.25
	}
	if g.chance(0.05*odd) && m.Quirks&QuirkNoBody == 0 {
		m.Malformed = pick(g, malformations)
	}
	m.Charset = g.charset()
	if g.mix == MixVaried && g.chance(0.02) {
		// A label no decoder knows (mutt writes it for 8-bit text it cannot
		// name); the text is ASCII, which any reader can still get at.
		m.Charset = UnknownCharset
	}
	g.dates()
	g.people()

	var h strings.Builder // header, "\n" line endings
	if !m.Received.IsZero() {
		fmt.Fprintf(&h, "Received: from mx%d.example.org (mx%d.example.org [192.0.2.%d])\n\tby mail.corp.example with ESMTPS id %X\n\tfor <%s>; %s\n",
			g.index%7, g.index%7, 1+g.index%250, g.r.Uint32(), m.To[0].Addr, m.Received.In(pick(g, zones)).Format(time.RFC1123Z))
		if g.chance(0.5) {
			// An older hop below: the newest (top) one dates the message.
			older := m.Received.Add(-time.Duration(1+g.r.IntN(3600)) * time.Second)
			fmt.Fprintf(&h, "Received: from client.example.org ([198.51.100.%d])\n\tby mx%d.example.org with ESMTPSA; %s\n",
				1+g.index%250, g.index%7, older.In(pick(g, zones)).Format(time.RFC1123Z))
		}
	}
	switch {
	case !m.Date.IsZero():
		h.WriteString("Date: " + g.formatDate(m.Date) + "\n")
	case m.Quirks&QuirkBadDate != 0:
		h.WriteString("Date: sometime last " + pick(g, []string{"tuesday", "week", "year"}) + "\n")
	}
	h.WriteString("From: " + g.address(m.From, m.Quirks&Quirk8bitUTF8Header != 0) + "\n")
	h.WriteString("To: " + g.addressList(m.To) + "\n")
	if len(m.Cc) > 0 {
		h.WriteString("Cc: " + g.addressList(m.Cc) + "\n")
	}
	g.subject(&h)
	switch {
	case m.Quirks&QuirkNoMessageID != 0:
	case m.Quirks&QuirkDuplicateMessageID != 0:
		m.MessageID = messageID(g.seed, g.index-1)
	default:
		m.MessageID = messageID(g.seed, g.index)
	}
	if m.MessageID != "" {
		h.WriteString("Message-ID: <" + m.MessageID + ">\n")
	}
	h.WriteString("MIME-Version: 1.0\n")
	if g.chance(0.3) {
		h.WriteString("X-Mailer: " + pick(g, []string{"Microsoft Outlook 16.0", "Thunderbird 115.3", "mutt/2.2.9", "Apple Mail (2.3731)"}) + "\n")
	}

	text := g.bodyText()
	var body bytes.Buffer
	if m.Quirks&QuirkNoBody != 0 {
		// A header and nothing else, not even the empty line.
		m.Structure = "text/plain"
		m.Quirks &^= QuirkDotLines | QuirkFromLines | QuirkLongLine
		m.Raw = g.finish([]byte(h.String()))
		return *m
	}
	if m.Malformed != "" {
		g.malformed(&h, &body, text)
	} else {
		g.wellFormed(&h, &body, text)
	}

	raw := []byte(h.String())
	raw = append(raw, '\n')
	raw = append(raw, body.Bytes()...)
	m.Raw = g.finish(raw)
	return *m
}

// finish applies the line-ending quirks to a message written with "\n".
func (g *gen) finish(raw []byte) []byte {
	if g.m.Quirks&QuirkCRLF != 0 {
		raw = bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n"))
	}
	if g.m.Quirks&QuirkNoFinalNewline != 0 {
		raw = bytes.TrimRight(raw, "\r\n")
	}
	return raw
}

func (g *gen) charset() string {
	if g.chance(0.4) {
		return "utf-8"
	}
	return pick(g, Charsets)
}

var zones = []*time.Location{
	time.UTC,
	time.FixedZone("", 1*3600),
	time.FixedZone("", 2*3600),
	time.FixedZone("", -5*3600),
	time.FixedZone("", -8*3600),
	time.FixedZone("", 9*3600),
	time.FixedZone("", 5*3600+1800),
}

// dates picks the message's dates between 2001 and 2025, never within two days
// of the first of January or of July, so that before: and after: on those days
// split a corpus the same way in every time zone.
func (g *gen) dates() {
	m := &g.m
	year := 2001 + g.r.IntN(25)
	month := time.January
	if g.chance(0.5) {
		month = time.July
	}
	start := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	days := int(start.AddDate(0, 6, 0).Sub(start).Hours() / 24)
	d := start.AddDate(0, 0, 3+g.r.IntN(days-6)).Add(time.Duration(g.r.IntN(86400)) * time.Second)

	received := d.Add(time.Duration(1+g.r.IntN(600)) * time.Second)
	m.Envelope = received.Add(time.Duration(g.r.IntN(60)) * time.Second)
	switch {
	case m.Quirks&(QuirkNoDate|QuirkBadDate) != 0:
		if g.chance(0.5) {
			m.Received = received
		}
	default:
		m.Date = d
		if g.chance(0.6) {
			m.Received = received
		}
	}
}

func (g *gen) formatDate(t time.Time) string {
	t = t.In(pick(g, zones))
	switch g.r.IntN(4) {
	case 0:
		return t.Format("2 Jan 2006 15:04:05 -0700")
	case 1:
		if t.Location() == time.UTC {
			return t.Format("Mon, 2 Jan 2006 15:04:05 -0700") + " (UTC)"
		}
	}
	return t.Format(time.RFC1123Z)
}

func (g *gen) people() {
	m := &g.m
	if m.Quirks&Quirk8bitUTF8Header != 0 {
		var nonASCII []Person
		for _, p := range People {
			if !isASCII(p.Name) {
				nonASCII = append(nonASCII, p)
			}
		}
		m.From = pick(g, nonASCII)
	} else {
		m.From = pick(g, People)
	}
	seen := map[string]bool{}
	add := func(n int) []Person {
		var ps []Person
		for range n {
			p := pick(g, People)
			if !seen[p.Addr] {
				seen[p.Addr] = true
				ps = append(ps, p)
			}
		}
		return ps
	}
	m.To = add(1 + g.r.IntN(3))
	if g.chance(0.4) {
		m.Cc = add(1 + g.r.IntN(2))
	}
}

// address writes a person as a mailbox: the display name encoded in the
// person's charset, or raw UTF-8 when raw is set.
func (g *gen) address(p Person, raw bool) string {
	switch {
	case p.Name == "":
		return p.Addr
	case isASCII(p.Name):
		if strings.ContainsAny(p.Name, "'.,") {
			return `"` + p.Name + `" <` + p.Addr + ">"
		}
		return p.Name + " <" + p.Addr + ">"
	case raw:
		return `"` + p.Name + `" <` + p.Addr + ">"
	}
	return encodedWords(p.Charset, g.chance(0.3), p.Name) + " <" + p.Addr + ">"
}

func (g *gen) addressList(ps []Person) string {
	var s []string
	for _, p := range ps {
		s = append(s, g.address(p, false))
	}
	return strings.Join(s, ",\n ")
}

// subject writes the Subject header: a topic or two, filler, sometimes a
// non-ASCII word.
func (g *gen) subject(h *strings.Builder) {
	m := &g.m
	if m.Quirks&QuirkNoSubject != 0 {
		return
	}
	words := []string{pick(g, Topics)}
	if g.chance(0.4) {
		words = append(words, pick(g, Topics))
	}
	for range 1 + g.r.IntN(3) {
		words = append(words, pick(g, filler))
	}
	switch {
	case m.Quirks&Quirk8bitUTF8Header != 0:
		words = append(words, pick(g, intlWords["utf-8"]))
	case m.Quirks&Quirk8bitLatin1Header != 0:
		words = append(words, Latin1Word)
	case len(intlWords[m.Charset]) > 0 && g.chance(0.4):
		words = append(words, pick(g, intlWords[m.Charset]))
	}
	g.r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	if g.chance(0.3) {
		words = append([]string{pick(g, []string{"Re:", "Fwd:", "AW:"})}, words...)
	}
	m.Subject = strings.Join(words, " ")
	switch {
	case m.Quirks&Quirk8bitUTF8Header != 0:
		h.WriteString("Subject: " + m.Subject + "\n")
	case m.Quirks&Quirk8bitLatin1Header != 0:
		h.WriteString("Subject: ")
		h.Write(encodeText("iso-8859-1", m.Subject))
		h.WriteString("\n")
	case isASCII(m.Subject) && len(words) >= 3 && g.chance(0.2):
		// Folded: unfolding gives the same text back.
		i := strings.IndexByte(m.Subject, ' ') + 1
		i += strings.IndexByte(m.Subject[i:], ' ') // the second space
		h.WriteString("Subject: " + m.Subject[:i] + "\n" + m.Subject[i:] + "\n")
	default:
		h.WriteString("Subject: " + headerText(m.Charset, g.chance(0.5), m.Subject) + "\n")
	}
}

// bodyText makes the text of the message's text parts, as lines: filler with
// planted topics, sometimes the phrase (or its words scrambled), non-ASCII words
// the charset can carry, and the lines the quirks ask for.
func (g *gen) bodyText() []string {
	m := &g.m
	n := 20 + g.r.IntN(180)
	if g.mix == MixReal {
		n = g.realBodyWords()
	}
	words := make([]string, 0, n+8)
	for range n {
		words = append(words, pick(g, filler))
	}
	insert := func(w string) {
		i := g.r.IntN(len(words) + 1)
		words = slices.Insert(words, i, w)
	}
	for range 1 + g.r.IntN(3) {
		insert(pick(g, Topics))
	}
	switch x := g.r.Float64(); {
	case x < 0.2:
		insert(Phrase)
	case x < 0.35:
		insert(PhraseScrambled)
	}
	if len(intlWords[m.Charset]) > 0 && g.chance(0.5) {
		for range 1 + g.r.IntN(2) {
			insert(pick(g, intlWords[m.Charset]))
		}
	}
	if g.chance(0.3) {
		words = append(words, "&", "co.") // something HTML must escape
	}

	var lines []string
	var line strings.Builder
	for _, w := range words {
		if line.Len() > 0 && line.Len()+1+len(w) > 72 {
			lines = append(lines, line.String())
			line.Reset()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(w)
	}
	lines = append(lines, line.String())

	special := func(ls ...string) {
		for _, l := range ls {
			i := g.r.IntN(len(lines) + 1)
			lines = slices.Insert(lines, i, l)
		}
	}
	if m.Quirks&QuirkDotLines != 0 {
		special(".", "..", ". leading dot line", ".. two dots")
	}
	if m.Quirks&QuirkFromLines != 0 {
		special("From the desk of the editor", ">From a quoted line", ">>From twice quoted", "From ")
	}
	if m.Quirks&QuirkLongLine != 0 {
		size := 5001 + g.r.IntN(15000)
		if g.mix == MixVaried && g.chance(0.25) {
			size = 70000 + g.r.IntN(80000) // beyond bufio.Scanner's default limit
		}
		var long strings.Builder
		for long.Len() < size {
			if long.Len() > 0 {
				long.WriteByte(' ')
			}
			long.WriteString(pick(g, filler))
		}
		special(long.String())
	}
	return lines
}

// realBodyWords sizes the body of a MixReal message: log-uniform between 2 and
// 20 KiB (minus headers), at about 7 bytes a word.
func (g *gen) realBodyWords() int {
	size := logUniform(g.r, 2<<10, 20<<10) - 1200
	return max(20, size/7)
}

func logUniform(r *rand.Rand, lo, hi int) int {
	return int(math.Exp(math.Log(float64(lo)) + r.Float64()*(math.Log(float64(hi))-math.Log(float64(lo)))))
}
