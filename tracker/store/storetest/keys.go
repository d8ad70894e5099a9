package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

func testKeys(t *testing.T, f *Fixture) {
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		if err := tx.PutOTK(&tracker.OTK{Key: "k1", Kind: "register", Data: []byte("pending"), Expires: exp}); err != nil {
			return err
		}
		if err := tx.PutOTK(&tracker.OTK{Key: "old", Kind: "reset", Expires: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
			return err
		}
		return tx.PutSession(&tracker.Session{Key: "s1", UserID: "3", Data: []byte("{}"), Expires: exp})
	})
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		if k, err := tx.PeekOTK("k1"); err != nil || string(k.Data) != "pending" || k.Kind != "register" {
			t.Errorf("PeekOTK(k1) = %+v, %v", k, err)
		}
		if k, err := tx.TakeOTK("k1"); err != nil || string(k.Data) != "pending" || !k.Expires.Equal(exp) {
			t.Errorf("TakeOTK(k1) = %+v, %v", k, err)
		}
		if _, err := tx.TakeOTK("k1"); !errors.Is(err, tracker.ErrNotFound) {
			t.Errorf("second TakeOTK(k1) err = %v, want ErrNotFound", err)
		}
		if _, err := tx.TakeOTK("old"); !errors.Is(err, tracker.ErrNotFound) {
			t.Errorf("TakeOTK(expired) err = %v, want ErrNotFound", err)
		}
		s, err := tx.GetSession("s1")
		if err != nil || s.UserID != "3" || string(s.Data) != "{}" {
			t.Errorf("GetSession(s1) = %+v, %v", s, err)
		}
		if n, err := tx.ExpireKeys(time.Hour); err != nil || n != 1 {
			t.Errorf("ExpireKeys = %d, %v; want 1 (the old key)", n, err)
		}
		if err := tx.DeleteSession("s1"); err != nil {
			return err
		}
		if _, err := tx.GetSession("s1"); !errors.Is(err, tracker.ErrNotFound) {
			t.Errorf("GetSession after delete err = %v", err)
		}
		return nil
	})
	// Incoming-mail marks: first wins; a rolled-back mark is forgotten.
	mark := func(key string) bool {
		var first bool
		f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
			var err error
			first, err = tx.MarkIncoming(key, "created issue1")
			return err
		})
		return first
	}
	if !mark("<a@example.com>") || mark("<a@example.com>") {
		t.Error("MarkIncoming: want true then false for the same Message-ID")
	}
	err := f.Svc.Update(f.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		if _, err := tx.MarkIncoming("<b@example.com>", "x"); err != nil {
			return err
		}
		return fmt.Errorf("rollback")
	})
	if err == nil {
		t.Fatal("expected the rollback error")
	}
	if !mark("<b@example.com>") {
		t.Error("a rolled-back MarkIncoming was kept")
	}
}

func testLeases(t *testing.T, f *Fixture) {
	l, ok := f.Store.(tracker.Leaser)
	if !ok {
		t.Skip("store has no leases")
	}
	take := func(holder string, ttl time.Duration) bool {
		got, err := l.Lease(f.Ctx, "jobs", holder, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if !take("a", time.Hour) || !take("a", time.Hour) {
		t.Error("holder a cannot take or renew a free lease")
	}
	if take("b", time.Hour) {
		t.Error("holder b took a's running lease")
	}
	if !take("a", -time.Second) || !take("b", time.Hour) {
		t.Error("an expired lease was not handed over")
	}
}
