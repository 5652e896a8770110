package store

import (
	"strings"
	"testing"
)

// TestDisplayTextUndoesCJKSplitting: what the index stores (ftsText) shows
// as it was written, with and without match markers around CJK words.
func TestDisplayTextUndoesCJKSplitting(t *testing.T) {
	tests := []struct{ written, want string }{
		{"請求書は12日までにお願いします", ""},
		{"Rechnung 2023年3月 von Müller", ""},
		{"日 本", ""}, // a space the writer put there stays
		{"한국어 텍스트 and English", ""},
		{"明日東京で会いましょう。 meeting", ""},
		{"line one\r\n\r\n  line two", "line one line two"},
		{"東京\n大阪", "東京大阪"}, // a line break inside CJK text is no space
		{"ASCII only, nothing to do", ""},
	}
	for _, tt := range tests {
		want := tt.want
		if want == "" {
			want = tt.written
		}
		if got := displayText(ftsText(tt.written)); got != want {
			t.Errorf("displayText(ftsText(%q)) = %q, want %q", tt.written, got, want)
		}
	}

	// Snippets: the match markers stand around the matched characters,
	// between ftsText's spaces; the parts read as written.
	marked := []struct {
		written, match, want string
	}{
		{"請求書は12日までに", "12日", "請求書は[12日]までに"},
		{"請求書は12日までに", "日", "請求書は12[日]までに"},
		{"東京の会議", "東京", "[東京]の会議"},
		{"Grüße 東京 und mehr", "東京", "Grüße [東京] und mehr"},
		{"東京\n大阪", "大阪", "東京[大阪]"},
		{"Anna\n\nMüller", "Müller", "Anna [Müller]"},
	}
	for _, tt := range marked {
		stored := ftsText(tt.written)
		m := ftsText(tt.match)
		m = strings.TrimSpace(m)
		i := strings.Index(stored, m)
		if i < 0 {
			t.Fatalf("%q not in %q", m, stored)
		}
		text := stored[:i] + matchStart + m + matchEnd + stored[i+len(m):]
		var b strings.Builder
		for _, p := range splitSnippet(text) {
			if p.Match {
				b.WriteString("[" + p.Text + "]")
			} else {
				b.WriteString(p.Text)
			}
		}
		if got := strings.TrimSpace(b.String()); got != tt.want {
			t.Errorf("snippet of %q marking %q = %q, want %q", tt.written, tt.match, got, tt.want)
		}
	}
}
