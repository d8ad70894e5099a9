package ircgw

import (
	"context"
	"time"

	"golang.org/x/time/rate"
)

// pacer is a connection's token bucket: LineBurst lines at once, then
// LineRate per second (irkerd paces 1 line/s per connection; a server's
// flood limit disconnects a client that sends faster). Its clock is a
// field so that tests check the schedule on a fake one.
type pacer struct {
	lim *rate.Limiter
	clk clock
}

// clock is the time source of a pacer: now, and sleep for d unless ctx
// ends first.
type clock interface {
	now() time.Time
	sleep(ctx context.Context, d time.Duration) error
}

// wallClock is the real clock.
type wallClock struct{}

func (wallClock) now() time.Time { return time.Now() }

func (wallClock) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// newPacer paces at rate lines per second (negative: no limit) after
// burst lines.
func newPacer(lineRate float64, burst int, clk clock) *pacer {
	lim := rate.Limit(lineRate)
	if lineRate < 0 {
		lim = rate.Inf
	}
	return &pacer{lim: rate.NewLimiter(lim, burst), clk: clk}
}

// wait takes one token, sleeping until it is due; a cancelled wait gives
// its token back.
func (p *pacer) wait(ctx context.Context) error {
	now := p.clk.now()
	res := p.lim.ReserveN(now, 1)
	d := res.DelayFrom(now)
	if d == 0 {
		return nil
	}
	if err := p.clk.sleep(ctx, d); err != nil {
		res.CancelAt(p.clk.now())
		return err
	}
	return nil
}
