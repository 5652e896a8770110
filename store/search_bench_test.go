package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// benchArchive sizes the archive BenchmarkSearch searches.
const (
	searchBenchMessages = 100_000
	// benchRawMin and benchRawMax bound the stored (compressed) size of a raw
	// message: the raw column sits before the searchable ones in each row, so
	// its size decides how much a row read costs.
	benchRawMin = 2 << 10
	benchRawMax = 16 << 10
)

// buildBenchArchive writes n synthetic messages straight into a new archive:
// words drawn from a Zipf-distributed vocabulary, a word in ~80% of messages
// ("meeting"), a word in 20 ("zanzibar"), 300 senders, 6 years of dates, 5
// accounts of 10 folders, attachments on 30%.
func buildBenchArchive(b *testing.B, path string, n int) *Store {
	b.Helper()
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	syllables := []string{"ka", "lo", "mi", "ne", "ru", "ta", "so", "vi", "de", "ba", "po", "zu", "gel", "mar", "tin", "ost", "ber", "and"}
	vocab := make([]string, 20000)
	for i := range vocab {
		var w strings.Builder
		for k := 0; k < 2+i%3; k++ {
			w.WriteString(syllables[rng.IntN(len(syllables))])
		}
		vocab[i] = w.String()
	}
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	folders := []string{"INBOX", "Sent Items", "Archive/2019", "Archive/2020", "Archive/2021", "Archive/2022", "Projects/Alpha", "Projects/Beta", "Invoices", "Junk"}
	start := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	span := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix() - start
	raw := make([]byte, benchRawMax)
	for i := range raw {
		raw[i] = byte(rng.Uint32())
	}

	tx, err := s.db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	prep := func(q string) *sql.Stmt {
		st, err := tx.Prepare(q)
		if err != nil {
			b.Fatal(err)
		}
		return st
	}
	insMsg := prep(`INSERT INTO messages (id, sha256, size, raw, codec, date, date_source, from_addr, to_addr, cc_addr, subject, has_attachment, added)
		VALUES (?, ?, ?, ?, 1, ?, 'header', ?, ?, '', ?, ?, 0)`)
	insAtt := prep(`INSERT INTO attachments (message, filename, content_type, size) VALUES (?, ?, 'application/pdf', 1000)`)
	insLoc := prep(`INSERT INTO locations (message, account, folder, uidvalidity, uid, seen) VALUES (?, ?, ?, 1, ?, 0)`)
	insText := prep(`INSERT INTO texts (id, subject, sender, recipients, cc, body, filenames) VALUES (?, ?, ?, ?, '', ?, ?)`)
	insFTS := prep(`INSERT INTO search (rowid, subject, sender, recipients, cc, body, filenames) VALUES (?, ?, ?, ?, '', ?, ?)`)
	var body strings.Builder
	for id := int64(1); id <= int64(n); id++ {
		words := func(k int) string {
			body.Reset()
			for j := 0; j < k; j++ {
				if j > 0 {
					body.WriteByte(' ')
				}
				body.WriteString(vocab[zipf.Uint64()])
			}
			return body.String()
		}
		subject := words(3 + rng.IntN(5))
		text := words(40 + rng.IntN(200))
		if rng.IntN(10) < 8 {
			text += " meeting"
		}
		if id%(int64(n)/20) == 7 {
			text += " zanzibar"
		}
		sender := rng.IntN(300)
		from := fmt.Sprintf("Sender %d <sender%d@example.com>", sender, sender)
		to := fmt.Sprintf("team%d@contoso.com", rng.IntN(20))
		var sum [32]byte
		binary.BigEndian.PutUint64(sum[:], uint64(id))
		sum = sha256.Sum256(sum[:])
		date := start + rng.Int64N(span) // ids are not in date order, as after an import
		size := benchRawMin + rng.IntN(benchRawMax-benchRawMin)
		var filename string
		if rng.IntN(10) < 3 {
			filename = words(2) + ".pdf"
		}
		if _, err := insMsg.Exec(id, sum[:], size*3, raw[:size], date, from, to, subject, filename != ""); err != nil {
			b.Fatal(err)
		}
		if filename != "" {
			if _, err := insAtt.Exec(id, filename); err != nil {
				b.Fatal(err)
			}
		}
		acct := fmt.Sprintf("mailbox%d@contoso.com", rng.IntN(5))
		if _, err := insLoc.Exec(id, acct, folders[rng.IntN(len(folders))], fmt.Sprint(id)); err != nil {
			b.Fatal(err)
		}
		if _, err := insText.Exec(id, subject, from, to, packText(s.codec, text), filename); err != nil {
			b.Fatal(err)
		}
		if _, err := insFTS.Exec(id, subject, from, to, text, filename); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := s.db.Exec(`ANALYZE; INSERT INTO search(search) VALUES ('optimize')`); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkSearch searches a 100,000-message archive (built once per run, which
// takes a while) for the first page of 50 results, and counts.
func BenchmarkSearch(b *testing.B) {
	t0 := time.Now()
	s := buildBenchArchive(b, filepath.Join(b.TempDir(), "bench.mailkeep"), searchBenchMessages)
	defer s.Close()
	b.Logf("built %d messages in %s", searchBenchMessages, time.Since(t0).Round(time.Millisecond))
	ctx := context.Background()
	queries := []struct{ name, query string }{
		{"all", ``},
		{"rare word", `zanzibar`},
		{"common word", `meeting`},
		{"two words", `meeting kalo*`},
		{"phrase", `"meeting zanzibar"`},
		{"from", `from:sender42@example.com`},
		{"date range", `after:2021-03-01 before:2021-04-01`},
		{"folder", `folder:Archive/*`},
		{"has attachment", `has:attachment`},
		{"filename glob", `filename:*.pdf`},
		{"combined", `meeting from:sender42@example.com after:2020 before:2022`},
		{"not common", `-meeting`},
		{"or fields", `from:sender7@example.com OR folder:Invoices`},
	}
	for _, q := range queries {
		b.Run("page/"+q.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(ctx, q.query, SearchOptions{Limit: 50}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, q := range queries {
		b.Run("count/"+q.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Count(ctx, q.query); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
