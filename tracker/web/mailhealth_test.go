package web

import (
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

func TestMailHealthPage(t *testing.T) {
	e := newEnv(t)
	e.tt.Update(t, "admin", func(tx *tracker.Tx) error {
		return tx.Enqueue(tracker.EventMail, "x@example.com", []byte(`{"to":["x@example.com"]}`))
	})
	ob := e.tt.Store.Outbox()
	evs, err := ob.Claim(e.tt.Ctx, "t", []string{tracker.EventMail}, 1, time.Minute)
	if err != nil || len(evs) != 1 {
		t.Fatal(evs, err)
	}
	if err := ob.Fail(e.tt.Ctx, evs[0].ID, "550 5.1.1 no such user"); err != nil {
		t.Fatal(err)
	}
	admin := e.client(t, "admin")
	must(t, admin.get("/tracker/home?@template=mailhealth"), 200, "Mail health", "550 5.1.1 no such user", "x@example.com")
	must(t, e.client(t, "bob").get("/tracker/home?@template=mailhealth"), 403)
}
