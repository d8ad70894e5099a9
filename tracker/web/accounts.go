package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
)

// Accounts: registration (register.go), password reset and change
// (passreset.go), and what they share — the public URL mailed links
// point to, per-client rate limits, the registration form's signed
// timestamp, and looking users up by address.

const (
	// registrationTTL is how long a mailed registration link works
	// (Roundup's otks are cleaned out after a week).
	registrationTTL = 7 * 24 * time.Hour
	// resetTTL is how long a password-reset link works.
	resetTTL = 24 * time.Hour
	// otkReset is the one-time-key kind of a password reset.
	otkReset = "reset"
)

var errNoMail = errStatus(http.StatusServiceUnavailable,
	"This tracker cannot send mail; please ask its administrator for help.")

// limitClient applies [web] login_attempts_min to an account action per
// client address and per each of the extra keys (an account name): a
// bot signing up or asking for reset mails is slowed down as a password
// guesser is. On refusal it sets Retry-After and returns the 429 error.
func (s *Site) limitClient(q *rq, kind string, extra ...string) error {
	keys := append([]string{kind + ":addr:" + clientAddr(q.r)}, extra...)
	for i, k := range keys {
		if i > 0 {
			k = kind + ":" + strings.ToLower(k)
		}
		if !s.limiter(k).Allow() {
			q.w.Header().Set("Retry-After", "60")
			return errTooMany
		}
	}
	return nil
}

// statusOf is the HTTP status an account action answers err with.
func statusOf(err error) int {
	var he *httpError
	var pe *tracker.PermissionError
	switch {
	case errors.As(err, &he):
		return he.status
	case errors.As(err, &pe):
		return http.StatusForbidden
	case errors.Is(err, tracker.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, tracker.ErrNotFound):
		return http.StatusNotFound
	}
	return http.StatusBadRequest
}

// userError reports whether err is meant for the user (a refusal, a bad
// value) rather than a failure to log.
func userError(err error) bool {
	var he *httpError
	var pe *tracker.PermissionError
	var rej *tracker.Reject
	var ve *tracker.ValueError
	return errors.As(err, &he) || errors.As(err, &pe) || errors.As(err, &rej) || errors.As(err, &ve) ||
		errors.Is(err, tracker.ErrConflict)
}

// formKey signs the registration form's render time. A process-local
// random key stands in when [web] secret_key is not set (tokens then do
// not survive a restart, which only means reloading the form).
func (s *Site) formKey() []byte {
	if s.cfg.SecretKey != "" {
		return []byte(s.cfg.SecretKey)
	}
	return fallbackKey()
}

var fallbackKey = sync.OnceValue(func() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
})

func formMAC(key []byte, ts string) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("corral-register\x00" + ts))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

// formStamp is the hidden "opaqueregister" value: the render time,
// signed. Roundup's and bpo's (extensions/timestamp.py) are a bare
// base64 timestamp a bot can forge; this one it cannot.
func (s *Site) formStamp() string {
	ts := strconv.FormatInt(s.now().Unix(), 10)
	return ts + "." + formMAC(s.formKey(), ts)
}

// formStampTime verifies a stamp and returns when the form was rendered.
func (s *Site) formStampTime(stamp string) (time.Time, bool) {
	ts, mac, ok := strings.Cut(stamp, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(formMAC(s.formKey(), ts))) {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// maxFormAge bounds how long a rendered registration form may be
// submitted, so one fetched stamp cannot serve a bot forever.
const maxFormAge = 24 * time.Hour

// checkFormTime is Roundup's Timestamped.timecheck for [web]
// registration_delay with Roundup's messages.
func (s *Site) checkFormTime(stamp string) error {
	if stamp == "" {
		return errStatus(http.StatusBadRequest, "Form is corrupted, missing: opaqueregister.")
	}
	t, ok := s.formStampTime(stamp)
	if !ok {
		return errStatus(http.StatusBadRequest, "Form is corrupted.")
	}
	age := s.now().Sub(t)
	switch {
	case age < s.cfg.RegistrationDelay:
		return errStatus(http.StatusBadRequest, "Responding to form too quickly.")
	case age > maxFormAge:
		return errStatus(http.StatusBadRequest, "The form has expired; please fill it in again.")
	}
	return nil
}

// validAddress accepts a bare deliverable address (local@domain), as a
// confirmation or reset mail needs.
func validAddress(addr string) bool {
	a, err := mail.ParseAddress(addr)
	return err == nil && a.Address == addr && a.Name == "" && strings.Contains(addr, "@")
}

// findUserByAddress is Roundup's uidFromAddress without creating: the
// active user whose address, or a line of alternate_addresses, equals
// addr case-insensitively, and that address as stored; "" when none
// does.
func findUserByAddress(tx *tracker.Tx, addr string) (string, string, error) {
	uc := tx.Service().Schema.Class("user")
	if uc == nil || addr == "" {
		return "", "", nil
	}
	for _, prop := range []string{"address", "alternate_addresses"} {
		if uc.Prop(prop) == nil {
			continue
		}
		ids, _, err := tx.SystemFilter("user", &tracker.Filter{Spec: map[string][]string{prop: {addr}}})
		if err != nil {
			return "", "", err
		}
		items, err := tx.GetMany("user", ids, []string{})
		if err != nil {
			return "", "", err
		}
		for _, u := range items {
			if line, ok := u.AddressIn(prop, addr); ok && !u.Retired {
				return u.ID, line, nil
			}
		}
	}
	return "", "", nil
}

// queueAccountMail puts an account mail (registration, reset) in the
// outbox of tx: it leaves only if tx commits.
func queueAccountMail(tx *tracker.Tx, rm notify.RawMail) error {
	key := "account"
	if len(rm.To) > 0 {
		key += ":" + strings.ToLower(rm.To[0])
	}
	if err := notify.Queue(tx, key, rm); err != nil {
		return fmt.Errorf("queueing account mail: %w", err)
	}
	return nil
}

// hashFormPassword reads "password" and its confirmation
// ("@confirm@password", Roundup's form syntax, or ":confirm:password")
// and returns the hash; Roundup's form parser's messages.
func (s *Site) hashFormPassword(q *rq) (tracker.Password, error) {
	pw := q.value("password")
	confirm, ok := q.form["@confirm@password"]
	if !ok {
		confirm, ok = q.form[":confirm:password"]
	}
	switch {
	case pw == "":
		return "", errStatus(http.StatusBadRequest, "Please enter a password.")
	case !ok || len(confirm) == 0:
		return "", errStatus(http.StatusBadRequest, "Password and confirmation text do not match")
	case confirm[0] != pw:
		return "", errStatus(http.StatusBadRequest, "Password and confirmation text do not match")
	}
	h, err := tracker.HashPassword(pw, s.svc.Options().PasswordRounds)
	if err != nil {
		return "", fmt.Errorf("hashing password: %w", err)
	}
	return h, nil
}
