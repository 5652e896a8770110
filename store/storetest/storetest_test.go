package storetest

import (
	"bytes"
	"errors"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
)

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := Generate(7, 300), Generate(7, 300)
	for i := range a {
		if !bytes.Equal(a[i].Raw, b[i].Raw) {
			t.Fatalf("message %d differs between two runs with the same seed", i)
		}
		if !bytes.Equal(a[i].Raw, New(7, i, MixVaried).Raw) {
			t.Fatalf("message %d made on its own differs from the one in the corpus", i)
		}
	}
	if c := Generate(8, 1); bytes.Equal(a[0].Raw, c[0].Raw) {
		t.Fatal("seeds 7 and 8 give the same first message")
	}
}

// TestCorpusCoversEverything checks that a 2,000-message corpus holds every
// structure, charset, quirk, malformation and name encoding the archive's
// tests rely on.
func TestCorpusCoversEverything(t *testing.T) {
	msgs := Generate(1, 2000)
	count := map[string]int{}
	hashes := map[[32]byte]bool{}
	for _, m := range msgs {
		hashes[m.SHA256()] = true
		count["charset "+m.Charset]++
		count["structure "+m.Structure]++
		if m.Malformed != "" {
			count["malformed "+m.Malformed]++
		}
		for q := Quirk(1); q <= QuirkNoBody; q <<= 1 {
			if m.Quirks&q != 0 {
				count["quirk "+quirkName(q)]++
			}
		}
		for _, a := range m.Attachments {
			count["attachment "+a.Encoding]++
			count["name "+a.NameEncoding]++
		}
		for _, w := range append(append([]string{}, IntlWords...), Topics...) {
			if m.HasPhrase(w) {
				count["word "+w]++
			}
		}
		if m.HasPhrase(Phrase, FieldBody) {
			count["phrase"]++
		}
		if m.HasPhrase(Latin1Word, FieldSubject) {
			count["latin1 word"]++
		}
		count["year "+m.Envelope.Format("2006")[:3]]++
	}
	if len(hashes) != len(msgs) {
		t.Errorf("%d messages but %d distinct hashes", len(msgs), len(hashes))
	}
	var want []string
	for _, c := range Charsets {
		want = append(want, "charset "+c)
	}
	for _, s := range []string{"text/plain", "text/html", "multipart/alternative", "multipart/mixed"} {
		want = append(want, "structure "+s)
	}
	for _, mf := range malformations {
		want = append(want, "malformed "+mf)
	}
	for q := Quirk(1); q <= QuirkNoBody; q <<= 1 {
		want = append(want, "quirk "+quirkName(q))
	}
	for _, e := range []string{"base64", "quoted-printable", "7bit"} {
		want = append(want, "attachment "+e)
	}
	for _, e := range []string{"plain", "rfc2231", "rfc2231-continued", "rfc2231-latin1", "rfc2047", "raw-utf8"} {
		want = append(want, "name "+e)
	}
	for _, w := range append(append([]string{}, IntlWords...), Topics...) {
		want = append(want, "word "+w)
	}
	want = append(want, "charset "+UnknownCharset, "phrase", "latin1 word", "year 200", "year 201", "year 202")
	for _, k := range want {
		if count[k] < 3 {
			t.Errorf("%s: %d messages, want at least 3", k, count[k])
		}
	}
	if testing.Verbose() {
		for k, v := range count {
			t.Logf("%-40s %d", k, v)
		}
	}
}

func quirkName(q Quirk) string {
	return map[Quirk]string{
		QuirkCRLF: "crlf", QuirkNoFinalNewline: "no final newline", QuirkDotLines: "dot lines",
		QuirkFromLines: "From lines", QuirkLongLine: "long line", Quirk8bitUTF8Header: "8-bit UTF-8 header",
		Quirk8bitLatin1Header: "8-bit Latin-1 header", QuirkNoDate: "no date", QuirkBadDate: "bad date",
		QuirkNoMessageID: "no message-id", QuirkDuplicateMessageID: "duplicate message-id", QuirkNoSubject: "no subject",
		QuirkNoBody: "no body",
	}[q]
}

