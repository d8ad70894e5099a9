package storetest

import (
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

// countOpen is the total of a counted, paged filter on open issues (the
// index page's "1..N out of TOTAL"), in a read-only transaction.
func countOpen(t *testing.T, f *Fixture) int {
	t.Helper()
	total := -1
	f.Read(t, func(tx *tracker.Tx) error {
		_, n, err := tx.Filter("issue", &tracker.Filter{Spec: map[string][]string{"status": {"open"}},
			Sort: tracker.ParseSort("-activity"), Limit: 1, Count: true})
		total = n
		return err
	})
	return total
}

// testCountsFollowWrites checks that a paged filter's total, which stores
// may keep between transactions (sqlstore's count cache), follows every
// kind of item write, and that a write transaction counts its own
// uncommitted changes.
func testCountsFollowWrites(t *testing.T, f *Fixture) {
	want := 0
	check := func(step string) {
		t.Helper()
		if got := countOpen(t, f); got != want {
			t.Fatalf("after %s: %d open issues counted, want %d", step, got, want)
		}
	}
	check("nothing")
	check("nothing, again")
	var ids []string
	for i := 0; i < 3; i++ {
		ids = append(ids, f.Create(t, "issue", tracker.Values{"title": "counted", "status": "2"}))
		want++
		check("create")
	}
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error { return tx.Set("issue", ids[0], tracker.Values{"status": "3"}) })
	want--
	check("closing one")
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error { return tx.Retire("issue", ids[1]) })
	want--
	check("retiring one")
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error { return tx.Restore("issue", ids[1]) })
	want++
	check("restoring it")
	// An update that fails rolls back and changes no count.
	_ = f.Svc.Update(f.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		if _, err := tx.Create("issue", tracker.Values{"title": "rolled back", "status": "2"}); err != nil {
			return err
		}
		return tracker.Rejectf("no")
	})
	check("a rolled-back create")
	// A write transaction sees its own change in its count.
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		if _, err := tx.Create("issue", tracker.Values{"title": "in flight", "status": "2"}); err != nil {
			return err
		}
		_, n, err := tx.Filter("issue", &tracker.Filter{Spec: map[string][]string{"status": {"open"}}, Limit: 1, Count: true})
		if err == nil && n != want+1 {
			t.Errorf("count inside the creating transaction: %d, want %d", n, want+1)
		}
		return err
	})
	want++
	check("a create counted inside its transaction")
}

// CountsAcrossStores checks that a total counted through store a follows
// writes made through store b, another Store on the same database (two
// processes of a scale-out layout: several corral-server and
// corral-mailgw on one PostgreSQL, or a server and a mail gateway on one
// SQLite file). Both stores must be empty; a is synced and seeded here.
func CountsAcrossStores(t *testing.T, a, b tracker.Store) {
	fa := NewFixture(t, a, Schema(t))
	if _, err := b.Sync(fa.Ctx, Schema(t)); err != nil {
		t.Fatalf("Sync of the second store: %v", err)
	}
	fb := &Fixture{Store: b, Svc: tracker.New(Schema(t), b, tracker.Options{Now: fa.Clock.Now, PasswordRounds: 1000}, nil),
		Clock: fa.Clock, Ctx: fa.Ctx}
	for want := 0; want < 4; want++ {
		if got := countOpen(t, fa); got != want {
			t.Fatalf("store a counts %d open issues, want %d", got, want)
		}
		if got := countOpen(t, fa); got != want { // again: from a's cache
			t.Fatalf("store a counts %d open issues the second time, want %d", got, want)
		}
		fb.Create(t, "issue", tracker.Values{"title": "made elsewhere", "status": "2"})
	}
}
