package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/detectors"
)

// Kinds are the outbox event kinds the Worker delivers.
var Kinds = []string{tracker.EventNosy, tracker.EventCopy, tracker.EventMail}

// Worker delivers outbox mail events: it claims due events (several
// workers, even in several processes on PostgreSQL, never take the same
// one; events of one issue go out in order), hands them to the Mailer,
// and marks them done, retries temporary failures with exponential
// backoff (the event stays at the head of its issue's queue, so order is
// kept) and parks permanent failures as "failed" — visible, never
// dropped silently.
type Worker struct {
	m    *Mailer
	ob   tracker.Outbox
	name string
	log  *slog.Logger
	wake chan struct{}

	// Lease is how long a claim holds before another worker may take the
	// event (a crashed worker's events are delivered again).
	Lease time.Duration
	// Backoff gives the wait before attempt n+1 (default: 30 s doubling,
	// jittered, capped at 1 h).
	Backoff func(attempts int) time.Duration
	// MaxAttempts parks an event as failed after that many temporary
	// failures (default 100, about four days).
	MaxAttempts int
	// Poll is the fallback wake-up interval (events committed by other
	// processes; default 5 s).
	Poll time.Duration
}

// NewWorker returns a worker named name (shown in the outbox) that wakes
// up on every commit of the mailer's service.
func NewWorker(m *Mailer, name string) *Worker {
	w := &Worker{m: m, ob: m.svc.Store().Outbox(), name: name, log: m.log, wake: make(chan struct{}, 1),
		Lease: 5 * time.Minute, MaxAttempts: 100, Poll: 5 * time.Second}
	w.Backoff = func(n int) time.Duration {
		d := 30 * time.Second << min(n-1, 7)
		d = min(d, time.Hour)
		return d/2 + rand.N(d/2+1)
	}
	m.svc.OnCommit(w.Wake)
	return w
}

// Wake makes Run look for events now.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers events until ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		if _, err := w.Drain(ctx); err != nil && ctx.Err() == nil {
			w.log.Error("mail worker", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
		case <-t.C:
		}
	}
}

// Drain delivers every due event and returns how many it handled. A
// one-shot process (corral-mailgw on stdin, corral-admin) calls it before
// exiting so its own changes' mail goes out, as Roundup's do.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	n := 0
	for {
		evs, err := w.ob.Claim(ctx, w.name, Kinds, 50, w.Lease)
		if err != nil {
			return n, err
		}
		if len(evs) == 0 {
			return n, nil
		}
		for _, ev := range evs {
			w.handle(ctx, ev)
			n++
		}
	}
}

func (w *Worker) handle(ctx context.Context, ev *tracker.OutboxEvent) {
	err := w.deliver(ctx, ev)
	log := w.log.With("event", ev.ID, "kind", ev.Kind, "key", ev.Key, "attempt", ev.Attempts)
	var st error
	switch {
	case err == nil:
		st = w.ob.Done(ctx, ev.ID)
		log.Debug("mail delivered")
	case IsTemporary(err) && ev.Attempts < w.MaxAttempts:
		at := time.Now().Add(w.Backoff(ev.Attempts))
		log.Warn("mail deferred", "retry_at", at.UTC().Format(time.RFC3339), "error", err)
		st = w.ob.Retry(ctx, ev.ID, at, err.Error())
	default:
		log.Error("mail failed", "error", err)
		st = w.ob.Fail(ctx, ev.ID, err.Error())
	}
	if st != nil {
		log.Error("updating outbox", "error", st)
	}
}

func (w *Worker) deliver(ctx context.Context, ev *tracker.OutboxEvent) error {
	switch ev.Kind {
	case tracker.EventNosy:
		var ce tracker.ChangeEvent
		if err := json.Unmarshal(ev.Payload, &ce); err != nil {
			return &SendError{Err: fmt.Errorf("bad nosy event: %w", err)}
		}
		return w.m.Nosy(ctx, &ce)
	case tracker.EventCopy:
		var mc detectors.MailCopy
		if err := json.Unmarshal(ev.Payload, &mc); err != nil || mc.Event == nil {
			return &SendError{Err: fmt.Errorf("bad copy event: %v", err)}
		}
		return w.m.Copy(ctx, mc.To, mc.Msg, mc.Event)
	case tracker.EventMail:
		var rm RawMail
		if err := json.Unmarshal(ev.Payload, &rm); err != nil {
			return &SendError{Err: fmt.Errorf("bad mail event: %w", err)}
		}
		return w.m.sendRaw(ctx, rm)
	}
	return &SendError{Err: errors.New("unknown event kind " + ev.Kind)}
}
