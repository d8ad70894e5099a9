package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxStmts bounds the prepared statements kept per pool; past it queries
// run unprepared (filters with ever-different IN lists would otherwise
// fill memory).
const maxStmts = 2048

// stmtCache keeps statements prepared on a pool, so each connection
// parses a query's text once: SQLite's sqlite3_prepare was a quarter of
// an issue page's CPU, and the SQLite driver, unlike pgx, keeps no
// statement cache of its own. database/sql's Tx.StmtContext prepares a
// cached statement on the transaction's connection the first time it
// runs there and reuses it afterwards.
//
// A miss never prepares inline: the caller's transaction holds a
// connection, and with the single-connection writer pool (or a reader
// pool whose connections are all in transactions) DB.PrepareContext
// would wait for a connection forever. The statement runs unprepared
// and a goroutine prepares it once a connection is free.
type stmtCache struct {
	db     *sql.DB
	mu     sync.Mutex
	m      map[string]*sql.Stmt // nil value: being prepared or failed
	closed bool
	// ctx ends the background preparations at close, which waits for
	// them (wg) so that none opens a connection — for SQLite, files
	// beside the database — after the store is closed.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newStmtCache(db *sql.DB) *stmtCache {
	ctx, cancel := context.WithCancel(context.Background())
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, ctx: ctx, cancel: cancel}
}

// get returns the prepared statement for query, or nil when it is not
// ready yet (a preparation starts in the background), the cache is full
// or preparing failed; the caller then runs the text directly.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	st, seen := c.m[query]
	if !seen && !c.closed && len(c.m) < maxStmts {
		c.m[query] = nil
		c.wg.Add(1)
		go c.prepare(query)
	}
	c.mu.Unlock()
	return st
}

// prepare prepares query on whichever connection comes free first.
func (c *stmtCache) prepare(query string) {
	defer c.wg.Done()
	st, err := c.db.PrepareContext(c.ctx, query)
	if err != nil {
		return // stays nil: the query keeps running unprepared
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		st.Close()
		return
	}
	c.m[query] = st
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.closed = true // no new preparations
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		if st != nil {
			st.Close()
		}
	}
	c.m = map[string]*sql.Stmt{}
}

// stmt returns the transaction's version of the cached statement for
// query, or nil to run the text directly.
func (t *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	c := t.s.stmtsR
	if t.write {
		c = t.s.stmtsW
	}
	if c == nil {
		return nil
	}
	st := c.get(query)
	if st == nil {
		return nil
	}
	return t.tx.StmtContext(ctx, st)
}
