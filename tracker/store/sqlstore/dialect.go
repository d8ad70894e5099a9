// Package sqlstore is the SQL implementation of tracker.Store shared by
// the SQLite and PostgreSQL backends. It keeps Roundup's rdbms layout
// (roundup/backends/rdbms_common.py): one table "_CLASS" per class with an
// "id" and "__retired__" column and one "_PROP" column per scalar
// property, one junction table "CLASS_PROP(nodeid, linkid)" per Multilink,
// plus Corral's system tables (journal, full-text index, outbox). The
// few places where the dialects differ — placeholders, column types, the
// full-text index, id sequences, row locking — are behind Dialect.
package sqlstore

import (
	"context"
	"database/sql"

	"github.com/corral-tracker/corral/tracker"
)

// Dialect is what a backend supplies.
type Dialect interface {
	// Name is "sqlite" or "postgresql".
	Name() string
	// Rebind turns '?' placeholders into the dialect's form.
	Rebind(query string) string
	// ColumnType maps a property kind to a column type.
	ColumnType(k tracker.Kind) string
	// BlobType is the type of content columns.
	BlobType() string
	// IDType is the type of id columns of class tables.
	IDType() string
	// Migrations are the numbered system-table migrations (index+1 =
	// version); each may hold several statements.
	Migrations() [][]string
	// ILike is the case-insensitive LIKE operator.
	ILike() string
	// NullsFirst returns what makes NULLs sort first ascending and last
	// descending (Roundup's order), "" when that is the default.
	NullsFirst(desc bool) string
	// CreateSequence returns statements creating the id source of a
	// class (PostgreSQL sequence), or nil.
	CreateSequence(table string) []string
	// NextID allocates an id, or returns 0 to let the INSERT assign one.
	NextID(ctx context.Context, tx *sql.Tx, table string) (int64, error)
	// ResetSequence moves the id source past the largest id (after an
	// import that kept ids).
	ResetSequence(ctx context.Context, tx *sql.Tx, table string) error
	// IndexText replaces the index entries of text fields (numbered
	// class.properties, see __textfield) of items with their
	// pre-tokenised words (tracker/search.IndexText); empty words remove
	// an entry. A transaction's entries come in one call at commit, so
	// the dialect can write them in a few statements.
	IndexText(ctx context.Context, tx *sql.Tx, entries []TextEntry) error
	// TextHits returns a query selecting (field, nodeid) rows whose
	// indexed words contain all the given words, and its arguments.
	TextHits(words []string) (string, []any)
	// ForUpdateSkipLocked is the locking clause for outbox claims ("" on
	// SQLite, where the single writer already serialises claims).
	ForUpdateSkipLocked() string
	// IndexNulls is appended to sortable index columns so NULLs sort
	// first ascending (and last descending), the order filters use.
	IndexNulls() string
	// Maintenance statements refresh planner statistics and reclaim
	// space (SQLite ANALYZE, PostgreSQL VACUUM ANALYZE).
	Maintenance() []string
	// NotifyOutbox is a statement telling other processes, at commit,
	// that outbox events were queued (PostgreSQL NOTIFY; "" on SQLite,
	// where one process works the outbox).
	NotifyOutbox() string
	// LockRow is the clause locking a selected row for update ("" on
	// SQLite).
	LockRow() string
	// IsUniqueViolation reports a unique-constraint error.
	IsUniqueViolation(err error) bool
	// DropColumn returns the statements removing a column (dropping
	// indexes on it first where the dialect requires).
	DropColumn(table, column string) []string
}

// TextEntry is one full-text index entry to write.
type TextEntry struct {
	Field, ID int64
	Words     string
}

// SchemaDialect holds the DDL differences used by Sync.
type SchemaDialect interface {
	// SchemaLock returns a statement serialising schema syncs of several
	// processes ("" when the database already does).
	SchemaLock() string
	// JunctionDDL creates a Multilink junction table with its indexes.
	JunctionDDL(table string) []string
}
