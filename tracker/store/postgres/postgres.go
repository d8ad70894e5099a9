// Package postgres is Corral's production backend: tracker.Store on
// PostgreSQL (≥ 12) through pgx, so several web and mail processes share
// one database. Ids come from one sequence per class, full-text search
// uses a tsvector column with a GIN index ('simple' configuration, no
// stemming, as Roundup's native indexer), and outbox claims use
// FOR UPDATE SKIP LOCKED so concurrent workers never take the same event.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/store/sqlstore"
)

// Options select where the tables live.
type Options struct {
	// Schema, when set, is created if missing and used as search_path, so
	// several trackers (or parallel tests) share one database.
	Schema string
	// MaxConns caps the pool (0 = 16).
	MaxConns int
}

var schemaNameRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// Open connects to dsn (a libpq URL or key=value string) and applies the
// system migrations.
func Open(ctx context.Context, dsn string, opts Options) (*sqlstore.Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parsing PostgreSQL DSN: %w", err)
	}
	if opts.Schema != "" {
		if !schemaNameRE.MatchString(opts.Schema) {
			return nil, fmt.Errorf("PostgreSQL schema name %q: use lower-case letters, digits and _", opts.Schema)
		}
		c, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
		}
		_, err = c.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+opts.Schema)
		c.Close(ctx)
		if err != nil {
			return nil, fmt.Errorf("creating schema %s: %w", opts.Schema, err)
		}
		cfg.RuntimeParams["search_path"] = opts.Schema
	}
	db := stdlib.OpenDB(*cfg)
	n := opts.MaxConns
	if n <= 0 {
		n = 16
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	s := sqlstore.New(dialect{}, db, db)
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrating PostgreSQL database: %w", err)
	}
	s.SetWaker(func(ctx context.Context) <-chan struct{} { return listen(ctx, cfg) })
	return s, nil
}

type dialect struct{}

func (dialect) Name() string       { return "postgresql" }
func (dialect) BlobType() string   { return "BYTEA" }
func (dialect) IDType() string     { return "BIGINT" }
func (dialect) ILike() string      { return "ILIKE" }
func (dialect) LockRow() string    { return " FOR UPDATE" }
func (dialect) IndexNulls() string { return " NULLS FIRST" }
func (dialect) NotifyOutbox() string {
	return "SELECT pg_notify('corral_outbox_' || current_schema(), '')"
}
func (dialect) Maintenance() []string { return []string{"VACUUM ANALYZE"} }
func (dialect) SchemaLock() string    { return "SELECT pg_advisory_xact_lock(hashtext(current_schema()))" }

func (dialect) ForUpdateSkipLocked() string { return " FOR UPDATE OF o SKIP LOCKED" }

func (dialect) NullsFirst(desc bool) string {
	if desc {
		return " NULLS LAST"
	}
	return " NULLS FIRST"
}

// Rebind turns '?' into $1, $2, ... outside quoted strings.
func (dialect) Rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func (dialect) ColumnType(k tracker.Kind) string {
	switch k {
	case tracker.Number:
		return "DOUBLE PRECISION"
	case tracker.Integer, tracker.Boolean, tracker.Date, tracker.Link:
		return "BIGINT"
	}
	return "TEXT"
}

func seqName(table string) string { return table + "_ids" }

func (dialect) CreateSequence(table string) []string {
	return []string{"CREATE SEQUENCE IF NOT EXISTS " + seqName(table)}
}

func (dialect) NextID(ctx context.Context, tx *sql.Tx, table string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT nextval('"+seqName(table)+"')").Scan(&id)
	return id, err
}

func (dialect) ResetSequence(ctx context.Context, tx *sql.Tx, table string) error {
	_, err := tx.ExecContext(ctx, "SELECT setval('"+seqName(table)+"', COALESCE((SELECT MAX(id) FROM "+table+"), 0) + 1, false)")
	return err
}

func (dialect) IsUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

func (dialect) DropColumn(table, column string) []string {
	return []string{"ALTER TABLE " + table + " DROP COLUMN " + column}
}

