package listen

import (
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// senderLimits is a token bucket per envelope sender (lower-cased; the
// null sender of bounces is one sender). Idle buckets are forgotten.
type senderLimits struct {
	limit rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*bucket
	inserts int
}

type bucket struct {
	lim  *rate.Limiter
	last time.Time
}

func newSenderLimits(limit rate.Limit, burst int) *senderLimits {
	return &senderLimits{limit: limit, burst: burst, buckets: map[string]*bucket{}}
}

// allow takes a token for sender, reporting false when it has none.
func (s *senderLimits) allow(sender string, now time.Time) bool {
	if s.limit == rate.Inf {
		return true
	}
	key := strings.ToLower(sender)
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(s.limit, s.burst)}
		s.buckets[key] = b
		if s.inserts++; s.inserts%1024 == 0 {
			s.prune(now)
		}
	}
	b.last = now
	return b.lim.AllowN(now, 1)
}

// prune drops buckets that have refilled completely: forgetting them
// changes nothing.
func (s *senderLimits) prune(now time.Time) {
	for k, b := range s.buckets {
		if b.lim.TokensAt(now) >= float64(s.burst) {
			delete(s.buckets, k)
		}
	}
}
