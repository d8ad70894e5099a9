package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

func testAuditorRejectRollsBack(t *testing.T, f *Fixture) {
	f.Svc.Audit("issue", "set", "no-closing", 100, func(tx *tracker.Tx, ch *tracker.Change) error {
		if ch.New["status"] == "3" {
			return tracker.Rejectf("issue%s may not be closed", ch.ID)
		}
		return nil
	})
	f.Svc.Audit("issue", "create", "default-status", 100, func(tx *tracker.Tx, ch *tracker.Change) error {
		if ch.New["status"] == nil {
			ch.New["status"] = "1"
		}
		return nil
	})
	id := f.Create(t, "issue", tracker.Values{"title": "keep"})
	if got := f.Get(t, "issue", id).Str("status"); got != "1" {
		t.Errorf("auditor default status = %q, want 1", got)
	}
	before := countItems(t, f)
	err := f.Svc.Update(f.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		m, err := tx.Create("msg", tracker.Values{"content": "will vanish", "author": "1"})
		if err != nil {
			return err
		}
		if err := tx.Set("issue", id, tracker.Values{"messages": []string{m}, "title": "changed"}); err != nil {
			return err
		}
		if err := tx.Enqueue("test", "issue"+id, []byte("x")); err != nil {
			return err
		}
		return tx.Set("issue", id, tracker.Values{"status": "3"})
	})
	var rej *tracker.Reject
	if !errors.As(err, &rej) || rej.Msg != "issue"+id+" may not be closed" {
		t.Fatalf("Update = %v, want the auditor's Reject", err)
	}
	if after := countItems(t, f); !maps.Equal(after, before) {
		t.Errorf("after a rejected transaction: %v, want %v", after, before)
	}
	it := f.Get(t, "issue", id)
	if it.Str("title") != "keep" || len(it.IDs("messages")) != 0 {
		t.Errorf("issue%s after rollback: title %q messages %v, want keep []", id, it.Str("title"), it.IDs("messages"))
	}
	f.Read(t, func(tx *tracker.Tx) error {
		j, err := tx.Journal("issue", id)
		if err != nil {
			return err
		}
		if len(j) != 1 {
			t.Errorf("journal after rollback has %d entries, want 1 (create)", len(j))
		}
		ids, _, err := tx.Filter("issue", &tracker.Filter{Text: "vanish"})
		if len(ids) != 0 || err != nil {
			t.Errorf("full-text after rollback = %v, %v, want nothing", ids, err)
		}
		return nil
	})
	evs, err := f.Store.Outbox().Claim(f.Ctx, "w", []string{"test"}, 10, time.Minute)
	if err != nil || len(evs) != 0 {
		t.Errorf("outbox after rollback = %v, %v, want empty", evs, err)
	}
}

func countItems(t *testing.T, f *Fixture) map[string]int {
	out := map[string]int{}
	f.Read(t, func(tx *tracker.Tx) error {
		for _, c := range []string{"issue", "msg", "file"} {
			ids, _, err := tx.Filter(c, &tracker.Filter{Retired: tracker.AnyRetired})
			if err != nil {
				return err
			}
			out[c] = len(ids)
		}
		return nil
	})
	return out
}