// TestModelAgreesWithAParser reads every well-formed message with go-message
// and checks that the model says what the parser reads, so that a failing
// archive test points at the archive and not at the generator.
func TestModelAgreesWithAParser(t *testing.T) {
	tags := regexp.MustCompile(`<[^>]*>`)
	n := 2000
	if raceDetector {
		n = 500
	}
	for _, m := range Generate(1, n) {
		if m.Malformed != "" {
			continue
		}
		r, err := mail.CreateReader(bytes.NewReader(m.Raw))
		if err != nil && !message.IsUnknownCharset(err) {
			t.Errorf("message %d: %v", m.Index, err)
			continue
		}
		if m.Quirks&Quirk8bitLatin1Header == 0 {
			if subj, err := r.Header.Subject(); err != nil || subj != m.Subject {
				t.Errorf("message %d: subject %q (%v), model %q", m.Index, subj, err, m.Subject)
			}
		}
		from, err := r.Header.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Address != m.From.Addr || from[0].Name != m.From.Name {
			t.Errorf("message %d: From %v (%v), model %+v", m.Index, from, err, m.From)
		}
		if d, err := r.Header.Date(); !m.Date.IsZero() && (err != nil || !d.Equal(m.Date)) {
			t.Errorf("message %d: date %v (%v), model %v", m.Index, d, err, m.Date)
		}
		if id, _ := r.Header.MessageID(); id != m.MessageID {
			t.Errorf("message %d: Message-ID %q, model %q", m.Index, id, m.MessageID)
		}
		var atts []Attachment
		fwd := false
		for _, a := range m.Attachments {
			fwd = fwd || a.ContentType == "message/rfc822"
		}
		for {
			p, err := r.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil && !message.IsUnknownCharset(err) {
				t.Errorf("message %d: %v", m.Index, err)
				break
			}
			body, err := io.ReadAll(p.Body)
			if err != nil {
				t.Errorf("message %d: read part: %v", m.Index, err)
			}
			switch h := p.Header.(type) {
			case *mail.AttachmentHeader:
				name, err := h.Filename()
				if err != nil {
					t.Errorf("message %d: attachment name: %v", m.Index, err)
				}
				atts = append(atts, Attachment{Filename: name, Data: body})
			case *mail.InlineHeader:
				ct, _, _ := h.ContentType()
				text := strings.ReplaceAll(string(body), "\r\n", "\n")
				if ct == "text/html" {
					text = html.UnescapeString(tags.ReplaceAllString(text, ""))
				}
				// The body's text may go on with a forwarded message's.
				if got, want := strings.Join(Tokens(text), " "), strings.Join(Tokens(m.Body), " "); !strings.HasPrefix(want, got) || !fwd && got != want {
					t.Errorf("message %d: %s part's words differ from the model's body:\n got %.200q\nwant %.200q", m.Index, ct, got, want)
				}
			}
		}
		if len(atts) != len(m.Attachments) {
			t.Errorf("message %d: %d attachments, model %d", m.Index, len(atts), len(m.Attachments))
			continue
		}
		for i, a := range atts {
			if m.Attachments[i].NameEncoding == "rfc2231-latin1" {
				// Go's mime package decodes RFC 2231 values in UTF-8 and ASCII only.
				a.Filename = m.Attachments[i].Filename
			}
			if a.Filename != m.Attachments[i].Filename || !bytes.Equal(a.Data, m.Attachments[i].Data) {
				t.Errorf("message %d attachment %d: %q (%d bytes), model %q (%d bytes, name %s)", m.Index, i, a.Filename, len(a.Data), m.Attachments[i].Filename, len(m.Attachments[i].Data), m.Attachments[i].NameEncoding)
			}
		}
	}
}