func (dialect) JunctionDDL(table string) []string {
	return []string{
		"CREATE TABLE " + table + " (nodeid BIGINT NOT NULL, linkid BIGINT NOT NULL, PRIMARY KEY (nodeid, linkid))",
		"CREATE INDEX " + table + "_linkid ON " + table + " (linkid, nodeid)",
	}
}

func (dialect) Migrations() [][]string {
	return [][]string{{
		`CREATE TABLE __schema (class TEXT PRIMARY KEY, spec TEXT NOT NULL)`,
		`CREATE TABLE __journal (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, class TEXT NOT NULL,
			nodeid BIGINT NOT NULL, date BIGINT NOT NULL, userid BIGINT, action TEXT NOT NULL, params TEXT)`,
		`CREATE INDEX __journal_item ON __journal (class, nodeid)`,
		`CREATE INDEX __journal_date ON __journal (date)`,
		`CREATE TABLE __textfield (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, class TEXT NOT NULL,
			prop TEXT NOT NULL, UNIQUE (class, prop))`,
		`CREATE TABLE __textindex (field BIGINT NOT NULL, nodeid BIGINT NOT NULL,
			tsv TSVECTOR NOT NULL, PRIMARY KEY (field, nodeid))`,
		`CREATE INDEX __textindex_tsv ON __textindex USING GIN (tsv)`,
		`CREATE TABLE __outbox (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, kind TEXT NOT NULL,
			okey TEXT NOT NULL, payload BYTEA, created BIGINT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0,
			next_try BIGINT NOT NULL, state TEXT NOT NULL, worker TEXT, lease_until BIGINT, last_error TEXT)`,
		`CREATE INDEX __outbox_due ON __outbox (state, next_try)`,
		`CREATE INDEX __outbox_key ON __outbox (okey, id)`,
	}, {
		`CREATE TABLE __otks (okey TEXT PRIMARY KEY, kind TEXT NOT NULL, data BYTEA, expires BIGINT NOT NULL)`,
		`CREATE TABLE __sessions (skey TEXT PRIMARY KEY, userid BIGINT NOT NULL, data BYTEA, expires BIGINT NOT NULL)`,
		`CREATE INDEX __sessions_user ON __sessions (userid)`,
		`CREATE TABLE __incoming (ikey TEXT PRIMARY KEY, outcome TEXT NOT NULL, at BIGINT NOT NULL)`,
	}, {
		`CREATE TABLE __leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, until BIGINT NOT NULL)`,
	}, {
		`ALTER TABLE __outbox ADD COLUMN trace TEXT`,
	}, {
		// The item-data generation (sqlstore's count cache, counts.go).
		`CREATE TABLE __changes (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)`,
		`INSERT INTO __changes (id, n) VALUES (1, 0)`,
	}}
}

// IndexText upserts (and deletes) entries in multi-row statements.
func (dialect) IndexText(ctx context.Context, tx *sql.Tx, entries []sqlstore.TextEntry) error {
	for start := 0; start < len(entries); start += 300 {
		part := entries[start:min(start+300, len(entries))]
		var del, vals []string
		var dargs, args []any
		for _, e := range part {
			if e.Words == "" {
				dargs = append(dargs, e.Field, e.ID)
				del = append(del, fmt.Sprintf("($%d::bigint, $%d::bigint)", len(dargs)-1, len(dargs)))
				continue
			}
			args = append(args, e.Field, e.ID, e.Words)
			n := len(args)
			vals = append(vals, fmt.Sprintf("($%d::bigint, $%d::bigint, to_tsvector('simple', $%d))", n-2, n-1, n))
		}
		if len(del) > 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM __textindex WHERE (field, nodeid) IN (`+strings.Join(del, ", ")+`)`, dargs...); err != nil {
				return err
			}
		}
		if len(vals) > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO __textindex (field, nodeid, tsv) VALUES `+strings.Join(vals, ", ")+`
				ON CONFLICT (field, nodeid) DO UPDATE SET tsv = EXCLUDED.tsv`, args...); err != nil {
				return err
			}
		}
	}
	return nil
}

func (dialect) TextHits(words []string) (string, []any) {
	return `SELECT field, nodeid FROM __textindex WHERE tsv @@ plainto_tsquery('simple', ?)`, []any{strings.Join(words, " ")}
}
