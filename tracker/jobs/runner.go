package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
)

// Options are a Runner's dependencies and timing; tests inject the clock
// and the tick source.
type Options struct {
	// Mailer renders the weekly summary mail (required when the summary
	// is enabled and has recipients).
	Mailer *notify.Mailer
	// Now is the clock that decides which slot is due and how old an
	// issue is (default: the service's clock).
	Now func() time.Time
	// Tick wakes Run to look for due jobs (default: every minute).
	Tick <-chan time.Time
	// Holder names this process in leases and job state (default
	// HOST:PID:RANDOM).
	Holder string
	// LeaseTTL is how long the lease of a running job lasts without
	// renewal; it is renewed every third of it while the job runs
	// (default 10 min).
	LeaseTTL time.Duration
	// RetryAfter is how long this process waits before trying a failed
	// job again (default 15 min).
	RetryAfter time.Duration
}

// Runner runs the periodic jobs on their schedules. Of several Runners
// on one database (one per process), one runs a job for a given slot.
type Runner struct {
	svc    *tracker.Service
	cfg    Config
	mailer *notify.Mailer
	now    func() time.Time
	tick   <-chan time.Time
	holder string
	ttl    time.Duration
	retry  time.Duration
	log    *slog.Logger
	jobs   []job

	// pass serialises RunDue: a lease is held per process (holder), so
	// two passes of one Runner must not overlap. It guards failed.
	pass   sync.Mutex
	failed map[string]time.Time // job -> no retry before
}

// job is one periodic job.
type job struct {
	name     string
	schedule Schedule
	// run does the work due at slot.
	run func(ctx context.Context, slot time.Time) error
	// records says run records its state itself, in the transaction
	// that commits its effect; otherwise the Runner records it after
	// run returns nil.
	records bool
}

// New returns a Runner of the jobs cfg enables on svc. A nil log
// discards.
func New(svc *tracker.Service, cfg Config, opts Options, log *slog.Logger) (*Runner, error) {
	cfg.defaults()
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Runner{svc: svc, cfg: cfg, mailer: opts.Mailer, now: opts.Now, tick: opts.Tick, holder: opts.Holder,
		ttl: opts.LeaseTTL, retry: opts.RetryAfter, log: log, failed: map[string]time.Time{}}
	if r.now == nil {
		r.now = svc.Now
	}
	if r.holder == "" {
		r.holder = defaultHolder()
	}
	if r.ttl <= 0 {
		r.ttl = 10 * time.Minute
	}
	if r.retry <= 0 {
		r.retry = 15 * time.Minute
	}
	if cfg.enabled(ClosePending) {
		r.add(job{name: ClosePending, schedule: Daily(cfg.ClosePendingHour, cfg.Location), run: r.closePending})
	}
	if cfg.enabled(Summary) {
		switch {
		case len(cfg.SummaryTo) == 0:
			log.Info("weekly summary off: [jobs] summary_to is not set")
		case opts.Mailer == nil:
			return nil, errors.New("jobs: the weekly summary needs a mailer")
		default:
			r.add(job{name: Summary, schedule: Weekly(cfg.SummaryDay, cfg.SummaryHour, cfg.Location), run: r.summary, records: true})
		}
	}
	if cfg.enabled(ExpireKeys) {
		r.add(job{name: ExpireKeys, schedule: Hourly(), run: r.expireKeys})
	}
	return r, nil
}

func defaultHolder() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}

func (r *Runner) add(j job) { r.jobs = append(r.jobs, j) }

// Jobs returns the names of the jobs this Runner runs.
func (r *Runner) Jobs() []string {
	out := make([]string, len(r.jobs))
	for i, j := range r.jobs {
		out[i] = j.name
	}
	return out
}

// Run runs due jobs now and at every tick until ctx ends.
func (r *Runner) Run(ctx context.Context) error {
	tick := r.tick
	if tick == nil {
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		tick = t.C
	}
	for {
		if err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("periodic jobs", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick:
		}
	}
}

