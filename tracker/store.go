package tracker

import (
	"context"
	"time"
)

// Store is the storage behind a Service: one implementation per SQL
// dialect (tracker/store/sqlite, tracker/store/postgres), all passing the
// conformance suite in tracker/store/storetest. A Store knows tables and
// rows; permissions, auditors, journal contents and the meaning of values
// live in the Service, so every door (web, mail, admin) applies them once.
type Store interface {
	// Dialect names the backend: "sqlite" or "postgresql".
	Dialect() string
	// Sync makes the class tables match the schema: new classes get
	// tables, added properties columns, removed properties lose theirs
	// (Roundup's automatic schema migration on open). It returns one line
	// per change made.
	Sync(ctx context.Context, s *Schema) ([]string, error)
	// Begin starts a transaction; write transactions are serialised on
	// SQLite (one writer) and run concurrently on PostgreSQL.
	Begin(ctx context.Context, write bool) (StoreTx, error)
	// Outbox is the durable event queue consumed after commit.
	Outbox() Outbox
	Close() error
}

// StoreTx is one database transaction. Items are addressed by class and
// id; values are the Go types documented on Kind.
type StoreTx interface {
	// Get loads one item (retired ones included) or wraps ErrNotFound.
	Get(ctx context.Context, c *Class, id string) (*Item, error)
	// GetLocked loads one item for changing it: on PostgreSQL the row is
	// locked until the transaction ends, so concurrent read-modify-write
	// cycles (adding a message to an issue) never lose an update.
	GetLocked(ctx context.Context, c *Class, id string) (*Item, error)
	// GetMany loads several items; props limits the multilinks loaded
	// (nil = all). Missing ids are left out.
	GetMany(ctx context.Context, c *Class, ids []string, props []string) ([]*Item, error)
	// Content returns a FileClass item's content.
	Content(ctx context.Context, c *Class, id string) ([]byte, error)
	// Insert stores a new item; it.ID "" allocates the next id. content
	// is stored for FileClass items.
	Insert(ctx context.Context, it *Item, content []byte) (string, error)
	// Update writes the given values (only those) and activity/actor.
	Update(ctx context.Context, c *Class, id string, vals Values, activity time.Time, actor string) error
	// SetContent replaces a FileClass item's content.
	SetContent(ctx context.Context, c *Class, id string, content []byte) error
	// SetRetired retires or restores an item; like Roundup's
	// Class.retire it leaves activity and actor alone (the journal
	// records who did it and when).
	SetRetired(ctx context.Context, c *Class, id string, retired bool) error
	// Lookup finds the active item whose key property equals key.
	Lookup(ctx context.Context, c *Class, key string) (string, error)
	// Filter returns the ids matching q in q's order, and the number of
	// matches ignoring Limit/Offset when q.Count is set (else -1).
	Filter(ctx context.Context, c *Class, q *Query) (ids []string, total int, err error)
	// AddJournal appends journal entries.
	AddJournal(ctx context.Context, entries ...JournalEntry) error
	// Journal returns an item's journal, oldest first.
	Journal(ctx context.Context, c *Class, id string) ([]JournalEntry, error)
	// JournalClass returns the journals of every item of a class, by
	// item id then entry order (export).
	JournalClass(ctx context.Context, c *Class) ([]JournalEntry, error)
	// PackJournal removes journal entries older than before (except
	// "create" entries), returning how many went.
	PackJournal(ctx context.Context, before time.Time) (int, error)
	// Index replaces the full-text index entry of one property of one item.
	Index(ctx context.Context, c *Class, id, prop, text string) error
	// Enqueue adds an outbox event, committed with the transaction.
	Enqueue(ctx context.Context, ev *OutboxEvent) error
	// MaxID returns the highest id of the class (0 when empty) — used by
	// import to continue numbering after preserved ids.
	MaxID(ctx context.Context, c *Class) (int64, error)
	// ResetSequence makes new ids continue after the largest one (after
	// an import that kept ids).
	ResetSequence(ctx context.Context, c *Class) error
	Commit() error
	Rollback() error
}

// Waker is implemented by stores shared by several processes
// (PostgreSQL): Wakeups receives when another process queued outbox
// events (LISTEN/NOTIFY), and once after every reconnect so events queued
// meanwhile are caught up.
type Waker interface {
	Wakeups(ctx context.Context) <-chan struct{}
}

