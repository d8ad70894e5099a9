package tracker

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// OTK is a one-time key (Roundup's otks store): registration and
// password-reset confirmations, keyed by a random string, carrying the
// pending data, valid until Expires.
type OTK struct {
	Key     string
	Kind    string // "register", "reset", "csrf", ...
	Data    []byte
	Expires time.Time
}

// Session is a web login session (Roundup's sessions store).
type Session struct {
	Key     string
	UserID  string
	Data    []byte
	Expires time.Time
}

// KeyStore holds the small non-item records every door shares: one-time
// keys, sessions, and the ids of incoming mail already processed. They
// live in the tracker database (several processes on PostgreSQL see the
// same sessions) and are written in the caller's transaction.
type KeyStore interface {
	PutOTK(ctx context.Context, k *OTK) error
	// TakeOTK returns and deletes a key (one use); ErrNotFound when
	// missing or expired.
	TakeOTK(ctx context.Context, key string, now time.Time) (*OTK, error)
	// PeekOTK returns a key without using it.
	PeekOTK(ctx context.Context, key string, now time.Time) (*OTK, error)
	PutSession(ctx context.Context, s *Session) error
	GetSession(ctx context.Context, key string, now time.Time) (*Session, error)
	DeleteSession(ctx context.Context, key string) error
	// ExpireKeys removes expired keys and sessions and incoming-mail
	// marks older than before.
	ExpireKeys(ctx context.Context, now, incomingBefore time.Time) (int, error)
	// MarkIncoming records an incoming mail's identity (Message-ID or a
	// content hash) with its outcome; false when it was recorded before.
	MarkIncoming(ctx context.Context, key, outcome string, now time.Time) (bool, error)
}

func (tx *Tx) keys() (KeyStore, error) {
	ks, ok := tx.st.(KeyStore)
	if !ok {
		return nil, errors.New("store keeps no keys")
	}
	return ks, nil
}

// PutOTK stores a one-time key.
func (tx *Tx) PutOTK(k *OTK) error {
	ks, err := tx.keys()
	if err != nil {
		return err
	}
	return ks.PutOTK(tx.ctx, k)
}

// TakeOTK uses up a one-time key.
func (tx *Tx) TakeOTK(key string) (*OTK, error) {
	ks, err := tx.keys()
	if err != nil {
		return nil, err
	}
	return ks.TakeOTK(tx.ctx, key, tx.s.Now())
}

// PeekOTK reads a one-time key without using it.
func (tx *Tx) PeekOTK(key string) (*OTK, error) {
	ks, err := tx.keys()
	if err != nil {
		return nil, err
	}
	return ks.PeekOTK(tx.ctx, key, tx.s.Now())
}

// PutSession stores a web session.
func (tx *Tx) PutSession(s *Session) error {
	ks, err := tx.keys()
	if err != nil {
		return err
	}
	return ks.PutSession(tx.ctx, s)
}

// GetSession reads a live web session.
func (tx *Tx) GetSession(key string) (*Session, error) {
	ks, err := tx.keys()
	if err != nil {
		return nil, err
	}
	return ks.GetSession(tx.ctx, key, tx.s.Now())
}

// DeleteSession ends a web session.
func (tx *Tx) DeleteSession(key string) error {
	ks, err := tx.keys()
	if err != nil {
		return err
	}
	return ks.DeleteSession(tx.ctx, key)
}

// ExpireKeys removes expired one-time keys and sessions, and incoming
// mail marks older than keepIncoming.
func (tx *Tx) ExpireKeys(keepIncoming time.Duration) (int, error) {
	ks, err := tx.keys()
	if err != nil {
		return 0, err
	}
	now := tx.s.Now()
	return ks.ExpireKeys(tx.ctx, now, now.Add(-keepIncoming))
}

// MarkIncoming records that an incoming mail (identified by key: its
// Message-ID, or a hash of its content when it has none) was handled with
// outcome; it returns false when the mail was already handled — a
// retried delivery, a second poller, an IMAP re-sync — so it is not
// applied twice. Recorded in the same transaction as the change it
// made, so a rollback forgets it too.
func (tx *Tx) MarkIncoming(key, outcome string) (bool, error) {
	ks, err := tx.keys()
	if err != nil {
		return false, err
	}
	if key == "" {
		return false, fmt.Errorf("incoming mail key is empty")
	}
	tx.changed = true
	return ks.MarkIncoming(tx.ctx, key, outcome, tx.s.Now())
}
