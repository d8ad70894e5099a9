package main

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/metrics"
	"github.com/corral-tracker/corral/tracker"
)

// outboxKinds and outboxStates are the label values of the outbox
// gauges: every kind of event the tracker queues, in the states an
// event waits in (delivered events leave the outbox).
var (
	outboxKinds  = []string{tracker.EventNosy, tracker.EventMail, tracker.EventCopy, tracker.EventIrker}
	outboxStates = []string{"pending", "claimed", "failed"}
)

// outboxCache reads a tracker's outbox statistics at most every few
// seconds however often /metrics is scraped: the query counts a table.
type outboxCache struct {
	svc *tracker.Service
	mu  sync.Mutex
	at  time.Time
	st  tracker.OutboxStats
}

func (c *outboxCache) get() tracker.OutboxStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) < 5*time.Second {
		return c.st
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := c.svc.Store().Outbox().Stats(ctx)
	if err != nil {
		st = tracker.OutboxStats{Count: map[string]int{}} // the gauges read 0; /readyz tells why
	}
	c.st, c.at = st, time.Now()
	return st
}

// registerTrackerMetrics adds each tracker's outbox, worker and database
// pool series to reg:
//
//   - corral_outbox_events{tracker,kind,state}: events waiting (mail
//     "nosy"/"mail"/"copy", IRC "irker"; "failed" are parked for good);
//   - corral_outbox_oldest_seconds{tracker}: age of the oldest waiting
//     event — a stuck worker shows as a growing age;
//   - corral_worker_events_total{tracker,worker,outcome}: events this
//     process's mail and IRC workers delivered, deferred or failed;
//   - corral_db_connections{tracker,pool,state} and
//     corral_db_wait_seconds_total{tracker,pool}: database/sql pool use.
func registerTrackerMetrics(reg *metrics.Registry, fl *fleet) {
	for _, t := range fl.trackers {
		name := displayName(t.spec.name)
		tl := metrics.L("tracker", name)
		oc := &outboxCache{svc: t.home.Service}
		for _, k := range outboxKinds {
			for _, s := range outboxStates {
				key := k + "/" + s
				reg.GaugeFunc("corral_outbox_events", "Events waiting in the outbox, by kind and state.",
					func() float64 { return float64(oc.get().Count[key]) }, tl, metrics.L("kind", k), metrics.L("state", s))
			}
		}
		reg.GaugeFunc("corral_outbox_oldest_seconds", "Age of the oldest pending or claimed outbox event (0 when none).",
			func() float64 {
				if o := oc.get().Oldest; !o.IsZero() {
					return time.Since(o).Seconds()
				}
				return 0
			}, tl)
		for _, w := range []struct {
			name string
			c    *tracker.ConsumerCounts
		}{{"mail", &t.mailCounts}, {"irc", &t.ircCounts}} {
			wl := metrics.L("worker", w.name)
			reg.CounterFunc("corral_worker_events_total", "Outbox events handled by this process's workers, by outcome.",
				func() float64 { return float64(w.c.Delivered.Load()) }, tl, wl, metrics.L("outcome", "delivered"))
			reg.CounterFunc("corral_worker_events_total", "Outbox events handled by this process's workers, by outcome.",
				func() float64 { return float64(w.c.Deferred.Load()) }, tl, wl, metrics.L("outcome", "deferred"))
			reg.CounterFunc("corral_worker_events_total", "Outbox events handled by this process's workers, by outcome.",
				func() float64 { return float64(w.c.Failed.Load()) }, tl, wl, metrics.L("outcome", "failed"))
		}
		pools := []struct {
			name string
			db   *sql.DB
		}{{"write", t.home.Store.DB()}}
		if r := t.home.Store.ReadDB(); r != t.home.Store.DB() {
			pools = append(pools, struct {
				name string
				db   *sql.DB
			}{"read", r})
		}
		for _, p := range pools {
			pl := metrics.L("pool", p.name)
			reg.GaugeFunc("corral_db_connections", "Database connections by pool and state.",
				func() float64 { return float64(p.db.Stats().InUse) }, tl, pl, metrics.L("state", "in_use"))
			reg.GaugeFunc("corral_db_connections", "Database connections by pool and state.",
				func() float64 { return float64(p.db.Stats().Idle) }, tl, pl, metrics.L("state", "idle"))
			reg.CounterFunc("corral_db_wait_seconds_total", "Time spent waiting for a free database connection.",
				func() float64 { return p.db.Stats().WaitDuration.Seconds() }, tl, pl)
		}
	}
}