// Leaser is implemented by stores that hand out named, expiring leases,
// so that of several processes sharing a database one runs a periodic
// job at a time.
type Leaser interface {
	Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
}

// Query is a filter already resolved against the schema (Tx.Filter builds
// it from Roundup's filterspec strings).
type Query struct {
	Conds []Cond
	// Text holds full-text words, all of which must occur in one indexed
	// text (a title, a message, a file) of the item or of an item it
	// links to (Roundup's Indexer.search).
	Text []string
	Sort []SortKey
	// Limit 0 = no limit.
	Limit, Offset int
	Retired       RetiredMode
	// Count asks for the total number of matches.
	Count bool
	// IgnoreText lists "class:prop" texts left out of the Text match.
	IgnoreText []string
}

// RetiredMode selects active items (default), retired ones, or both.
type RetiredMode uint8

// Retired modes.
const (
	ActiveOnly RetiredMode = iota
	RetiredOnly
	AnyRetired
)

// SortKey orders by one property; a Link sorts by its target's order
// property (Roundup Class.orderprop).
type SortKey struct {
	Prop string
	Desc bool
}

// CondOp is the kind of test a Cond makes.
type CondOp uint8

// Condition kinds.
const (
	// OpWords: a String contains every word (case-insensitive substring).
	OpWords CondOp = iota + 1
	// OpIDs: a Link is one of IDs (or empty when Empty); a Multilink
	// holds any of IDs (or is empty when Empty); "id" is one of IDs.
	OpIDs
	// OpExpr: a Multilink matches Roundup's RPN expression over ids
	// (-1 empty, -2 not, -3 and, -4 or).
	OpExpr
	// OpRanges: a Date/Number/Integer/Interval lies in any of Ranges.
	OpRanges
	// OpBools: a Boolean is one of Bools.
	OpBools
	// OpEqual: a String equals one of Strings exactly.
	OpEqual
)

// Cond is one filter condition on a property path: Path[0] is a property
// of the queried class; each further element is a property of the class
// the previous Link/Multilink points to ("assignedto.username").
type Cond struct {
	Path    []*Property
	Op      CondOp
	Words   []string
	Strings []string
	IDs     []string
	Empty   bool
	Expr    []string
	Ranges  []Range
	Bools   []bool
}

// Range is an inclusive range of a Date (time.Time), Number (float64),
// Integer (int64) or Interval (seconds, int64); nil bounds are open. Null
// matches unset values instead.
type Range struct {
	From, To any
	Null     bool
}

// Outbox is the durable queue of events that reactors enqueue inside a
// transaction and workers deliver after commit (nosy mail, IRC).
type Outbox interface {
	// Claim leases up to limit due events of the given kinds for worker,
	// oldest first, never one whose Kind and Key have an older undelivered
	// event (mail of one issue goes out in order; an IRC announcement does
	// not wait for that mail).
	Claim(ctx context.Context, worker string, kinds []string, limit int, lease time.Duration) ([]*OutboxEvent, error)
	// Done marks a claimed event delivered.
	Done(ctx context.Context, id int64) error
	// Retry releases a claimed event for another attempt at time at.
	Retry(ctx context.Context, id int64, at time.Time, errmsg string) error
	// Fail marks a claimed event permanently failed (kept, visible).
	Fail(ctx context.Context, id int64, errmsg string) error
	// List returns events in a state ("pending", "failed", "done"), newest first.
	List(ctx context.Context, state string, limit int) ([]*OutboxEvent, error)
	// Stats counts events by kind and state and gives the creation time
	// of the oldest undelivered one (zero when none) — for /metrics and
	// the admin's mail health page.
	Stats(ctx context.Context) (OutboxStats, error)
}

// OutboxStats summarise the outbox.
type OutboxStats struct {
	// Count maps "kind/state" ("nosy/pending", "mail/failed") to events.
	Count map[string]int
	// Oldest is when the oldest pending or claimed event was queued.
	Oldest time.Time
}

// OutboxEvent is one queued side effect.
type OutboxEvent struct {
	ID int64
	// Kind selects the consumer: "nosy", "irker", "mail", ...
	Kind string
	// Key orders events: events of one key are delivered in order
	// ("issue42").
	Key      string
	Payload  []byte
	Created  time.Time
	Attempts int
	NextTry  time.Time
	State    string
	LastErr  string
	// Trace is the id of the request (web request, mail message, admin
	// command) whose transaction queued the event, so the logs of its
	// delivery can be tied to what caused it.
	Trace string
}