func TestMboxRoundTrip(t *testing.T) {
	msgs := Generate(3, 500)
	path := filepath.Join(t.TempDir(), "mbox")
	if err := WriteMbox(path, msgs); err != nil {
		t.Fatal(err)
	}
	got, err := ReadMbox(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(msgs) {
		t.Fatalf("read %d messages back, wrote %d", len(got), len(msgs))
	}
	for i := range msgs {
		if !bytes.Equal(got[i], msgs[i].Raw) {
			t.Errorf("message %d differs after the mbox round trip", i)
		}
	}
	// Quoted From_ lines are written with one more ">".
	raw, _ := os.ReadFile(path)
	if !bytes.Contains(raw, []byte("\n>From the desk")) || !bytes.Contains(raw, []byte("\n>>From a quoted")) || !bytes.Contains(raw, []byte("\n>>>From twice")) {
		t.Error("the mbox file lacks the quoted From_ lines it should hold")
	}
}

func TestWriters(t *testing.T) {
	msgs := Generate(4, 60)
	root := t.TempDir()
	if err := WriteMaildir(root, "", msgs[:30]); err != nil {
		t.Fatal(err)
	}
	if err := WriteMaildir(root, "Work/Projects", msgs[30:]); err != nil {
		t.Fatal(err)
	}
	eml := filepath.Join(t.TempDir(), "Saved")
	if err := WriteEML(eml, msgs); err != nil {
		t.Fatal(err)
	}
	count := func(glob string) int {
		m, _ := filepath.Glob(glob)
		return len(m)
	}
	if n := count(filepath.Join(root, "cur", "*")) + count(filepath.Join(root, "new", "*")); n != 30 {
		t.Errorf("Maildir root holds %d messages, want 30", n)
	}
	if n := count(filepath.Join(root, ".Work.Projects", "cur", "*")) + count(filepath.Join(root, ".Work.Projects", "new", "*")); n != 30 {
		t.Errorf("Maildir++ folder holds %d messages, want 30", n)
	}
	if n := count(filepath.Join(eml, "*.eml")); n != 60 {
		t.Errorf(".eml folder holds %d files, want 60", n)
	}
	st, err := os.Stat(filepath.Join(eml, EMLName(msgs[5])))
	if err != nil || !st.ModTime().Equal(msgs[5].Envelope) {
		t.Errorf(".eml file time %v (%v), want the envelope time %v", st.ModTime(), err, msgs[5].Envelope)
	}
}

func TestTokens(t *testing.T) {
	for _, c := range []struct {
		text, phrase string
		want         bool
	}{
		{"Jürgen Müller <j.mueller@beispiel.de>", "muller", true},
		{"Jürgen Müller", "MÜLLER", true},
		{"j.mueller@beispiel.de", "muller", false},
		{"请 see 請求書を送ります", "請求書", true},
		{"請求の書", "請求書", false},
		{"ПРИВЕТ мир", "привет", true},
		{"quarterly budget review", "budget review", true},
		{"review budget quarterly", "quarterly budget", false},
		{"Straße", "strasse", false},
	} {
		if got := ContainsPhrase(c.text, c.phrase); got != c.want {
			t.Errorf("ContainsPhrase(%q, %q) = %v, want %v", c.text, c.phrase, got, c.want)
		}
	}
}

func TestRealWorldFindsTheCorpus(t *testing.T) {
	paths := RealWorld(t)
	for _, p := range paths {
		if b := filepath.Base(p); b == "SOURCE.md" || b == "LICENSE.upstream" {
			t.Errorf("RealWorld lists %s", p)
		}
	}
	if len(paths) < 100 {
		t.Errorf("RealWorld found only %d files", len(paths))
	}
}

// TestRealMixSizes checks the benchmark mix's sizes: most messages between 2
// and 20 KiB, about 1.5% from 100 KiB to 2 MiB, all of them parseable.
func TestRealMixSizes(t *testing.T) {
	n := 3000
	if raceDetector {
		n = 1000
	}
	small, big := 0, 0
	for m := range All(1, n, MixReal) {
		switch size := len(m.Raw); {
		case size >= 100<<10 && size <= 2<<20+64<<10:
			big++
			if len(m.Attachments) == 0 {
				t.Errorf("message %d is %d bytes but has no attachment", m.Index, size)
			}
		case size >= 1<<10 && size <= 24<<10:
			small++
		}
		if m.Malformed == "" {
			if _, err := mail.CreateReader(bytes.NewReader(m.Raw)); err != nil {
				t.Errorf("message %d: %v", m.Index, err)
			}
		}
	}
	if small < n*85/100 || big < n/200 || big > n/25 {
		t.Errorf("of %d messages %d are about 2–20 KiB and %d are 100 KiB–2 MiB; want most and about 1.5%%", n, small, big)
	}
	t.Logf("%d of %d messages about 2–20 KiB, %d of 100 KiB–2 MiB", small, n, big)
}
