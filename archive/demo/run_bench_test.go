package demo

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkRun archives the whole demo mailbox into a new demo archive: what
// a newcomer waits for after pressing "Try with a demo mailbox".
func BenchmarkRun(b *testing.B) {
	dir := b.TempDir()
	var messages int
	var bytes int64
	for i := 0; b.Loop(); i++ {
		rep, err := Run(context.Background(), filepath.Join(dir, fmt.Sprintf("demo-%d.mailkeep", i)), nil)
		if err != nil {
			b.Fatal(err)
		}
		messages, bytes = rep.Messages, rep.Bytes
	}
	b.ReportMetric(float64(messages), "messages/run")
	b.ReportMetric(float64(bytes), "bytes/run")
}
