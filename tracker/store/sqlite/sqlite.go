// Package sqlite is Corral's embedded default backend: tracker.Store on
// SQLite through the pure-Go modernc.org/sqlite driver, in WAL mode with a
// single writer connection (writes begin IMMEDIATE so concurrent writers
// queue on the busy timeout instead of failing) and a pool of readers.
// Full-text search uses an FTS5 table.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/store/sqlstore"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Options tune Open.
type Options struct {
	// BusyTimeout is how long a statement waits for a lock another
	// process holds before failing with SQLITE_BUSY ([rdbms]
	// sqlite_timeout); 0 means the default, 15 s; negative, no wait.
	BusyTimeout time.Duration
}

// Open opens (creating if needed) the database file at path and applies
// the system migrations, with the default options.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, path string, opts Options) (*sqlstore.Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	base := "file:" + (&url.URL{Path: abs}).EscapedPath()
	busy := opts.BusyTimeout
	switch {
	case busy == 0:
		busy = 15 * time.Second
	case busy < 0:
		busy = 0
	}
	pragmas := "?_pragma=busy_timeout(" + strconv.FormatInt(busy.Milliseconds(), 10) + ")&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(0)&_pragma=cache_size(-32000)"
	w, err := sql.Open("sqlite", base+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", base+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	n := max(4, 2*runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxLifetime(0)
	s := sqlstore.New(dialect{}, w, r)
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrating %s: %w", path, err)
	}
	return s, nil
}

type dialect struct{}

func (dialect) Name() string                   { return "sqlite" }
func (dialect) Rebind(q string) string         { return q }
func (dialect) BlobType() string               { return "BLOB" }
func (dialect) IDType() string                 { return "INTEGER" }
func (dialect) ILike() string                  { return "LIKE" }
func (dialect) NullsFirst(bool) string         { return "" }
func (dialect) CreateSequence(string) []string { return nil }
func (dialect) ForUpdateSkipLocked() string    { return "" }
func (dialect) SchemaLock() string             { return "" }
func (dialect) LockRow() string                { return "" }
func (dialect) IndexNulls() string             { return "" }
func (dialect) NotifyOutbox() string           { return "" }
func (dialect) Maintenance() []string          { return []string{"ANALYZE", "PRAGMA optimize"} }

func (dialect) ColumnType(k tracker.Kind) string {
	switch k {
	case tracker.Number:
		return "REAL"
	case tracker.Integer, tracker.Boolean, tracker.Date, tracker.Link:
		return "INTEGER"
	}
	return "TEXT"
}

func (dialect) NextID(context.Context, *sql.Tx, string) (int64, error) { return 0, nil }

func (dialect) ResetSequence(context.Context, *sql.Tx, string) error { return nil }

func (dialect) IsUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func (dialect) DropColumn(table, column string) []string {
	return []string{"ALTER TABLE " + table + " DROP COLUMN " + column}
}

func (dialect) JunctionDDL(table string) []string {
	return []string{
		"CREATE TABLE " + table + " (nodeid INTEGER NOT NULL, linkid INTEGER NOT NULL, PRIMARY KEY (nodeid, linkid)) WITHOUT ROWID",
		"CREATE INDEX " + table + "_linkid ON " + table + " (linkid, nodeid)",
	}
}

func (dialect) Migrations() [][]string {
	return [][]string{{
		`CREATE TABLE __schema (class TEXT PRIMARY KEY, spec TEXT NOT NULL)`,
		`CREATE TABLE __journal (id INTEGER PRIMARY KEY, class TEXT NOT NULL, nodeid INTEGER NOT NULL,
			date INTEGER NOT NULL, userid INTEGER, action TEXT NOT NULL, params TEXT)`,
		`CREATE INDEX __journal_item ON __journal (class, nodeid)`,
		`CREATE INDEX __journal_date ON __journal (date)`,
		`CREATE TABLE __textfield (id INTEGER PRIMARY KEY, class TEXT NOT NULL, prop TEXT NOT NULL, UNIQUE (class, prop))`,
		// rowid = text field << 40 | item id (see IndexText).
		`CREATE VIRTUAL TABLE __textindex USING fts5(words, content='', contentless_delete=1, tokenize='unicode61')`,
		`CREATE TABLE __outbox (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, okey TEXT NOT NULL, payload BLOB,
			created INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_try INTEGER NOT NULL,
			state TEXT NOT NULL, worker TEXT, lease_until INTEGER, last_error TEXT)`,
		`CREATE INDEX __outbox_due ON __outbox (state, next_try)`,
		`CREATE INDEX __outbox_key ON __outbox (okey, id)`,
	}, {
		`CREATE TABLE __otks (okey TEXT PRIMARY KEY, kind TEXT NOT NULL, data BLOB, expires INTEGER NOT NULL)`,
		`CREATE TABLE __sessions (skey TEXT PRIMARY KEY, userid INTEGER NOT NULL, data BLOB, expires INTEGER NOT NULL)`,
		`CREATE INDEX __sessions_user ON __sessions (userid)`,
		`CREATE TABLE __incoming (ikey TEXT PRIMARY KEY, outcome TEXT NOT NULL, at INTEGER NOT NULL)`,
	}, {
		`CREATE TABLE __leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, until INTEGER NOT NULL)`,
	}, {
		`ALTER TABLE __outbox ADD COLUMN trace TEXT`,
	}, {
		// The item-data generation (sqlstore's count cache, counts.go).
		`CREATE TABLE __changes (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)`,
		`INSERT INTO __changes (id, n) VALUES (1, 0)`,
	}}
}

// textRowid packs a text field number and an item id into an FTS rowid,
// so hits carry their class and item without a lookup table.
func textRowid(field, id int64) int64 { return field<<40 | id }

// IndexText deletes the old rows and inserts the new ones in
// multi-row statements.
func (dialect) IndexText(ctx context.Context, tx *sql.Tx, entries []sqlstore.TextEntry) error {
	for start := 0; start < len(entries); start += 400 {
		part := entries[start:min(start+400, len(entries))]
		ids := make([]any, len(part))
		ph := make([]string, len(part))
		var vals []string
		var args []any
		for i, e := range part {
			ids[i] = textRowid(e.Field, e.ID)
			ph[i] = "?"
			if e.Words != "" {
				vals = append(vals, "(?, ?)")
				args = append(args, textRowid(e.Field, e.ID), e.Words)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM __textindex WHERE rowid IN (`+strings.Join(ph, ", ")+`)`, ids...); err != nil {
			return err
		}
		if len(vals) > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO __textindex (rowid, words) VALUES `+strings.Join(vals, ", "), args...); err != nil {
				return err
			}
		}
	}
	return nil
}

func (dialect) TextHits(words []string) (string, []any) {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
	}
	return `SELECT rowid >> 40 AS field, rowid & 1099511627775 AS nodeid FROM __textindex WHERE __textindex MATCH ?`,
		[]any{strings.Join(q, " ")}
}
