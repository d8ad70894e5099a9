package jobs

import (
	"errors"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// TestExpireKeys: the hourly job removes expired sessions and one-time
// keys and incoming-mail marks older than KeepIncoming, and keeps live
// ones and the jobs' own state.
func TestExpireKeys(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		day0 := date(2026, 12, 1, 10, 0)
		e := newEnv(t, pg, day0)
		alice := e.Users["alice"]
		e.at(t, day0, tracker.AdminID, func(tx *tracker.Tx) error {
			for _, err := range []error{
				tx.PutSession(&tracker.Session{Key: "s-old", UserID: alice, Expires: day0.Add(time.Hour)}),
				tx.PutSession(&tracker.Session{Key: "s-live", UserID: alice, Expires: day0.AddDate(0, 0, 30)}),
				tx.PutOTK(&tracker.OTK{Key: "k-old", Kind: tracker.OTKRegister, Expires: day0.Add(time.Hour)}),
				tx.PutOTK(&tracker.OTK{Key: "k-live", Kind: tracker.OTKRegister, Expires: day0.AddDate(0, 0, 30)}),
			} {
				if err != nil {
					return err
				}
			}
			_, err := tx.MarkIncoming("<old@example.org>", "created issue1")
			return err
		})
		e.at(t, day0.AddDate(0, 0, 20), tracker.AdminID, func(tx *tracker.Tx) error {
			_, err := tx.MarkIncoming("<new@example.org>", "created issue2")
			return err
		})

		e.clock.Set(day0.AddDate(0, 0, 25))
		// Expired rows are invisible to lookups whether removed or not:
		// count what an expiry would remove, before the job (3: s-old,
		// k-old, the old mark) and after it (none).
		expirable := func() int {
			t.Helper()
			tx, err := e.svc.Begin(e.Ctx, tracker.AdminID)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			n, err := tx.ExpireKeys(10 * 24 * time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if got := expirable(); got != 3 {
			t.Fatalf("expirable rows before the job = %d, want 3", got)
		}
		r := e.runner(t, nil, Config{Enabled: []string{ExpireKeys}, KeepIncoming: 10 * 24 * time.Hour}, "p1")
		if err := r.RunDue(e.Ctx); err != nil {
			t.Fatal(err)
		}
		if got := expirable(); got != 0 {
			t.Errorf("expirable rows after the job = %d, want 0", got)
		}

		tx, err := e.svc.Begin(e.Ctx, tracker.AdminID)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		for _, tc := range []struct {
			what string
			err  error
			want bool
		}{
			{"session s-old", second(tx.GetSession("s-old")), false},
			{"session s-live", second(tx.GetSession("s-live")), true},
			{"key k-old", second(tx.PeekOTK("k-old")), false},
			{"key k-live", second(tx.PeekOTK("k-live")), true},
			{"state of expire_keys", second(tx.PeekOTK(stateKey(ExpireKeys))), true},
		} {
			if got := tc.err == nil; got != tc.want || (tc.err != nil && !errors.Is(tc.err, tracker.ErrNotFound)) {
				t.Errorf("%s kept = %v (%v), want %v", tc.what, got, tc.err, tc.want)
			}
		}
		for _, tc := range []struct {
			key  string
			kept bool
		}{{"<old@example.org>", false}, {"<new@example.org>", true}} {
			first, err := tx.MarkIncoming(tc.key, "again")
			if err != nil {
				t.Fatal(err)
			}
			if kept := !first; kept != tc.kept {
				t.Errorf("incoming mark %s kept = %v, want %v", tc.key, kept, tc.kept)
			}
		}
	})
}

func second[T any](_ T, err error) error { return err }
