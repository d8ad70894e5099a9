package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// An index page shows Roundup's "1..50 out of N", and COUNT(*) walks
// every matching index entry: 8,000 open issues at bugs.python.org's size,
// 80,000 at ten times it, where the count was three quarters of the page
// (docs/benchmarks.md). The page itself comes from an index in constant
// time. countCache keeps each count until the tracker's data changes.
//
// What "changes" means is the item-data generation: one row, __changes,
// that every write transaction which inserted, updated, retired or
// restored an item increments as its last statement before COMMIT — in
// the same transaction, so a reader sees the data and the generation of
// one and the same commit, whichever process made it. Journal, outbox,
// session and key writes leave it alone: they change no count.
//
// A reader reads the generation first and counts second. On SQLite both
// come from the read transaction's one snapshot. On PostgreSQL (READ
// COMMITTED, a snapshot per statement) a commit may land between the two;
// then a count that already includes it is filed under the older
// generation, where no reader after that commit looks (they read the
// newer one), so no reader is ever given a count older than its own
// generation. Counting first and reading the generation second would
// file an old count under a new generation: the order matters.
//
// Only read-only transactions use the cache: a write transaction sees its
// own uncommitted changes, which the generation does not reflect yet.
type countCache struct {
	mu sync.Mutex
	m  map[string]countEntry
}

type countEntry struct {
	gen   int64
	total int
}

// maxCounts bounds the cache; past it, it starts again empty (the counts
// a tracker's pages ask for are few: saved queries, the default index).
const maxCounts = 1024

func (c *countCache) get(key string, gen int64) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || e.gen != gen {
		return 0, false
	}
	return e.total, true
}

func (c *countCache) put(key string, gen int64, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCounts {
		c.m = map[string]countEntry{}
	}
	if e, ok := c.m[key]; ok && e.gen > gen {
		return // a newer count is already filed
	}
	c.m[key] = countEntry{gen: gen, total: total}
}

// countKey identifies a count query with its arguments.
func countKey(query string, args []any) string {
	var b strings.Builder
	b.WriteString(query)
	for _, a := range args {
		fmt.Fprintf(&b, "\x00%T:%v", a, a)
	}
	return b.String()
}

// generation reads the item-data generation in the transaction.
func (t *Tx) generation(ctx context.Context) (int64, error) {
	var n int64
	err := t.queryRow(ctx, "SELECT n FROM __changes WHERE id = 1").Scan(&n)
	return n, err
}

// count runs a COUNT(*) query, through the cache in read-only
// transactions.
func (t *Tx) count(ctx context.Context, query string, args []any) (int, error) {
	var total int
	if t.write {
		err := t.queryRow(ctx, query, args...).Scan(&total)
		return total, err
	}
	gen, err := t.generation(ctx)
	if err != nil {
		return 0, err
	}
	key := countKey(query, args)
	if n, ok := t.s.counts.get(key, gen); ok {
		return n, nil
	}
	if err := t.queryRow(ctx, query, args...).Scan(&total); err != nil {
		return 0, err
	}
	t.s.counts.put(key, gen, total)
	return total, nil
}

// changed marks the transaction as one that changes item data, so that
// Commit advances the generation.
func (t *Tx) changed() { t.dataChanged = true }

// bumpGeneration advances the generation; Commit calls it last before
// COMMIT, so the row lock it takes on PostgreSQL is held only while
// committing.
func (t *Tx) bumpGeneration(ctx context.Context) error {
	if !t.dataChanged {
		return nil
	}
	if _, err := t.exec(ctx, "UPDATE __changes SET n = n + 1 WHERE id = 1"); err != nil {
		return fmt.Errorf("advancing the data generation: %w", err)
	}
	return nil
}
