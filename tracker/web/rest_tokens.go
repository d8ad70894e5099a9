package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/corral-tracker/corral/tracker"
)

// API tokens let bots use the REST API (and feeds) without a password:
// "Authorization: Bearer crl_...". A user makes and revokes their own on
// their user page (html/_apitokens.part.html). Only a SHA-256 hash of a
// token is stored, as a one-time key of kind "apitoken" that lives until
// the token expires; a second key per user lists the user's tokens for
// the page. A token acts with all the permissions of its user.

const (
	apiTokenPrefix = "crl_"
	otkToken       = "apitoken"
	otkTokenList   = "apitokens"
	// tokenCacheTTL bounds how long a process trusts a token it has
	// checked; revoking removes it from this process at once, from
	// others within this time.
	tokenCacheTTL = 30 * time.Second
	maxTokens     = 20
)

type tokenEntry struct {
	uid     string
	expires time.Time
}

// apiTokenInfo describes one token of a user (no secret in it).
type apiTokenInfo struct {
	ID      string    `json:"id"` // first 12 hex digits of the hash
	Hash    string    `json:"hash"`
	Name    string    `json:"name"`
	Hint    string    `json:"hint"` // the token's last 4 characters
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// apiTokenRecord is stored under the token's hash.
type apiTokenRecord struct {
	UID  string `json:"uid"`
	Name string `json:"name"`
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// tokenUser returns the user a valid token belongs to ("" if none).
func (s *Site) tokenUser(q *rq, token string) (string, error) {
	if !strings.HasPrefix(token, apiTokenPrefix) || len(token) > 100 {
		return "", nil
	}
	rs := s.rest
	now := s.now()
	key := sha256.Sum256([]byte(token))
	rs.mu.Lock()
	e, ok := rs.tokens[key]
	rs.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.uid, nil
	}
	var rec apiTokenRecord
	var exp time.Time
	err := s.svc.Read(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		k, err := tx.PeekOTK(otkToken + ":" + hex.EncodeToString(key[:]))
		if err != nil {
			return err
		}
		if k.Kind != otkToken {
			return tracker.ErrNotFound
		}
		exp = k.Expires
		return json.Unmarshal(k.Data, &rec)
	})
	if errors.Is(err, tracker.ErrNotFound) || rec.UID == "" {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	until := now.Add(tokenCacheTTL)
	if exp.Before(until) {
		until = exp
	}
	rs.mu.Lock()
	if len(rs.tokens) > 10000 {
		rs.tokens = map[[32]byte]tokenEntry{}
	}
	rs.tokens[key] = tokenEntry{uid: rec.UID, expires: until}
	rs.mu.Unlock()
	return rec.UID, nil
}

// userTokens reads a user's token list, without expired ones.
func userTokens(tx *tracker.Tx, uid string) ([]apiTokenInfo, error) {
	k, err := tx.PeekOTK(otkTokenList + ":" + uid)
	if errors.Is(err, tracker.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var l []apiTokenInfo
	if err := json.Unmarshal(k.Data, &l); err != nil {
		return nil, err
	}
	now := tx.Service().Now()
	out := l[:0]
	for _, t := range l {
		if t.Expires.After(now) {
			out = append(out, t)
		}
	}
	return out, nil
}

func putUserTokens(tx *tracker.Tx, uid string, l []apiTokenInfo) error {
	exp := tx.Service().Now().Add(24 * time.Hour)
	for _, t := range l {
		if t.Expires.After(exp) {
			exp = t.Expires
		}
	}
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return tx.PutOTK(&tracker.OTK{Key: otkTokenList + ":" + uid, Kind: otkTokenList, Data: b, Expires: exp})
}

// createToken makes a new token for uid and returns it (the only time
// it is seen).
func (s *Site) createToken(ctx context.Context, uid, name string, lifetime time.Duration) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := apiTokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	h := tokenHash(token)
	err := s.svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		// Lock the user so two concurrent creations keep both in the list.
		if _, err := tx.GetForUpdate("user", uid); err != nil {
			return err
		}
		l, err := userTokens(tx, uid)
		if err != nil {
			return err
		}
		if len(l) >= maxTokens {
			return errStatus(http.StatusConflict, "You have "+strconv.Itoa(maxTokens)+" API tokens; revoke one first.")
		}
		now := tx.Service().Now()
		info := apiTokenInfo{ID: h[:12], Hash: h, Name: name, Hint: token[len(token)-4:], Created: now, Expires: now.Add(lifetime)}
		rec, _ := json.Marshal(apiTokenRecord{UID: uid, Name: name})
		if err := tx.PutOTK(&tracker.OTK{Key: otkToken + ":" + h, Kind: otkToken, Data: rec, Expires: info.Expires}); err != nil {
			return err
		}
		return putUserTokens(tx, uid, append(l, info))
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// revokeToken deletes the token of uid whose id is id.
func (s *Site) revokeToken(ctx context.Context, uid, id string) (string, error) {
	name := ""
	var hash string
	err := s.svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		if _, err := tx.GetForUpdate("user", uid); err != nil {
			return err
		}
		l, err := userTokens(tx, uid)
		if err != nil {
			return err
		}
		out := l[:0]
		for _, t := range l {
			if t.ID == id {
				name, hash = t.Name, t.Hash
				continue
			}
			out = append(out, t)
		}
		if hash == "" {
			return errStatus(http.StatusNotFound, "No such API token")
		}
		if _, err := tx.TakeOTK(otkToken + ":" + hash); err != nil && !errors.Is(err, tracker.ErrNotFound) {
			return err
		}
		return putUserTokens(tx, uid, out)
	})
	if err != nil {
		return "", err
	}
	if b, err := hex.DecodeString(hash); err == nil && len(b) == 32 {
		s.rest.mu.Lock()
		delete(s.rest.tokens, [32]byte(b))
		s.rest.mu.Unlock()
	}
	return name, nil
}