// RunDue makes one pass: every job whose current slot has not been
// completed — by this process or another — runs now, one after the
// other. A job that fails is logged, retried by this process after
// Options.RetryAfter, and does not keep the others from running. Passes
// of one Runner run one at a time.
func (r *Runner) RunDue(ctx context.Context) error {
	r.pass.Lock()
	defer r.pass.Unlock()
	var errs []error
	for _, j := range r.jobs {
		if ctx.Err() != nil {
			break
		}
		if err := r.runIfDue(ctx, j); err != nil {
			errs = append(errs, fmt.Errorf("job %s: %w", j.name, err))
		}
	}
	return errors.Join(errs...)
}

func (r *Runner) runIfDue(ctx context.Context, j job) error {
	now := r.now()
	slot := j.schedule(now)
	if r.waiting(j.name, now) {
		return nil
	}
	if done, err := r.done(ctx, j.name, slot); err != nil || done {
		return err
	}
	release, ok, err := r.lease(ctx, j.name)
	if err != nil {
		return err
	}
	if !ok {
		r.log.Debug("job running in another process", "job", j.name, "slot", slot)
		return nil
	}
	defer release()
	// Another process may have completed the slot between the first
	// look and the lease.
	if done, err := r.done(ctx, j.name, slot); err != nil || done {
		return err
	}
	jctx, stop := r.keepLease(ctx, j.name)
	defer stop()
	log := r.log.With("job", j.name, "slot", slot.Format(time.RFC3339))
	log.Info("job starting")
	if err := j.run(jctx, slot); err != nil {
		r.failed[j.name] = now.Add(r.retry)
		return err
	}
	delete(r.failed, j.name)
	if !j.records {
		err := r.svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
			return writeState(tx, j.name, r.stateFor(slot))
		})
		if err != nil {
			return err
		}
	}
	log.Info("job done")
	return nil
}

// waiting reports whether a failed job's retry delay is still running.
func (r *Runner) waiting(name string, now time.Time) bool {
	return now.Before(r.failed[name])
}

// done reports whether the job completed slot (or a later one).
func (r *Runner) done(ctx context.Context, name string, slot time.Time) (bool, error) {
	var st state
	err := r.svc.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		st, err = readState(tx, name)
		return err
	})
	return !st.Slot.Before(slot), err
}

func (r *Runner) stateFor(slot time.Time) state {
	return state{Slot: slot, RanAt: r.now(), Holder: r.holder}
}

func leaseName(job string) string { return "job:" + job }

// lease takes the job's lease; ok is false when another process holds
// it. Stores without leases (one process only) run every job.
func (r *Runner) lease(ctx context.Context, name string) (release func(), ok bool, err error) {
	l, has := r.svc.Store().(tracker.Leaser)
	if !has {
		return func() {}, true, nil
	}
	ok, err = l.Lease(ctx, leaseName(name), r.holder, r.ttl)
	if err != nil || !ok {
		return nil, false, err
	}
	release = func() {
		// An expired lease is free for the next taker.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, err := l.Lease(rctx, leaseName(name), r.holder, -time.Millisecond); err != nil {
			r.log.Warn("releasing job lease", "job", name, "error", err)
		}
	}
	return release, true, nil
}

// keepLease renews the job's lease while it runs; the job's context ends
// if the lease is lost (another process may then start the job).
func (r *Runner) keepLease(ctx context.Context, name string) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	l, has := r.svc.Store().(tracker.Leaser)
	if !has {
		return ctx, cancel
	}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(r.ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				ok, err := l.Lease(ctx, leaseName(name), r.holder, r.ttl)
				if ctx.Err() != nil {
					return
				}
				if err != nil || !ok {
					r.log.Error("job lease lost; stopping the job", "job", name, "error", err)
					cancel()
					return
				}
			}
		}
	}()
	return ctx, func() { cancel(); <-stopped }
}
