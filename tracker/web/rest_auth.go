package web

import (
	"crypto/sha256"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// basicTTL is how long verified Basic credentials are remembered: a
// REST client sends them with every call, and PBKDF2 with 250000 rounds
// costs tens of milliseconds each time.
const basicTTL = 10 * time.Minute

type basicEntry struct {
	uid     string
	expires time.Time
}

// credentials authenticates the credentials a request carries, for
// every page and the REST API (called by authenticate):
//
//   - "Authorization: Bearer TOKEN": an API token (rest_tokens.go);
//   - HTTP Basic, when [web] http_auth is on: the user's password.
//
// Wrong credentials count against [web] api_failed_login_limit per user
// name and per client address (Roundup's API failed-login limiter); a
// name or address over the limit is refused with 429 and Retry-After
// until the bucket refills, even with the right password, as in Roundup.
// Verified Basic credentials are remembered for basicTTL (keyed by the
// stored password hash too, so a password change ends them), so only
// new credentials pay for PBKDF2 and count against [web]
// login_attempts_min. It returns "" when the request carries none.
func (s *Site) credentials(q *rq) (string, error) {
	scheme, param, _ := strings.Cut(q.r.Header.Get("Authorization"), " ")
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		return s.bearerUser(q, strings.TrimSpace(param))
	case strings.EqualFold(scheme, "Basic") && s.cfg.HTTPAuth:
		user, pw, ok := q.r.BasicAuth()
		if !ok {
			q.w.Header().Set("WWW-Authenticate", `Basic realm="`+s.cfg.TrackerName+`"`)
			return "", errStatus(http.StatusUnauthorized, "Invalid login")
		}
		return s.basicUser(q, user, pw)
	}
	return "", nil
}

// tooFast is the answer to a locked-out client (Roundup's wording).
func tooFast(q *rq, wait time.Duration) error {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	q.w.Header().Set("Retry-After", strconv.Itoa(secs))
	return errStatus(http.StatusTooManyRequests, "Logins occurring too fast. Please wait: "+strconv.Itoa(secs)+" seconds.")
}

func (s *Site) basicUser(q *rq, user, pw string) (string, error) {
	rs := s.rest
	now := s.now()
	keys := []string{"login:" + user, "addr:" + clientAddr(q.r)}
	if locked, wait := rs.lockedOut(now, keys...); locked {
		return "", tooFast(q, wait)
	}
	uid, stored := s.storedPassword(q, user)
	key := sha256.Sum256([]byte(user + "\x00" + pw + "\x00" + string(stored)))
	if uid != "" && stored != "" {
		rs.mu.Lock()
		e, ok := rs.basic[key]
		rs.mu.Unlock()
		if ok && e.uid == uid && now.Before(e.expires) {
			return uid, nil
		}
	}
	// Concurrent requests with the same new credentials (a client
	// opening several connections) wait for one verification.
	rs.mu.Lock()
	c, busy := rs.verifying[key]
	if !busy {
		c = &verification{done: make(chan struct{})}
		rs.verifying[key] = c
	}
	rs.mu.Unlock()
	if busy {
		select {
		case <-c.done:
		case <-q.ctx.Done():
			return "", q.ctx.Err()
		}
		if c.err == nil {
			return c.uid, nil
		}
	} else {
		c.uid, c.err = s.checkPassword(q, user, pw)
		rs.mu.Lock()
		delete(rs.verifying, key)
		if c.err == nil && c.uid == uid {
			if len(rs.basic) > 10000 {
				rs.basic = map[[32]byte]basicEntry{}
			}
			rs.basic[key] = basicEntry{uid: c.uid, expires: now.Add(basicTTL)}
		}
		rs.mu.Unlock()
		close(c.done)
		if c.err == nil {
			return c.uid, nil
		}
	}
	var he *httpError
	if errors.As(c.err, &he) && he.status == http.StatusUnauthorized && !busy {
		rs.failed(now, keys...)
	}
	if errors.As(c.err, &he) && he.status == http.StatusTooManyRequests {
		q.w.Header().Set("Retry-After", "60")
	}
	q.w.Header().Set("WWW-Authenticate", `Basic realm="`+s.cfg.TrackerName+`"`)
	return "", c.err
}

// verification is one password check others may wait for.
type verification struct {
	done chan struct{}
	uid  string
	err  error
}

// storedPassword reads a user's id and password hash ("" when unknown).
func (s *Site) storedPassword(q *rq, username string) (string, tracker.Password) {
	var uid string
	var stored tracker.Password
	_ = s.svc.Read(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		id, err := tx.Lookup("user", username)
		if err != nil {
			return err
		}
		u, err := tx.Get("user", id)
		if err != nil || u.Retired {
			return err
		}
		uid = id
		stored, _ = u.Values["password"].(tracker.Password)
		return nil
	})
	return uid, stored
}

// bearerUser authenticates an API token; a wrong or revoked one is 401
// with an RFC 6750 challenge.
func (s *Site) bearerUser(q *rq, token string) (string, error) {
	rs := s.rest
	now := s.now()
	addr := "addr:" + clientAddr(q.r)
	if locked, wait := rs.lockedOut(now, addr); locked {
		return "", tooFast(q, wait)
	}
	uid, err := s.tokenUser(q, token)
	if err != nil {
		return "", err
	}
	if uid == "" {
		rs.failed(now, addr)
		q.w.Header().Set("WWW-Authenticate", `Bearer realm="`+s.cfg.TrackerName+`", error="invalid_token"`)
		return "", errStatus(http.StatusUnauthorized, "Invalid login - the API token is unknown, expired or revoked")
	}
	return uid, nil
}