// tokenLifetimes are the choices the page offers (days; 0 = no expiry,
// stored as a hundred years).
var tokenLifetimes = map[string]time.Duration{
	"30": 30 * 24 * time.Hour, "90": 90 * 24 * time.Hour, "365": 365 * 24 * time.Hour, "0": 100 * 365 * 24 * time.Hour,
}

// actAPIToken handles the token form of a user page: @action=apitoken_new
// (name, lifetime) makes a token, shown once on the page that answers;
// @action=apitoken_revoke (token=ID) revokes one. Users manage their own
// tokens; Admin may also revoke anyone's.
func (s *Site) actAPIToken(q *rq, action, class, id string) bool {
	if class != "user" || id == "" {
		s.fail(q, errStatus(http.StatusNotFound, "API tokens belong to a user page"))
		return true
	}
	if q.anonymous() {
		s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to do this; please log in."))
		return true
	}
	own := id == q.uid
	if action == "apitoken_new" {
		if !own {
			s.fail(q, errStatus(http.StatusForbidden, "You may only create API tokens for yourself."))
			return true
		}
		name := strings.TrimSpace(q.value("name"))
		life, ok := tokenLifetimes[q.value("lifetime")]
		if !ok {
			life = tokenLifetimes["365"]
		}
		if name == "" || utf8.RuneCountInString(name) > 60 || strings.ContainsAny(name, "\r\n") {
			q.errs = append(q.errs, "Give the token a name of at most 60 characters (what uses it).")
			s.serveItem(q, "user", id, "")
			return true
		}
		token, err := s.createToken(q.ctx, id, name, life)
		if err != nil {
			var he *httpError
			if errors.As(err, &he) {
				q.errs = append(q.errs, he.msg)
				s.serveItem(q, "user", id, "")
				return true
			}
			s.fail(q, err)
			return true
		}
		// The page shows a secret: no cache may keep it.
		q.w = noStoreWriter{q.w}
		q.ok = append(q.ok, "New API token \""+name+"\": "+token+" — copy it now, it is not shown again. Send it as \"Authorization: Bearer "+token+"\".")
		s.serveItem(q, "user", id, "")
		return true
	}
	if !own && !q.tx.HasRole("admin") {
		s.fail(q, errStatus(http.StatusForbidden, "You may only revoke your own API tokens."))
		return true
	}
	name, err := s.revokeToken(q.ctx, id, q.value("token"))
	if err != nil {
		s.fail(q, err)
		return true
	}
	s.redirect(q, s.base.Path+"user"+id, "API token \""+name+"\" revoked")
	return true
}

// apiTokensView is what html/_apitokens.part.html shows.
type apiTokensView struct {
	UserID     string
	Own        bool
	RestAccess bool
	Tokens     []apiTokenRow
}

type apiTokenRow struct {
	ID, Name, Hint, Created, Expires string
}

// APITokens lists the API tokens of the user whose page is shown, for
// that user and for Admin; nil for anyone else (templates: {{with
// .APITokens}}).
func (p *pageData) APITokens() *apiTokensView {
	q := p.q
	v, ok := p.Body.(*itemView)
	if !ok || v.Class != "user" || v.ID == "" || q.anonymous() {
		return nil
	}
	own := v.ID == q.uid
	if !own && !q.tx.HasRole("admin") {
		return nil
	}
	l, err := userTokens(q.tx, v.ID)
	if err != nil {
		return nil
	}
	sort.Slice(l, func(i, j int) bool { return l[i].Created.After(l[j].Created) })
	out := &apiTokensView{UserID: v.ID, Own: own, RestAccess: q.tx.CanUser(v.ID, "Rest Access", "", "", "")}
	for _, t := range l {
		r := apiTokenRow{ID: t.ID, Name: t.Name, Hint: t.Hint, Created: t.Created.In(q.s.loc).Format("2006-01-02"), Expires: "never"}
		if t.Expires.Before(t.Created.Add(50 * 365 * 24 * time.Hour)) {
			r.Expires = t.Expires.In(q.s.loc).Format("2006-01-02")
		}
		out.Tokens = append(out.Tokens, r)
	}
	return out
}

// noStoreWriter marks a page not to be stored by any cache, whatever
// its renderer set.
type noStoreWriter struct{ http.ResponseWriter }

func (w noStoreWriter) WriteHeader(code int) {
	w.Header().Set("Cache-Control", "no-store")
	w.ResponseWriter.WriteHeader(code)
}

func (w noStoreWriter) Write(b []byte) (int, error) {
	w.Header().Set("Cache-Control", "no-store")
	return w.ResponseWriter.Write(b)
}
