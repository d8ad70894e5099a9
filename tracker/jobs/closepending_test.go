package jobs

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// TestClosePending: of issues pending for 13 and 15 days, only the older
// is closed, by the configured user, with close-pending's message, a
// journal entry and a nosy notification; the younger follows once it is
// old enough; an issue an auditor refuses to close stays pending without
// failing the job.
func TestClosePending(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		day0 := date(2026, 12, 1, 10, 0)
		e := newEnv(t, pg, day0)
		pending, closed := e.lookup(t, "status", "pending"), e.lookup(t, "status", "closed")
		blocker := e.issue(t, day0, "alice", "blocker", nil)
		issues := map[string]string{
			"15 days": e.issue(t, day0, "alice", "pending for 15 days", nil),
			"13 days": e.issue(t, day0, "alice", "pending for 13 days", nil),
			"blocked": e.issue(t, day0, "bob", "pending, open dependency", tracker.Values{"dependencies": []string{blocker}}),
			"open":    e.issue(t, day0, "alice", "open for 15 days", nil),
		}
		e.set(t, day0.Add(time.Hour), "bob", issues["15 days"], "", tracker.Values{"status": pending})
		e.set(t, day0.Add(time.Hour), "bob", issues["blocked"], "", tracker.Values{"status": pending})
		e.set(t, day0.Add(49*time.Hour), "bob", issues["13 days"], "", tracker.Values{"status": pending})

		run := func(now time.Time) {
			t.Helper()
			e.clock.Set(now)
			r := e.runner(t, nil, Config{Enabled: []string{ClosePending}, ClosePendingUser: "bob"}, "p1")
			if err := r.RunDue(e.Ctx); err != nil {
				t.Fatalf("RunDue at %s: %v", now, err)
			}
		}
		run(day0.Add(15*24*time.Hour + 2*time.Hour))
		want := map[string]string{"15 days": closed, "13 days": pending, "blocked": pending, "open": e.lookup(t, "status", "open")}
		for name, id := range issues {
			if got := e.get(t, "issue", id).Str("status"); got != want[name] {
				t.Errorf("status of issue%s (%s) = %s, want %s", id, name, got, want[name])
			}
		}

		id, bob := issues["15 days"], e.Users["bob"]
		it := e.get(t, "issue", id)
		msgs := it.IDs("messages")
		if len(msgs) != 2 {
			t.Fatalf("messages of issue%s = %v, want 2", id, msgs)
		}
		msg := e.get(t, "msg", msgs[1])
		if got := e.content(t, msgs[1]); got != closeMessage {
			t.Errorf("content(msg%s) = %q, want %q", msgs[1], got, closeMessage)
		}
		if got := msg.Str("author"); got != bob {
			t.Errorf("author of msg%s = %s, want %s (bob)", msgs[1], got, bob)
		}
		if got := msg.Str("summary"); got != closeSummary {
			t.Errorf("summary of msg%s = %q, want %q", msgs[1], got, closeSummary)
		}
		if it.Str("resolution") != "" {
			t.Errorf("resolution of issue%s = %s, want none (close-pending sets none)", id, it.Str("resolution"))
		}
		j := e.journal(t, "issue", id)
		last := j[len(j)-1]
		if last.Action != tracker.ActSet || last.User != bob || last.Params.Old["status"] != pending ||
			!slices.Equal(last.Params.Added["messages"], msgs[1:]) {
			t.Errorf("last journal entry of issue%s = %+v, want bob's set of status (was %s) adding msg%s", id, last, pending, msgs[1])
		}
		var found bool
		for _, ev := range e.events(t, tracker.EventNosy, "issue"+id) {
			var ce tracker.ChangeEvent
			if err := json.Unmarshal(ev.Payload, &ce); err != nil {
				t.Fatal(err)
			}
			found = found || slices.Contains(ce.Messages, msgs[1])
		}
		if !found {
			t.Errorf("no nosy event queued for msg%s of issue%s", msgs[1], id)
		}

		// Later that day nothing runs again; two days on, the 13-day
		// issue is 15 days old too.
		run(day0.Add(15*24*time.Hour + 5*time.Hour))
		if got := len(e.get(t, "issue", id).IDs("messages")); got != 2 {
			t.Errorf("messages of issue%s after a second pass = %d, want 2", id, got)
		}
		if got := e.get(t, "issue", issues["13 days"]).Str("status"); got != pending {
			t.Errorf("status of the 13-day issue the same day = %s, want %s", got, pending)
		}
		run(day0.Add(17*24*time.Hour + 2*time.Hour))
		if got := e.get(t, "issue", issues["13 days"]).Str("status"); got != closed {
			t.Errorf("status of the 13-day issue two days later = %s, want %s", got, closed)
		}
	})
}
