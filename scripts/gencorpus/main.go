// Command gencorpus writes a generated corpus (store/storetest) as a Maildir,
// for benchmarks and for trying Mailkeep on mail of a known shape:
//
//	go run ./scripts/gencorpus -n 10000 -out DIR -mix real
//
// The same -seed, -n and -mix always give the same bytes. Messages are made and
// written one at a time, so any -n fits in memory.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mailkeep/mailkeep/store/storetest"
)

func main() {
	n := flag.Int("n", 10000, "how many messages")
	out := flag.String("out", "", "the Maildir to write (created; messages go to its cur and new)")
	mixName := flag.String("mix", "real", "real: sizes like real mail (most 2–20 KiB, some up to 2 MiB); varied: every structure, charset and oddity")
	seed := flag.Int64("seed", 1, "the corpus's seed")
	folder := flag.String("folder", "", "a Maildir++ subfolder to write into instead of the root")
	flag.Parse()

	mix := map[string]storetest.Mix{"real": storetest.MixReal, "varied": storetest.MixVaried}
	m, ok := mix[*mixName]
	if *out == "" || !ok || *n < 0 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gencorpus -n N -out DIR [-mix real|varied] [-seed S] [-folder NAME]")
		os.Exit(2)
	}
	if err := run(*out, *folder, *seed, *n, m); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}

func run(out, folder string, seed int64, n int, mix storetest.Mix) error {
	start := time.Now()
	md, err := storetest.NewMaildir(out, folder)
	if err != nil {
		return err
	}
	// Messages are independent of each other: make and write them on several
	// goroutines, since writing many small files waits on the disk.
	workers := 2 * runtime.GOMAXPROCS(0)
	var total atomic.Int64
	var g errgroup
	for w := range workers {
		g.do(func() error {
			for i := w; i < n; i += workers {
				msg := storetest.New(seed, i, mix)
				if err := md.Add(msg); err != nil {
					return err
				}
				total.Add(int64(len(msg.Raw)))
			}
			return nil
		})
	}
	if err := g.wait(); err != nil {
		return err
	}
	bytes := total.Load()
	slog.Info("corpus written", "messages", n, "bytes", bytes, "dir", out, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// errgroup runs functions on goroutines and keeps the first error.
type errgroup struct {
	wg   sync.WaitGroup
	once sync.Once
	err  error
}

func (g *errgroup) do(f func() error) {
	g.wg.Go(func() {
		if err := f(); err != nil {
			g.once.Do(func() { g.err = err })
		}
	})
}

func (g *errgroup) wait() error {
	g.wg.Wait()
	return g.err
}
