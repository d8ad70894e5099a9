package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/benchdata"
)

// BenchOpener opens the named benchmark store; fresh asks for an empty
// one (else an earlier, complete data set may be reused).
type BenchOpener func(b *testing.B, name string, fresh bool) tracker.Store

// BenchSpec is the data set benchmarks use: bugs.python.org scale times
// CORRAL_BENCH_SCALE (default 1), or 1/100 with CORRAL_BENCH_SCALE=small.
func BenchSpec() (benchdata.Spec, string) {
	switch v := os.Getenv("CORRAL_BENCH_SCALE"); v {
	case "", "1":
		return benchdata.BPO(1), "1x"
	case "small":
		return benchdata.Small(), "small"
	default:
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			n = 1
		}
		return benchdata.BPO(n), v + "x"
	}
}

var (
	loadedMu sync.Mutex
	loaded   = map[string]*tracker.Service{}
)

// Loaded returns a Service over a store holding the benchmark data set,
// generating it once (and reusing a complete earlier one).
func Loaded(b *testing.B, open BenchOpener) *tracker.Service {
	spec, tag := BenchSpec()
	loadedMu.Lock()
	defer loadedMu.Unlock()
	if s := loaded[tag]; s != nil {
		return s
	}
	ctx := context.Background()
	store := open(b, "data-"+tag, false)
	clock := benchdata.NewClock(time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), 30*time.Second)
	svc, err := benchdata.PythonDev(ctx, store, clock.Now)
	if err != nil {
		b.Fatal(err)
	}
	n, err := benchdata.Count(ctx, svc, "issue")
	if err != nil {
		b.Fatal(err)
	}
	if n != spec.Issues {
		store.Close()
		store = open(b, "data-"+tag, true)
		if svc, err = benchdata.PythonDev(ctx, store, clock.Now); err != nil {
			b.Fatal(err)
		}
		b.Logf("generating the %s data set (%d issues, %d messages)...", tag, spec.Issues, spec.Messages)
		st, err := benchdata.Load(ctx, svc, spec, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("loaded in %v (%.0f messages/s)", st.Elapsed, st.MessagesPerSecond())
		// A tracker in service has current planner statistics (autovacuum,
		// periodic ANALYZE); measure that state, not a just-loaded one.
		if m, ok := store.(interface{ Maintain(context.Context) error }); ok {
			if err := m.Maintain(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	loaded[tag] = svc
	return svc
}

// Bench runs the core benchmarks of issue 3 against a store.
func Bench(b *testing.B, open BenchOpener) {
	b.Run("BulkLoad", func(b *testing.B) {
		spec, tag := BenchSpec()
		spec.Issues, spec.Messages, spec.Users, spec.Files = spec.Issues/10, spec.Messages/10, spec.Users/10, spec.Files/10
		for i := 0; i < b.N; i++ {
			store := open(b, "load-"+tag, true)
			clock := benchdata.NewClock(time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), 30*time.Second)
			svc, err := benchdata.PythonDev(context.Background(), store, clock.Now)
			if err != nil {
				b.Fatal(err)
			}
			st, err := benchdata.Load(context.Background(), svc, spec, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(st.MessagesPerSecond(), "msgs/s")
			store.Close()
		}
	})
	svc := Loaded(b, open)
	ctx := context.Background()
	spec, _ := BenchSpec()
	// Issues with at least five messages, for the "issue page" read.
	var withFive []string
	svc.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		ids, _, err := tx.Filter("issue", &tracker.Filter{Limit: 2000})
		if err != nil {
			b.Fatal(err)
		}
		items, err := tx.GetMany("issue", ids, []string{"messages"})
		if err != nil {
			b.Fatal(err)
		}
		for _, it := range items {
			if len(it.IDs("messages")) >= 5 {
				withFive = append(withFive, it.ID)
			}
		}
		return nil
	})
	if len(withFive) == 0 {
		b.Fatal("no issue with 5 messages in the data set")
	}
	b.Run("GetIssueWithMessagesAndJournal", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			id := withFive[r.IntN(len(withFive))]
			err := svc.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
				it, err := tx.Get("issue", id)
				if err != nil {
					return err
				}
				msgs, err := tx.GetMany("msg", it.IDs("messages"), nil)
				if err != nil {
					return err
				}
				for _, m := range msgs {
					if _, err := tx.Content("msg", m.ID); err != nil {
						return err
					}
				}
				_, err = tx.Journal("issue", id)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	filterOpen := func(b *testing.B) {
		err := svc.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
			ids, total, err := tx.Filter("issue", &tracker.Filter{Spec: map[string][]string{"status": {"open"}},
				Sort: tracker.ParseSort("-activity"), Limit: 50, Count: true})
			if err == nil && (len(ids) != min(50, total) || total < spec.Issues/5) {
				err = fmt.Errorf("got %d ids, total %d", len(ids), total)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	// Between writes the total comes from the stores' count cache...
	b.Run("FilterOpenByActivityPage50", func(b *testing.B) {
		for b.Loop() {
			filterOpen(b)
		}
	})
	// ...and after one it is counted again: an untimed item write before
	// each timed filter.
	b.Run("FilterOpenByActivityPage50AfterWrite", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			err := svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
				return tx.Set("issue", withFive[i%len(withFive)], tracker.Values{"title": fmt.Sprintf("benchmark write %d", i)})
			})
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			filterOpen(b)
		}
	})
	b.Run("FullTextCommonWordPage50", func(b *testing.B) {
		for b.Loop() {
			err := svc.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
				ids, total, err := tx.Filter("issue", &tracker.Filter{Text: benchdata.CommonWord,
					Sort: tracker.ParseSort("-activity"), Limit: 50, Count: true})
				if err == nil && (len(ids) != min(50, total) || total < spec.Issues/10) {
					err = fmt.Errorf("got %d ids, total %d", len(ids), total)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
