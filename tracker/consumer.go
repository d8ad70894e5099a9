package tracker

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// claimBatch is how many events a consumer claims at a time: small, as
// the claimed events of a process that dies wait for their lease to end
// before another process takes them; a claim is one cheap query.
const claimBatch = 10

// ConsumerCounts are running totals of the events consumers handled, by
// outcome, for metrics; several consumers (one per reload) may share one.
type ConsumerCounts struct {
	Delivered, Deferred, Failed atomic.Int64
}

// Consumer delivers outbox events of some kinds through a handler after
// they were committed: nosy mail (tracker/notify), IRC announcements
// (tracker/announce). It claims due events — several consumers, even in
// several processes on PostgreSQL, never take the same one, and events
// of one key go out in order — then marks them done, retries temporary
// failures with jittered exponential backoff (the event stays at the
// head of its key, so order is kept), and parks permanent failures as
// "failed", visible in the outbox, never dropped silently. A crash
// between delivery and marking repeats the delivery once the lease ends;
// a stop (ctx cancelled) is not a crash: the delivery in hand is
// finished and marked, and the rest of the claimed batch is handed back
// at once for other workers.
type Consumer struct {
	ob        Outbox
	store     Store
	name      string
	kinds     []string
	handle    func(context.Context, *OutboxEvent) error
	temporary func(error) bool
	log       *slog.Logger
	wake      chan struct{}

	// Lease is how long a claim holds (default 5 min).
	Lease time.Duration
	// Backoff gives the wait before attempt n+1 (default: 30 s doubling,
	// jittered, capped at 1 h).
	Backoff func(attempts int) time.Duration
	// MaxAttempts parks an event after that many temporary failures
	// (default 100, about four days).
	MaxAttempts int
	// Poll is the fallback wake-up interval for events committed by
	// other processes (default 5 s).
	Poll time.Duration
	// Counts, when set, is told each event's outcome.
	Counts *ConsumerCounts
	// Finish is how long a delivery already begun may go on after the
	// context of Run or Drain is cancelled (default 10 s, the drain time
	// of the daemons' SIGTERM).
	Finish time.Duration
}

// NewConsumer returns a consumer named name (recorded on claims) for the
// given kinds; temporary tells retryable errors from permanent ones. It
// wakes up on every commit of svc.
func NewConsumer(svc *Service, name string, kinds []string, handle func(context.Context, *OutboxEvent) error,
	temporary func(error) bool, log *slog.Logger) *Consumer {
	if log == nil {
		log = svc.Logger()
	}
	c := &Consumer{ob: svc.Store().Outbox(), store: svc.Store(), name: name, kinds: kinds, handle: handle, temporary: temporary,
		log: log, wake: make(chan struct{}, 1), Lease: 5 * time.Minute, MaxAttempts: 100, Poll: 5 * time.Second,
		Finish: 10 * time.Second}
	c.Backoff = func(n int) time.Duration {
		d := 30 * time.Second << min(max(n-1, 0), 7)
		d = min(d, time.Hour)
		return d/2 + rand.N(d/2+1)
	}
	svc.OnCommit(c.Wake)
	return c
}

// Wake makes Run look for events now.
func (c *Consumer) Wake() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Run delivers events until ctx ends.
func (c *Consumer) Run(ctx context.Context) error {
	t := time.NewTicker(c.Poll)
	defer t.Stop()
	var remote <-chan struct{}
	if w, ok := c.store.(Waker); ok {
		remote = w.Wakeups(ctx)
	}
	for {
		if _, err := c.Drain(ctx); err != nil && ctx.Err() == nil {
			c.log.Error("outbox consumer", "consumer", c.name, "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-c.wake:
		case <-remote:
		case <-t.C:
		}
	}
}

// Drain delivers every due event and returns how many it handled; a
// one-shot process calls it before exiting so its own changes' events
// go out, as Roundup's reactors did. When ctx ends, the event in hand is
// still finished (see deliver) and the other claimed ones are released.
func (c *Consumer) Drain(ctx context.Context) (int, error) {
	n := 0
	for {
		evs, err := c.ob.Claim(ctx, c.name, c.kinds, claimBatch, c.Lease)
		if err != nil {
			return n, err
		}
		if len(evs) == 0 {
			return n, nil
		}
		for i, ev := range evs {
			if ctx.Err() != nil {
				c.release(evs[i:])
				return n, ctx.Err()
			}
			c.deliver(ctx, ev)
			n++
		}
	}
}

// release hands claimed events not yet begun back to the outbox, due
// now, so that another worker takes them instead of waiting for their
// lease to end; their last error stays.
func (c *Consumer) release(evs []*OutboxEvent) {
	ctx, cancel := context.WithTimeout(context.Background(), c.Finish)
	defer cancel()
	for _, ev := range evs {
		if err := c.ob.Retry(ctx, ev.ID, time.Now(), ev.LastErr); err != nil {
			c.log.Warn("releasing outbox event", "consumer", c.name, "event", ev.ID, "error", err)
		}
	}
}

// deliver hands one claimed event to the handler and records the
// outcome. Once begun it is finished even when ctx is cancelled (a
// SIGTERM), for up to c.Finish more: cut off between sending and marking
// it done, the event would stay claimed until its lease ran out and then
// be sent again, repeating the mails that had gone out.
func (c *Consumer) deliver(parent context.Context, ev *OutboxEvent) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	defer cancel()
	stop := context.AfterFunc(parent, func() { time.AfterFunc(c.Finish, cancel) })
	defer stop()
	err := c.handle(ctx, ev)
	log := c.log.With("consumer", c.name, "event", ev.ID, "kind", ev.Kind, "key", ev.Key, "attempt", ev.Attempts, "request_id", ev.Trace)
	var st error
	var count *atomic.Int64
	switch {
	case err == nil:
		st = c.ob.Done(ctx, ev.ID)
		log.Debug("event delivered")
		if c.Counts != nil {
			count = &c.Counts.Delivered
		}
	case c.temporary(err) && ev.Attempts < c.MaxAttempts:
		at := time.Now().Add(c.Backoff(ev.Attempts))
		log.Warn("event deferred", "retry_at", at.UTC().Format(time.RFC3339), "error", err)
		st = c.ob.Retry(ctx, ev.ID, at, err.Error())
		if c.Counts != nil {
			count = &c.Counts.Deferred
		}
	default:
		log.Error("event failed", "error", err)
		st = c.ob.Fail(ctx, ev.ID, err.Error())
		if c.Counts != nil {
			count = &c.Counts.Failed
		}
	}
	if count != nil {
		count.Add(1)
	}
	if st != nil {
		log.Error("updating outbox", "error", st)
	}
}
