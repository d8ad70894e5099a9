package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// One-time keys, sessions and incoming-mail marks (tracker.KeyStore),
// in the system tables __otks, __sessions and __incoming.

// PutOTK stores or replaces a one-time key.
func (t *Tx) PutOTK(ctx context.Context, k *tracker.OTK) error {
	if _, err := t.exec(ctx, "DELETE FROM __otks WHERE okey = ?", k.Key); err != nil {
		return err
	}
	_, err := t.exec(ctx, "INSERT INTO __otks (okey, kind, data, expires) VALUES (?, ?, ?, ?)", k.Key, k.Kind, k.Data, k.Expires.UnixMilli())
	if err != nil {
		return fmt.Errorf("storing one-time key: %w", err)
	}
	return nil
}

func (t *Tx) peekOTK(ctx context.Context, key string, now time.Time) (*tracker.OTK, error) {
	k := &tracker.OTK{Key: key}
	var exp int64
	err := t.queryRow(ctx, "SELECT kind, data, expires FROM __otks WHERE okey = ?", key).Scan(&k.Kind, &k.Data, &exp)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && exp < now.UnixMilli()) {
		return nil, fmt.Errorf("one-time key: %w", tracker.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading one-time key: %w", err)
	}
	k.Expires = time.UnixMilli(exp).UTC()
	return k, nil
}

// PeekOTK reads a live key.
func (t *Tx) PeekOTK(ctx context.Context, key string, now time.Time) (*tracker.OTK, error) {
	return t.peekOTK(ctx, key, now)
}

// TakeOTK reads and deletes a live key; a concurrent taker gets
// ErrNotFound.
func (t *Tx) TakeOTK(ctx context.Context, key string, now time.Time) (*tracker.OTK, error) {
	k, err := t.peekOTK(ctx, key, now)
	if err != nil {
		return nil, err
	}
	res, err := t.exec(ctx, "DELETE FROM __otks WHERE okey = ?", key)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, fmt.Errorf("one-time key: %w", tracker.ErrNotFound)
	}
	return k, nil
}

// PutSession stores or refreshes a session.
func (t *Tx) PutSession(ctx context.Context, s *tracker.Session) error {
	if _, err := t.exec(ctx, "DELETE FROM __sessions WHERE skey = ?", s.Key); err != nil {
		return err
	}
	_, err := t.exec(ctx, "INSERT INTO __sessions (skey, userid, data, expires) VALUES (?, ?, ?, ?)",
		s.Key, tracker.IDInt(s.UserID), s.Data, s.Expires.UnixMilli())
	return err
}

// GetSession reads a live session.
func (t *Tx) GetSession(ctx context.Context, key string, now time.Time) (*tracker.Session, error) {
	s := &tracker.Session{Key: key}
	var uid, exp int64
	err := t.queryRow(ctx, "SELECT userid, data, expires FROM __sessions WHERE skey = ?", key).Scan(&uid, &s.Data, &exp)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && exp < now.UnixMilli()) {
		return nil, fmt.Errorf("session: %w", tracker.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading session: %w", err)
	}
	s.UserID, s.Expires = idStr(uid), time.UnixMilli(exp).UTC()
	return s, nil
}

// DeleteSession removes a session.
func (t *Tx) DeleteSession(ctx context.Context, key string) error {
	_, err := t.exec(ctx, "DELETE FROM __sessions WHERE skey = ?", key)
	return err
}

// ExpireKeys removes what has expired.
func (t *Tx) ExpireKeys(ctx context.Context, now, incomingBefore time.Time) (int, error) {
	total := 0
	for _, q := range []struct {
		sql string
		arg int64
	}{
		{"DELETE FROM __otks WHERE expires < ?", now.UnixMilli()},
		{"DELETE FROM __sessions WHERE expires < ?", now.UnixMilli()},
		{"DELETE FROM __incoming WHERE at < ?", incomingBefore.UnixMilli()},
	} {
		res, err := t.exec(ctx, q.sql, q.arg)
		if err != nil {
			return total, err
		}
		n, _ := res.RowsAffected()
		total += int(n)
	}
	return total, nil
}

// MarkIncoming inserts the mark unless present.
func (t *Tx) MarkIncoming(ctx context.Context, key, outcome string, now time.Time) (bool, error) {
	res, err := t.exec(ctx, "INSERT INTO __incoming (ikey, outcome, at) VALUES (?, ?, ?) ON CONFLICT (ikey) DO NOTHING",
		key, outcome, now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("recording incoming mail: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
