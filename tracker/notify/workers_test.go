package notify

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/store/postgres"
)

// TestTwoWorkersPostgres: two workers (two mailers, as in two processes)
// drain one PostgreSQL outbox concurrently; every notification reaches
// each recipient exactly once.
func TestTwoWorkersPostgres(t *testing.T) {
	dsn := os.Getenv("CORRAL_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("CORRAL_TEST_POSTGRES not set")
	}
	ctx := context.Background()
	schema := fmt.Sprintf("corral_notify_test_%d", time.Now().UnixNano()%1e9)
	store, err := postgres.Open(ctx, dsn, postgres.Options{Schema: schema, MaxConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		store.Close()
		if c, err := pgx.Connect(ctx, dsn); err == nil {
			c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			c.Close(ctx)
		}
	})
	tt := newTrackerOn(t, store, map[string]string{"add_author": "yes"}, nil)
	s := newSink(t)
	alice, bob := tt.user(t, "alice"), tt.user(t, "bob")
	const issues, replies = 10, 5
	for i := 0; i < issues; i++ {
		iss := tt.post(t, "carol", "", fmt.Sprintf("issue %d msg 0", i), "", tracker.Values{"title": "t", "nosy": []string{alice, bob}})
		for r := 1; r < replies; r++ {
			tt.post(t, "carol", iss, fmt.Sprintf("issue %d msg %d", i, r), "", nil)
		}
	}
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		m := NewMailer(tt.svc, tt.mailer.cfg, s.transport(), nil)
		worker := NewWorker(m, fmt.Sprintf("w%d", w))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if _, err := worker.Drain(ctx); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	count := map[string]int{}
	for _, m := range s.mails() {
		b := body(t, m.data)
		i := strings.Index(b, "issue ")
		key := m.to[0] + " " + strings.SplitN(b[i:], "\n", 2)[0]
		count[key]++
	}
	for i := 0; i < issues; i++ {
		for r := 0; r < replies; r++ {
			for _, who := range []string{"alice@example.com", "bob@example.com"} {
				k := fmt.Sprintf("%s issue %d msg %d", who, i, r)
				if count[k] != 1 {
					t.Errorf("%s delivered %d times, want once", k, count[k])
				}
			}
		}
	}
	if len(s.mails()) != issues*replies*2 {
		t.Errorf("%d mails, want %d", len(s.mails()), issues*replies*2)
	}
}

// BenchmarkNotifySMTP renders notifications and hands them to a local
// SMTP sink (one mail per recipient): mails/s on SQLite. Each round posts
// a reply to an issue with 10 nosy users (not timed: that is the web's
// or the gateway's work) and then drains the outbox (timed): mails/s is
// the mailer's rate, mails/s-with-post the whole round's.
func BenchmarkNotifySMTP(b *testing.B) {
	tt := newTrackerB(b)
	s := newSink(b)
	tt.mailer.tr = s.transport()
	var nosy []string
	for i := 0; i < 10; i++ {
		nosy = append(nosy, tt.addUser(b, fmt.Sprintf("u%d", i)))
	}
	iss := tt.post(b, "carol", "", "start", "", tracker.Values{"title": "bench", "nosy": nosy})
	tt.drain(b)
	before := len(s.mails())
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		tt.post(b, "carol", iss, fmt.Sprintf("reply %d", i), "", nil)
		b.StartTimer()
		tt.drain(b)
	}
	b.StopTimer()
	sent := float64(len(s.mails()) - before)
	if sent < float64(10*b.N) {
		b.Fatalf("%v mails for %d replies to 10 nosy users", sent, b.N)
	}
	b.ReportMetric(sent/b.Elapsed().Seconds(), "mails/s")
	b.ReportMetric(sent/time.Since(start).Seconds(), "mails/s-with-post")
}
