package poll

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff is a jittered exponential delay between reconnect attempts, so
// that several pollers that lost the same server do not return in step.
type backoff struct {
	min, max time.Duration
	cur      time.Duration
}

// next returns the delay before the next attempt (between half and one
// and a half times the current step) and doubles the step up to max.
func (b *backoff) next() time.Duration {
	if b.cur < b.min {
		b.cur = b.min
	}
	d := b.cur/2 + rand.N(b.cur)
	b.cur = min(2*b.cur, b.max)
	return d
}

// reset starts again from min after a successful session.
func (b *backoff) reset() { b.cur = 0 }

// sleep waits d or until ctx ends; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
