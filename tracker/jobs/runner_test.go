package jobs

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// counter is a daily test job that counts its runs per slot; while gate
// is not nil a run waits for it to close.
type counter struct {
	mu      sync.Mutex
	runs    map[time.Time]int
	gate    chan struct{}
	started chan struct{}
	fail    int // runs left that fail
}

func (c *counter) job() job {
	return job{name: "count", schedule: Daily(0, time.UTC), run: func(ctx context.Context, slot time.Time) error {
		c.mu.Lock()
		gate, started := c.gate, c.started
		c.mu.Unlock()
		if started != nil {
			close(started)
		}
		if gate != nil {
			<-gate
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		c.runs[slot]++
		if c.fail > 0 {
			c.fail--
			return errors.New("failing as told")
		}
		return nil
	}}
}

func (c *counter) count(slot time.Time) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.runs[slot]
}

// processes returns two Runners of the counting job, each on its own
// Service over the env's store: two server processes on one database.
func processes(t *testing.T, e *env, c *counter, opts Options) [2]*Runner {
	t.Helper()
	var rs [2]*Runner
	for i, holder := range []string{"process-1", "process-2"} {
		o := opts
		o.Holder = holder
		r, err := New(e.service(t), Config{Enabled: []string{}}, o, nil)
		if err != nil {
			t.Fatal(err)
		}
		r.add(c.job())
		rs[i] = r
	}
	return rs
}

// TestRunnerOncePerSlot: two processes on one database run a job once
// per slot — concurrent passes, a pass while the other process holds the
// job, and passes after it finished all leave one run — and both may run
// the next slot's.
func TestRunnerOncePerSlot(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		day1, day2 := date(2026, 12, 1, 0, 0), date(2026, 12, 2, 0, 0)
		e := newEnv(t, pg, day1.Add(time.Hour))
		c := &counter{runs: map[time.Time]int{}}
		rs := processes(t, e, c, Options{})

		var wg sync.WaitGroup
		var errs atomic.Int32
		for i := range 8 {
			wg.Go(func() {
				if err := rs[i%2].RunDue(e.Ctx); err != nil {
					t.Error(err)
					errs.Add(1)
				}
			})
		}
		wg.Wait()
		if got := c.count(day1); got != 1 {
			t.Errorf("runs of the %s slot after 8 concurrent passes = %d, want 1", day1.Format(time.DateOnly), got)
		}

		// While process 1 runs the next slot's job, process 2 passes
		// (the lease is held), and again after it finished (the slot is
		// recorded).
		e.clock.Set(day2.Add(time.Hour))
		c.gate, c.started = make(chan struct{}), make(chan struct{})
		done := make(chan error)
		go func() { done <- rs[0].RunDue(e.Ctx) }()
		<-c.started
		c.mu.Lock()
		c.started = nil
		c.mu.Unlock()
		if err := rs[1].RunDue(e.Ctx); err != nil {
			t.Fatal(err)
		}
		close(c.gate)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		c.gate = nil
		if err := rs[1].RunDue(e.Ctx); err != nil {
			t.Fatal(err)
		}
		if got := c.count(day2); got != 1 {
			t.Errorf("runs of the %s slot = %d, want 1", day2.Format(time.DateOnly), got)
		}
		var st state
		if err := e.svc.Read(e.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
			var err error
			st, err = readState(tx, "count")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !st.Slot.Equal(day2) || st.Holder != "process-1" {
			t.Errorf("state of the job = %+v, want slot %s by process-1", st, day2)
		}
	})
}

// TestRunnerRetry: a failed job is tried again by its process only after
// RetryAfter, while the other process may try at once; other jobs of the
// pass still run.
func TestRunnerRetry(t *testing.T) {
	day := date(2026, 12, 1, 0, 0)
	e := newEnv(t, false, day.Add(time.Hour))
	c := &counter{runs: map[time.Time]int{}, fail: 2}
	rs := processes(t, e, c, Options{RetryAfter: 10 * time.Minute})
	other := &counter{runs: map[time.Time]int{}}
	j := other.job()
	j.name = "other"
	rs[0].add(j)

	if err := rs[0].RunDue(e.Ctx); err == nil {
		t.Error("RunDue with a failing job: no error")
	}
	if got := other.count(day); got != 1 {
		t.Errorf("runs of the other job after the first failed = %d, want 1", got)
	}
	pass := func(r *Runner, at time.Time, wantRuns int) {
		t.Helper()
		e.clock.Set(at)
		_ = r.RunDue(e.Ctx)
		if got := c.count(day); got != wantRuns {
			t.Errorf("runs after a pass of %s at %s = %d, want %d", r.holder, at.Format(time.TimeOnly), got, wantRuns)
		}
	}
	pass(rs[0], day.Add(time.Hour+5*time.Minute), 1) // waits
	pass(rs[1], day.Add(time.Hour+5*time.Minute), 2) // fails too
	pass(rs[0], day.Add(time.Hour+11*time.Minute), 3)
	pass(rs[1], day.Add(time.Hour+12*time.Minute), 3) // done
}

// TestRun: Run passes at start and at every tick, and returns when its
// context ends.
func TestRun(t *testing.T) {
	day1 := date(2026, 12, 1, 0, 0)
	e := newEnv(t, false, day1.Add(time.Hour))
	c := &counter{runs: map[time.Time]int{}}
	tick := make(chan time.Time)
	r := processes(t, e, c, Options{Tick: tick})[0]
	ctx, cancel := context.WithCancel(e.Ctx)
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()
	tick <- time.Time{} // received after the first pass
	e.clock.Set(day1.AddDate(0, 0, 1).Add(time.Hour))
	// The second pass may see either day; the third, received after
	// the second and before the fourth, sees the next day.
	tick <- time.Time{}
	tick <- time.Time{}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if got, got2 := c.count(day1), c.count(day1.AddDate(0, 0, 1)); got != 1 || got2 != 1 {
		t.Errorf("runs per slot = %d, %d, want 1, 1", got, got2)
	}
}

// TestNewJobs: the jobs a Config enables.
func TestNewJobs(t *testing.T) {
	e := newEnv(t, false, date(2026, 12, 1, 0, 0))
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string
	}{
		{"defaults without recipients", Config{}, []string{ClosePending, ExpireKeys}},
		{"defaults", Config{SummaryTo: []string{"python-dev@example.org"}}, []string{ClosePending, Summary, ExpireKeys}},
		{"none", Config{Enabled: []string{}}, []string{}},
		{"expiry only", Config{Enabled: []string{ExpireKeys}, SummaryTo: []string{"python-dev@example.org"}}, []string{ExpireKeys}},
	} {
		r := e.runner(t, nil, tc.cfg, "p")
		if got := r.Jobs(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Jobs() = %v, want %v", tc.name, got, tc.want)
		}
	}
	if _, err := New(e.svc, Config{SummaryTo: []string{"python-dev@example.org"}}, Options{}, nil); err == nil {
		t.Error("New with a summary and no mailer: no error")
	}
	if _, err := New(e.svc, Config{Enabled: []string{"cleanup"}}, Options{}, nil); err == nil {
		t.Error("New with an unknown job: no error")
	}
}
