package web

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"
)

// restRateLimit applies [web] api_calls_per_interval per user (per
// client address for anonymous calls) with Roundup's GCRA
// (roundup/rate_limit.py, rest.py handle_apiRateLimitExceeded): every
// answer carries X-RateLimit-Limit, -Limit-Period, -Remaining and
// -Reset; a call over the limit is 429 with Retry-After and Roundup's
// message. The state is in memory, per process.
func (s *Site) restRateLimit(q *rq, rr *restReq) error {
	rs := s.rest
	n := rs.cfg.CallsPerInterval
	if n <= 0 {
		return nil
	}
	key := "user:" + q.uid
	if q.anonymous() {
		key = "addr:" + clientAddr(q.r)
	}
	period := rs.cfg.Interval
	inverse := period / time.Duration(n)
	now := s.now()

	rs.mu.Lock()
	if len(rs.tat) > 10000 {
		for k, t := range rs.tat {
			if t.Before(now) {
				delete(rs.tat, k)
			}
		}
	}
	tat := rs.tat[key]
	if tat.Before(now) {
		tat = now
	}
	maxSep := period - inverse
	reject := tat.Sub(now) > maxSep
	if !reject {
		tat = tat.Add(inverse)
		rs.tat[key] = tat
	}
	rs.mu.Unlock()

	h := q.w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(n))
	h.Set("X-RateLimit-Limit-Period", strconv.Itoa(int(period.Seconds())))
	remaining := int((period - tat.Sub(now)) / inverse)
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, min(remaining, n))))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(max(tat.Sub(now).Seconds(), 0), 'f', -1, 64))
	if !reject {
		return nil
	}
	wait := int(math.Ceil((tat.Sub(now) - maxSep).Seconds()))
	wait = max(wait, 1)
	h.Set("Retry-After", strconv.Itoa(wait))
	return &restStatus{status: http.StatusTooManyRequests, msg: "Api rate limits exceeded. Please wait: " + strconv.Itoa(wait) + " seconds.", source: "ApiRateLimiter"}
}

// failureLimiter returns the failed-login bucket for key ([web]
// api_failed_login_limit per api_failed_login_interval_in_sec); nil when
// the limiter is off.
func (rs *restState) failureLimiter(key string) *rate.Limiter {
	n := rs.cfg.FailedLoginLimit
	if n < 0 {
		return nil
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	l := rs.failures[key]
	if l == nil {
		if len(rs.failures) > 10000 {
			rs.failures = map[string]*rate.Limiter{}
		}
		l = rate.NewLimiter(rate.Every(rs.cfg.FailedLoginInterval/time.Duration(n)), n)
		rs.failures[key] = l
	}
	return l
}

// lockedOut reports whether any of the keys has used up its failed
// logins, and how long until one more attempt is allowed. As in Roundup,
// a locked-out account is refused even with the right password.
func (rs *restState) lockedOut(now time.Time, keys ...string) (bool, time.Duration) {
	for _, k := range keys {
		l := rs.failureLimiter(k)
		if l == nil {
			return false, 0
		}
		if l.TokensAt(now) < 1 {
			wait := time.Duration((1 - l.TokensAt(now)) / float64(l.Limit()) * float64(time.Second))
			return true, wait
		}
	}
	return false, 0
}

// failed records a failed login against each key.
func (rs *restState) failed(now time.Time, keys ...string) {
	for _, k := range keys {
		if l := rs.failureLimiter(k); l != nil {
			l.AllowN(now, 1)
		}
	}
}
