package web

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// SessionTTL is how long a login lasts without activity (Roundup keeps
// sessions for a week).
const SessionTTL = 7 * 24 * time.Hour

var cookieNameRE = regexp.MustCompile(`[^a-zA-Z]`)

// cookieName is Roundup's "roundup_session_" + the tracker name's letters.
func (s *Site) cookieName() string {
	return "roundup_session_" + cookieNameRE.ReplaceAllString(s.cfg.TrackerName, "")
}

// authenticate finds the visitor: HTTP Basic credentials ([web]
// http_auth) or an API bearer token, else the session cookie, else
// anonymous; then opens the request's read transaction as that user.
func (s *Site) authenticate(q *rq) error {
	// HTTP Basic and bearer tokens (rest_auth.go).
	uid, err := s.credentials(q)
	if err != nil {
		return err
	}
	q.viaBasic = uid != ""
	if uid == "" {
		if c, err := q.r.Cookie(s.cookieName()); err == nil && c.Value != "" {
			uid = s.sessionUser(q, c.Value)
		}
	}
	if uid == "" {
		id, err := s.svc.AnonymousID(q.ctx)
		if err != nil {
			return err
		}
		uid = id
	}
	tx, err := s.svc.View(q.ctx, uid)
	if err != nil {
		if errors.Is(err, tracker.ErrNotFound) {
			// A session of a user retired meanwhile: fall back.
			if id, _ := s.svc.AnonymousID(q.ctx); id != "" && id != uid {
				uid = id
				tx, err = s.svc.View(q.ctx, uid)
			}
		}
		if err != nil {
			return err
		}
	}
	q.tx, q.uid = tx, uid
	if uid != "" {
		if u, err := tx.Get("user", uid); err == nil {
			q.user = u
		}
	}
	return nil
}

func (s *Site) sessionUser(q *rq, key string) string {
	var uid string
	_ = s.svc.Read(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		sess, err := tx.GetSession(key)
		if err == nil {
			uid = sess.UserID
		}
		return nil
	})
	return uid
}

// clientAddr is the remote IP (for rate limits).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// errTooMany is answered 429 with Retry-After.
var errTooMany = errStatus(http.StatusTooManyRequests, "Too many attempts; please wait a minute and try again.")

// addrLoginFactor is how many times [web] login_attempts_min one client
// address may try per minute, whatever the user names: enough for the
// users of one office behind NAT, not for guessing passwords of many.
const addrLoginFactor = 10

// checkPassword verifies credentials, rate limited per user name ([web]
// login_attempts_min, as Roundup) and per client address (ten times
// that); the answer never tells whether the user exists (Roundup:
// "Invalid login").
func (s *Site) checkPassword(q *rq, username, password string) (string, error) {
	if !s.limiter("login:"+username).Allow() || !s.limiterN("addr:"+clientAddr(q.r), addrLoginFactor).Allow() {
		q.w.Header().Set("Retry-After", "60")
		return "", errTooMany
	}
	var uid string
	var stored tracker.Password
	err := s.svc.Read(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		id, err := tx.Lookup("user", username)
		if err != nil {
			return err
		}
		u, err := tx.Get("user", id)
		if err != nil {
			return err
		}
		uid = id
		stored, _ = u.Values["password"].(tracker.Password)
		return nil
	})
	if err != nil || stored == "" || username == "anonymous" || !stored.Verify(password) {
		return "", errStatus(http.StatusUnauthorized, "Invalid login")
	}
	if stored.NeedsUpgrade(tracker.DefaultPasswordRounds) && s.svc.Options().PasswordRounds >= tracker.DefaultPasswordRounds {
		// Roundup's migrate_passwords: rehash with the current scheme.
		_ = s.svc.Update(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
			h, err := tracker.HashPassword(password, s.svc.Options().PasswordRounds)
			if err != nil {
				return err
			}
			return tx.Set("user", uid, tracker.Values{"password": h})
		})
	}
	return uid, nil
}

// startSession logs uid in: a session row and an HttpOnly cookie.
func (s *Site) startSession(q *rq, uid string) error {
	key := newID(24)
	data, _ := json.Marshal(map[string]string{"addr": clientAddr(q.r)})
	err := s.svc.Update(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		return tx.PutSession(&tracker.Session{Key: key, UserID: uid, Data: data, Expires: s.now().Add(SessionTTL)})
	})
	if err != nil {
		return err
	}
	http.SetCookie(q.w, s.cookie(key, SessionTTL))
	return nil
}

func (s *Site) cookie(value string, ttl time.Duration) *http.Cookie {
	c := &http.Cookie{Name: s.cookieName(), Value: value, Path: s.base.Path, HttpOnly: true,
		Secure: strings.HasPrefix(s.cfg.Web, "https://"), MaxAge: int(ttl.Seconds())}
	switch s.cfg.SameSite {
	case "Strict":
		c.SameSite = http.SameSiteStrictMode
	case "None":
		c.SameSite = http.SameSiteNoneMode
	default:
		c.SameSite = http.SameSiteLaxMode
	}
	if ttl < 0 {
		c.MaxAge = -1
	}
	return c
}

// endSession logs out.
func (s *Site) endSession(q *rq) {
	if c, err := q.r.Cookie(s.cookieName()); err == nil {
		_ = s.svc.Update(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error { return tx.DeleteSession(c.Value) })
	}
	http.SetCookie(q.w, s.cookie("", -1))
}
