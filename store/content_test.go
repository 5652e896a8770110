package store_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mailkeep/mailkeep/store"
	"github.com/mailkeep/mailkeep/store/storetest"
)

// TestReadContent decodes every generated message and checks its text and
// attachments against the generator's model, and that the attachments line
// up with what the archive lists for the message.
func TestReadContent(t *testing.T) {
	msgs := testCorpus()
	kinds := map[string]int{}
	for _, m := range msgs {
		c := store.ReadContent(m.Raw)
		if m.WellFormed() {
			kinds[m.Structure]++
			if len(c.Problems) > 0 {
				t.Errorf("%d (%s): problems reading a well-formed message: %q", m.Index, describe(m), c.Problems)
			}
			// The text holds the model's body text, in order (a forwarded
			// message's header lines add their labels and date).
			if !inOrder(storetest.Tokens(c.Text), storetest.Tokens(m.Body)) {
				t.Errorf("%d (%s): text %.300q does not hold the body %.300q", m.Index, describe(m), c.Text, m.Body)
			}
			// One version of a multipart/alternative: the body's first
			// line appears once.
			if first, _, _ := strings.Cut(m.Body, "\n"); m.Structure == "multipart/alternative" && len(storetest.Tokens(first)) > 3 {
				if n := strings.Count(strings.Join(storetest.Tokens(c.Text), " "), strings.Join(storetest.Tokens(first), " ")); n != 1 {
					t.Errorf("%d (%s): the first line of the body is in the text %d times, want once", m.Index, describe(m), n)
				}
			}
		}
		if m.AttachmentsUnsure || !m.WellFormed() {
			continue
		}
		if len(c.Attachments) != len(m.Attachments) {
			t.Errorf("%d (%s): %d attachments, want %d", m.Index, describe(m), len(c.Attachments), len(m.Attachments))
			continue
		}
		for i, a := range c.Attachments {
			want := m.Attachments[i]
			if a.Filename != want.Filename || a.ContentType != want.ContentType || !bytes.Equal(a.Data, want.Data) || a.Size != int64(len(want.Data)) {
				t.Errorf("%d (%s): attachment %d is %q %s (%d bytes, size %d), want %q %s (%d bytes), same bytes: %v", m.Index, describe(m), i,
					a.Filename, a.ContentType, len(a.Data), a.Size, want.Filename, want.ContentType, len(want.Data), bytes.Equal(a.Data, want.Data))
			}
		}
	}
	for _, k := range []string{"text/plain", "text/html", "multipart/alternative", "multipart/mixed"} {
		if kinds[k] == 0 {
			t.Errorf("the corpus has no well-formed %s message: the test proves nothing about them", k)
		}
	}
}

// TestReadContentMatchesIndex checks that a stored message's attachments, as
// Get lists them, are the ones ReadContent decodes, in the same order.
func TestReadContentMatchesIndex(t *testing.T) {
	msgs := testCorpus()[:300]
	s := openArchive(t)
	ids := ingestCorpus(t, s, msgs)
	for i, id := range ids {
		got, err := s.Get(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		c := store.ReadContent(msgs[i].Raw)
		if len(got.Attachments) != len(c.Attachments) {
			t.Errorf("%d (%s): Get lists %d attachments, ReadContent %d", msgs[i].Index, describe(msgs[i]), len(got.Attachments), len(c.Attachments))
			continue
		}
		for k := range c.Attachments {
			if c.Attachments[k].Attachment != got.Attachments[k] {
				t.Errorf("%d (%s): attachment %d: Get %+v, ReadContent %+v", msgs[i].Index, describe(msgs[i]), k, got.Attachments[k], c.Attachments[k].Attachment)
			}
		}
	}
}

func TestReadContentCases(t *testing.T) {
	cases := []struct {
		name, raw string
		text      string // want exactly
		atts      []string
	}{
		{"plain", "Subject: x\n\nHello there\n", "Hello there", nil},
		{"html only", "Content-Type: text/html\n\n<p>Hello <b>you</b></p><script>x()</script>", "Hello you", nil},
		{"html then plain", "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/html\n\n<p>rich</p>\n--b\nContent-Type: text/plain\n\nplain\n--b--\n", "plain", nil},
		{"plain then html", "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nplain\n--b\nContent-Type: text/html\n\n<p>rich</p>\n--b--\n", "plain", nil},
		{"empty plain, html", "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\n\n--b\nContent-Type: text/html\n\n<p>rich</p>\n--b--\n", "rich", nil},
		{"broken header", "no colon here\nSubject: x\n\nbody text\n", "body text", nil},
		{"attachment base64", "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nsee file\n--b\nContent-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n--b--\n", "see file", []string{"a.pdf:hello"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := store.ReadContent([]byte(c.raw))
			if got.Text != c.text {
				t.Errorf("text %q, want %q", got.Text, c.text)
			}
			var atts []string
			for _, a := range got.Attachments {
				atts = append(atts, a.Filename+":"+string(a.Data))
			}
			if strings.Join(atts, ",") != strings.Join(c.atts, ",") {
				t.Errorf("attachments %q, want %q", atts, c.atts)
			}
		})
	}
}

// inOrder says whether want's words are in have in the same order, with
// other words between them allowed; no words are in no words only.
func inOrder(have, want []string) bool {
	if len(want) == 0 {
		return len(have) == 0
	}
	i := 0
	for _, w := range have {
		if i < len(want) && w == want[i] {
			i++
		}
	}
	return i == len(want)
}