func testReactorsAndOutbox(t *testing.T, f *Fixture) {
	var seen []string
	f.Svc.React("issue", "set", "announce", 100, func(tx *tracker.Tx, ch *tracker.Change) error {
		seen = append(seen, fmt.Sprintf("%s %v->%v", ch.ID, ch.Old.Str("title"), ch.New["title"]))
		return tx.Enqueue("announce", "issue"+ch.ID, []byte(ch.New["title"].(string)))
	})
	woke := make(chan struct{}, 10)
	f.Svc.OnCommit(func() { woke <- struct{}{} })
	id := f.Create(t, "issue", tracker.Values{"title": "a"})
	<-woke
	if err := f.Svc.Update(tracker.WithTrace(f.Ctx, "req-42"), tracker.AdminID, func(tx *tracker.Tx) error {
		return tx.Set("issue", id, tracker.Values{"title": "b"})
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-woke:
	default:
		t.Error("OnCommit hook not called after a write commit")
	}
	if want := []string{id + " a->b"}; !slices.Equal(seen, want) {
		t.Errorf("reactor saw %v, want %v", seen, want)
	}
	evs, err := f.Store.Outbox().Claim(f.Ctx, "w1", []string{"announce"}, 10, time.Minute)
	if err == nil && len(evs) == 1 && evs[0].Trace != "req-42" {
		t.Errorf("event trace = %q, want the request id req-42", evs[0].Trace)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || string(evs[0].Payload) != "b" || evs[0].Key != "issue"+id || evs[0].Attempts != 1 {
		t.Fatalf("claimed %+v, want one event with payload b", evs)
	}
	if err := f.Store.Outbox().Done(f.Ctx, evs[0].ID); err != nil {
		t.Fatal(err)
	}
	if evs, _ := f.Store.Outbox().Claim(f.Ctx, "w1", []string{"announce"}, 10, time.Minute); len(evs) != 0 {
		t.Errorf("claimed %d events after Done, want 0", len(evs))
	}
}

func testOutboxOrderAndRetry(t *testing.T, f *Fixture) {
	ob := f.Store.Outbox()
	st, err := ob.Stats(f.Ctx)
	if err != nil || len(st.Count) != 0 || !st.Oldest.IsZero() {
		t.Errorf("Stats of an empty outbox = %+v, %v", st, err)
	}
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error {
		for _, e := range []struct{ key, p string }{{"k1", "1a"}, {"k2", "2a"}, {"k1", "1b"}, {"k2", "2b"}, {"k3", "3a"}} {
			if err := tx.Enqueue("mail", e.key, []byte(e.p)); err != nil {
				return err
			}
		}
		return nil
	})
	claim := func(worker string, lease time.Duration) []string {
		evs, err := ob.Claim(f.Ctx, worker, []string{"mail"}, 10, lease)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range evs {
			out = append(out, string(e.Payload))
		}
		return out
	}
	if st, err := ob.Stats(f.Ctx); err != nil || st.Count["mail/pending"] != 5 || st.Oldest.IsZero() {
		t.Errorf("Stats = %+v, %v; want 5 pending mail events", st, err)
	}
	ids := map[string]int64{}
	all, _ := ob.List(f.Ctx, "pending", 10)
	for _, e := range all {
		ids[string(e.Payload)] = e.ID
	}
	if got := claim("w1", time.Hour); !slices.Equal(got, []string{"1a", "2a", "3a"}) {
		t.Fatalf("first claim = %v, want the head of each key [1a 2a 3a]", got)
	}
	if got := claim("w2", time.Hour); len(got) != 0 {
		t.Errorf("second worker claimed %v while heads are leased, want nothing", got)
	}
	// 1a fails temporarily: 1b must wait behind it.
	if err := ob.Retry(f.Ctx, ids["1a"], time.Now().Add(-time.Second), "451 try later"); err != nil {
		t.Fatal(err)
	}
	if err := ob.Done(f.Ctx, ids["2a"]); err != nil {
		t.Fatal(err)
	}
	if err := ob.Fail(f.Ctx, ids["3a"], "550 no such user"); err != nil {
		t.Fatal(err)
	}
	if got := claim("w2", time.Hour); !slices.Equal(got, []string{"1a", "2b"}) {
		t.Errorf("after retry/done: claim = %v, want [1a 2b]", got)
	}
	failed, _ := ob.List(f.Ctx, "failed", 10)
	if len(failed) != 1 || failed[0].LastErr != "550 no such user" {
		t.Errorf("failed events = %+v, want 3a with its error", failed)
	}
	// An expired lease (crashed worker) makes the event due again.
	if err := ob.Done(f.Ctx, ids["1a"]); err != nil {
		t.Fatal(err)
	}
	if got := claim("w3", -time.Second); !slices.Equal(got, []string{"1b"}) {
		t.Fatalf("claim = %v, want [1b]", got)
	}
	if got := claim("w4", time.Hour); !slices.Equal(got, []string{"1b"}) {
		t.Errorf("after lease expiry: claim = %v, want [1b] again", got)
	}
	// Order holds per kind: another kind's event for the same key is not
	// held up by undelivered mail.
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error { return tx.Enqueue("irker", "k1", []byte("irc")) })
	evs, err := ob.Claim(f.Ctx, "w5", []string{"irker"}, 10, time.Hour)
	if err != nil || len(evs) != 1 || string(evs[0].Payload) != "irc" {
		t.Errorf("irker claim while k1 mail is pending = %v, %v; want the irker event", evs, err)
	}
}

func testConcurrentWriters(t *testing.T, f *Fixture) {
	id := f.Create(t, "issue", tracker.Values{"title": "busy"})
	const writers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				err := f.Svc.Update(context.Background(), tracker.AdminID, func(tx *tracker.Tx) error {
					m, err := tx.Create("msg", tracker.Values{"content": "hello", "author": "1"})
					if err != nil {
						return err
					}
					vals, err := tx.ParseValues("issue", id, map[string]string{"messages": "+" + m})
					if err != nil {
						return err
					}
					return tx.Set("issue", id, vals)
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent writer: %v", err)
	}
	if n := len(f.Get(t, "issue", id).IDs("messages")); n != writers*each {
		t.Errorf("issue%s has %d messages, want %d (lost updates)", id, n, writers*each)
	}
}

// testWakeups: a store shared by processes tells a consumer when another
// process queued events (PostgreSQL LISTEN/NOTIFY); others have none.
func testWakeups(t *testing.T, f *Fixture) {
	w, ok := f.Store.(tracker.Waker)
	if !ok {
		t.Skip("store has no cross-process wake-ups")
	}
	ctx, cancel := context.WithCancel(f.Ctx)
	defer cancel()
	ch := w.Wakeups(ctx)
	if ch == nil {
		t.Skip("store has no cross-process wake-ups")
	}
	select { // the catch-up signal after connecting
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no wake-up after connecting")
	}
	f.Update(t, tracker.AdminID, func(tx *tracker.Tx) error { return tx.Enqueue("mail", "k", []byte("x")) })
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no wake-up after another transaction queued an event")
	}
}
