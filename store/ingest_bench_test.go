package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// benchMessages makes n plain messages of about size bytes with natural-ish words.
func benchMessages(n, size int) [][]byte {
	r := rand.New(rand.NewPCG(3, 4))
	vocab := make([]string, 20000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("%sx%d", strings.Repeat("ab", 1+r.IntN(4)), i)
	}
	out := make([][]byte, n)
	for i := range out {
		var b strings.Builder
		fmt.Fprintf(&b, "From: Sender %d <s%d@example.com>\r\nTo: team@example.com\r\nSubject: report %s %s\r\nDate: Mon, 2 Jan 2023 15:04:05 +0000\r\nMessage-ID: <%d@bench>\r\n\r\n",
			i%97, i%97, vocab[r.IntN(len(vocab))], vocab[r.IntN(len(vocab))], i)
		for b.Len() < size {
			for range 12 {
				b.WriteString(vocab[int(r.ExpFloat64()*2000)%len(vocab)])
				b.WriteByte(' ')
			}
			b.WriteString("\r\n")
		}
		out[i] = []byte(b.String())
	}
	return out
}

// BenchmarkIngest measures storing 8 KiB text messages in batches of 200:
// parsing, hashing, compressing, indexing and committing.
func BenchmarkIngest(b *testing.B) {
	ctx := context.Background()
	msgs := benchMessages(2000, 8<<10)
	var total int64
	for _, m := range msgs {
		total += int64(len(m))
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		s := openTemp(b)
		b.StartTimer()
		for lo := 0; lo < len(msgs); lo += 200 {
			var batch Batch
			for i, raw := range msgs[lo : lo+200] {
				batch.Messages = append(batch.Messages, Incoming{Raw: raw, Location: Location{Account: "a", Folder: "INBOX", UID: fmt.Sprint(lo + i)}})
			}
			if _, err := s.Ingest(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(msgs))*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(total)*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
}
