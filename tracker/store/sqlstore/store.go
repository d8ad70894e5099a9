package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// Store implements tracker.Store over database/sql.
type Store struct {
	d Dialect
	// w runs write transactions, r read-only ones (the same pool on
	// PostgreSQL; a one-connection writer and a reader pool on SQLite).
	w, r *sql.DB

	mu      sync.RWMutex
	schema  *tracker.Schema
	classes map[string]*classInfo
	fields  map[[2]string]int64 // indexed class.prop -> text field number
	queries sync.Map            // query text -> rebound text
	waker   func(ctx context.Context) <-chan struct{}
	// stmtsW and stmtsR keep prepared statements per pool (SQLite only).
	stmtsW, stmtsR *stmtCache
	// counts keeps filter totals until the item data changes (counts.go).
	counts countCache
}

// New wraps opened databases. Call Migrate before use; Sync then creates
// the class tables.
func New(d Dialect, w, r *sql.DB) *Store {
	if r == nil {
		r = w
	}
	s := &Store{d: d, w: w, r: r, classes: map[string]*classInfo{}}
	if d.Name() == "sqlite" { // pgx caches prepared statements itself
		s.stmtsW = newStmtCache(w)
		s.stmtsR = s.stmtsW
		if r != w {
			s.stmtsR = newStmtCache(r)
		}
	}
	return s
}

// Dialect names the backend.
func (s *Store) Dialect() string { return s.d.Name() }

// DB returns the writer pool (tests, health checks).
func (s *Store) DB() *sql.DB { return s.w }

// ReadDB returns the pool of read-only transactions (the write pool on
// PostgreSQL), for connection-pool metrics.
func (s *Store) ReadDB() *sql.DB { return s.r }

// Close closes the pools.
func (s *Store) Close() error {
	s.stmtsW.close()
	if s.stmtsR != s.stmtsW {
		s.stmtsR.close()
	}
	err := s.w.Close()
	if s.r != s.w {
		if e := s.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// q rebinds a query to the dialect's placeholders, caching the result.
func (s *Store) q(query string) string {
	if v, ok := s.queries.Load(query); ok {
		return v.(string)
	}
	r := s.d.Rebind(query)
	s.queries.Store(query, r)
	return r
}

// Migrate applies the dialect's numbered system-table migrations that
// have not run yet, in one transaction holding the schema lock so that
// several processes starting together migrate once.
func (s *Store) Migrate(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if sd, ok := s.d.(SchemaDialect); ok && sd.SchemaLock() != "" {
		if _, err := tx.ExecContext(ctx, sd.SchemaLock()); err != nil {
			return fmt.Errorf("locking schema: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS __migrations (version BIGINT PRIMARY KEY, applied BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("creating migrations table: %w", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM __migrations`).Scan(&have); err != nil {
		return fmt.Errorf("reading migration version: %w", err)
	}
	for i, stmts := range s.d.Migrations() {
		v := i + 1
		if v <= have {
			continue
		}
		for _, st := range stmts {
			if _, err := tx.ExecContext(ctx, st); err != nil {
				return fmt.Errorf("migration %d: %w", v, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO __migrations (version, applied) VALUES (?, ?)`), v, time.Now().UnixMilli()); err != nil {
			return fmt.Errorf("recording migration %d: %w", v, err)
		}
	}
	return tx.Commit()
}

// Lease implements tracker.Leaser: holder gets (or keeps) the named
// lease for ttl unless another holder's lease is still running, so one
// process of several runs a periodic job.
func (s *Store) Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := time.Now()
	res, err := s.w.ExecContext(ctx, s.q(`INSERT INTO __leases (name, holder, until) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
		WHERE __leases.until < ? OR __leases.holder = excluded.holder`),
		name, holder, now.Add(ttl).UnixMilli(), now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("taking lease %s: %w", name, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SetWaker installs the source of cross-process wake-ups (the
// PostgreSQL package's LISTEN loop).
func (s *Store) SetWaker(fn func(ctx context.Context) <-chan struct{}) { s.waker = fn }

// Wakeups implements tracker.Waker: a channel that receives when another
// process queued outbox events (and once after each reconnect, so nothing
// queued while disconnected waits for the poll); nil without a waker.
func (s *Store) Wakeups(ctx context.Context) <-chan struct{} {
	if s.waker == nil {
		return nil
	}
	return s.waker(ctx)
}

// Maintain refreshes planner statistics and reclaims space (run after
// bulk loads and periodically): SQLite ANALYZE, PostgreSQL VACUUM
// ANALYZE.
func (s *Store) Maintain(ctx context.Context) error {
	for _, st := range s.d.Maintenance() {
		if _, err := s.w.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("%s: %w", st, err)
		}
	}
	return nil
}

// Begin starts a transaction.
func (s *Store) Begin(ctx context.Context, write bool) (tracker.StoreTx, error) {
	db := s.r
	var opts *sql.TxOptions
	if write {
		db = s.w
	} else if s.r == s.w {
		opts = &sql.TxOptions{ReadOnly: true}
	}
	t, err := db.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("beginning transaction: %w", err)
	}
	return &Tx{s: s, tx: t, write: write}, nil
}

// info returns the table layout of a class, or an error before Sync.
func (s *Store) info(c *tracker.Class) (*classInfo, error) {
	s.mu.RLock()
	ci := s.classes[c.Name]
	s.mu.RUnlock()
	if ci == nil {
		return nil, fmt.Errorf("class %s has no table (schema not synced): %w", c.Name, tracker.ErrNotFound)
	}
	return ci, nil
}

// Tx is a store transaction.
type Tx struct {
	s        *Store
	tx       *sql.Tx
	write    bool
	notified bool // NotifyOutbox already sent in this transaction
	// dataChanged: an item was inserted, updated, retired or restored,
	// so Commit advances the data generation (counts.go).
	dataChanged bool
	// text holds full-text entries written at commit (see Index).
	text      map[[2]int64]string
	textOrder [][2]int64
}

// Commit writes the pending full-text entries and advances the data
// generation if items changed, then commits.
func (t *Tx) Commit() error {
	ctx := context.Background()
	if err := t.flushText(ctx); err != nil {
		t.tx.Rollback()
		return err
	}
	if err := t.bumpGeneration(ctx); err != nil {
		t.tx.Rollback()
		return err
	}
	return t.tx.Commit()
}

// Rollback rolls back.
func (t *Tx) Rollback() error { return t.tx.Rollback() }

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q := t.s.q(query)
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q := t.s.q(query)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	q := t.s.q(query)
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

// SQLTx exposes the underlying transaction to the dialect packages.
func (t *Tx) SQLTx() *sql.Tx { return t.tx }
