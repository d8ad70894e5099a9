package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// Opener opens a fresh, empty store for one test (its own file or schema)
// and registers its cleanup with t.
type Opener func(t *testing.T) tracker.Store

// Run runs the whole conformance suite against the stores open makes.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, f *Fixture)
	}{
		{"PropertyRoundTrip", testPropertyRoundTrip},
		{"Filter", testFilter},
		{"FilterSortAndPage", testFilterSortAndPage},
		{"CountsFollowWrites", testCountsFollowWrites},
		{"FullText", testFullText},
		{"Journal", testJournal},
		{"RetireRestore", testRetireRestore},
		{"Permissions", testPermissions},
		{"AuditorRejectRollsBack", testAuditorRejectRollsBack},
		{"ReactorsAndOutbox", testReactorsAndOutbox},
		{"OutboxOrderAndRetry", testOutboxOrderAndRetry},
		{"MultilinkEdits", testMultilinkEdits},
		{"ReverseMultilink", testReverseMultilink},
		{"SchemaMigration", testSchemaMigration},
		{"ConcurrentWriters", testConcurrentWriters},
		{"Keys", testKeys},
		{"Wakeups", testWakeups},
		{"Leases", testLeases},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := NewFixture(t, open(t), Schema(t))
			tc.fn(t, f)
		})
	}
}

// Fixture is a synced store with a Service on a fake clock and seed
// data: statuses unread(1) open(2) closed(3); priorities high(1) low(2);
// users admin(1) anonymous(2) alice(3, User) bob(4, Developer).
type Fixture struct {
	Store tracker.Store
	Svc   *tracker.Service
	Clock *Clock
	Ctx   context.Context
}

// Clock is a fake clock advancing one second per reading.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the next tick.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// NewFixture syncs schema into store and seeds it.
func NewFixture(t *testing.T, store tracker.Store, schema *tracker.Schema) *Fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := store.Sync(ctx, schema); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	clock := &Clock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	svc := tracker.New(schema, store, tracker.Options{Now: clock.Now, PasswordRounds: 1000}, nil)
	f := &Fixture{Store: store, Svc: svc, Clock: clock, Ctx: ctx}
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		for _, c := range []struct {
			class string
			vals  tracker.Values
		}{
			{"user", tracker.Values{"username": "admin", "roles": "Admin", "address": "admin@example.com"}},
			{"user", tracker.Values{"username": "anonymous", "roles": "Anonymous"}},
			{"user", tracker.Values{"username": "alice", "roles": "User", "address": "alice@example.com", "realname": "Alice Liddell"}},
			{"user", tracker.Values{"username": "bob", "roles": "User,Developer", "address": "bob@example.com"}},
			{"status", tracker.Values{"name": "unread", "order": 1.0}},
			{"status", tracker.Values{"name": "open", "order": 2.0}},
			{"status", tracker.Values{"name": "closed", "order": 3.0}},
			{"priority", tracker.Values{"name": "high", "order": 1.0}},
			{"priority", tracker.Values{"name": "low", "order": 2.0}},
		} {
			if _, err := tx.Create(c.class, c.vals); err != nil {
				return err
			}
		}
		return nil
	})
	return f
}

// Update runs fn in a committed write transaction as user, failing the
// test on error.
func (f *Fixture) Update(t testing.TB, user string, fn func(tx *tracker.Tx) error) {
	t.Helper()
	if err := f.Svc.Update(f.Ctx, user, fn); err != nil {
		t.Fatalf("Update as %s: %v", user, err)
	}
}

// Read runs fn in a read transaction as admin.
func (f *Fixture) Read(t testing.TB, fn func(tx *tracker.Tx) error) {
	t.Helper()
	if err := f.Svc.Read(f.Ctx, tracker.AdminID, fn); err != nil {
		t.Fatalf("Read: %v", err)
	}
}

// Create makes one item as admin and returns its id.
func (f *Fixture) Create(t testing.TB, class string, vals tracker.Values) string {
	t.Helper()
	var id string
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		id, err = tx.Create(class, vals)
		return err
	})
	return id
}

// Get reads one item in a fresh read transaction (from the database,
// not a transaction cache).
func (f *Fixture) Get(t testing.TB, class, id string) *tracker.Item {
	t.Helper()
	var it *tracker.Item
	f.Read(t, func(tx *tracker.Tx) error {
		var err error
		it, err = tx.Get(class, id)
		return err
	})
	return it
}
