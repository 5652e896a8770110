package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// TestIngestConcurrentSameBytes: batches ingested from several goroutines at
// once (an account's folders synced over parallel connections) may carry the
// same message (one message in two folders). Each is stored once, with every
// location, and exactly one batch counts it as new.
func TestIngestConcurrentSameBytes(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	const writers, messages = 8, 20
	raw := func(i int) []byte {
		return fmt.Appendf(nil, "From: a@example.com\r\nSubject: shared %d\r\n\r\nthe same bytes in every folder %d\r\n", i, i)
	}
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		news  = make([]int, writers)
		errs  = make([]error, writers)
	)
	for w := range writers {
		wg.Go(func() {
			var b Batch
			folder := fmt.Sprintf("folder %d", w)
			for i := range messages {
				b.Messages = append(b.Messages, Incoming{Raw: raw(i), Location: Location{Account: "acct", Folder: folder, UIDValidity: 1, UID: fmt.Sprint(i + 1)}})
			}
			b.States = []FolderState{{Account: "acct", Folder: folder, UIDValidity: 1, LastUID: messages}}
			<-start
			stored, err := s.Ingest(ctx, b)
			errs[w] = err
			for _, st := range stored {
				if st.New {
					news[w]++
				}
			}
		})
	}
	close(start)
	wg.Wait()
	total := 0
	for w := range writers {
		if errs[w] != nil {
			t.Errorf("writer %d: %v", w, errs[w])
		}
		total += news[w]
	}
	if total != messages {
		t.Errorf("%d messages counted as new, want %d", total, messages)
	}
	if n, err := s.Count(ctx, ""); err != nil || n != messages {
		t.Errorf("the archive holds %d messages (%v), want %d", n, err, messages)
	}
	for w := range writers {
		if n, err := s.Count(ctx, fmt.Sprintf(`folder:"folder %d"`, w)); err != nil || n != messages {
			t.Errorf("folder %d: %d messages (%v), want %d", w, n, err, messages)
		}
	}
}
