package announce

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/internal/testtracker"
	"github.com/corral-tracker/corral/ircgw"
	"github.com/corral-tracker/corral/ircgw/ircdtest"
	"github.com/corral-tracker/corral/tracker"
)

// startRelay runs our irkerd (ircgw) on a free 127.0.0.1 TCP port.
func startRelay(t *testing.T, addr string) (*ircgw.Relay, string) {
	t.Helper()
	r, err := ircgw.New(ircgw.Options{LineRate: 1000, LineBurst: 100}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if addr == "" {
		addr = "127.0.0.1:" + strconv.Itoa(ircdtest.FreePort(t))
	}
	l, err := ircgw.Listen("tcp", "udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	go r.Serve(l)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.Shutdown(ctx)
	})
	return r, addr
}

// TestAnnounceThroughIrkerd: a new issue and a reply are announced in
// bpo's format on a real ngIRCd channel through our irkerd; while irkerd
// is down the announcement waits in the outbox and goes out afterwards.
func TestAnnounceThroughIrkerd(t *testing.T) {
	ircd := ircdtest.StartNgircd(t, ircdtest.NgircdConfig{})
	obs := ircdtest.NewObserver(t, ircd.Addr, "watcher", "#python-dev")
	tt := testtracker.New(t, testtracker.Options{Detectors: map[string]string{
		"irker.channels": "irc://" + ircd.Addr + "/python-dev"}})
	relayAddr := "127.0.0.1:" + strconv.Itoa(ircdtest.FreePort(t))
	w := NewWorker(tt.Svc, &Irkerd{Addr: relayAddr, Timeout: 2 * time.Second}, "test", nil)
	w.Backoff = func(int) time.Duration { return 50 * time.Millisecond }
	id := tt.Issue(t, "alice", "json.loads crashes", "It crashes\non deeply nested input.", nil)
	// irkerd is not running yet: the event is deferred, not lost.
	if _, err := w.Drain(tt.Ctx); err != nil {
		t.Fatal(err)
	}
	pend := irkerPending(t, tt)
	if len(pend) != 1 || pend[0].LastErr == "" {
		t.Fatalf("with irkerd down: pending %+v, want the announcement kept with its error", pend)
	}
	startRelay(t, relayAddr)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := w.Drain(tt.Ctx); err != nil {
			t.Fatal(err)
		}
		if len(irkerPending(t, tt)) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	tt.Update(t, "bob", func(tx *tracker.Tx) error {
		m, err := tx.Create("msg", tracker.Values{"content": "Confirmed.", "author": tx.UserID()})
		if err != nil {
			return err
		}
		v, err := tx.ParseValues("issue", id, map[string]string{"messages": "+" + m})
		if err != nil {
			return err
		}
		return tx.Set("issue", id, v)
	})
	if _, err := w.Drain(tt.Ctx); err != nil {
		t.Fatal(err)
	}
	got := obs.WaitTexts(t, "#python-dev", 2, 20*time.Second)
	want0 := "\x0303alice\x0f \x0310#" + id + "\x0f/json.loads crashes\x02:\x02 [new] It crashes on deeply nested input. http://localhost:8080/tracker/issue" + id
	if got[0] != want0 {
		t.Errorf("first announcement = %q, want %q", got[0], want0)
	}
	if !strings.Contains(got[1], "\x0303bob\x0f") || !strings.Contains(got[1], "Confirmed.") {
		t.Errorf("second announcement = %q", got[1])
	}
	if left := irkerPending(t, tt); len(left) != 0 {
		t.Errorf("%d announcements still pending", len(left))
	}
}

// TestAnnounceDirect: [irker] mode = direct sends through an in-process
// relay (ircgw) instead of irkerd.
func TestAnnounceDirect(t *testing.T) {
	ircd := ircdtest.StartNgircd(t, ircdtest.NgircdConfig{})
	obs := ircdtest.NewObserver(t, ircd.Addr, "watcher", "#bugs")
	tt := testtracker.New(t, testtracker.Options{Detectors: map[string]string{"irker.channels": "irc://" + ircd.Addr + "/bugs"}})
	relay, err := ircgw.New(ircgw.Options{LineRate: 1000, LineBurst: 100}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Shutdown(context.Background())
	w := NewWorker(tt.Svc, relay, "direct", nil)
	tt.Issue(t, "bob", "direct mode", "hello", nil)
	if n, err := w.Drain(tt.Ctx); err != nil || n != 1 {
		all, _ := tt.Store.Outbox().List(tt.Ctx, "pending", 10)
		for _, ev := range all {
			t.Logf("pending %s %s %s", ev.Kind, ev.Key, ev.Payload)
		}
		t.Fatalf("Drain = %d, %v", n, err)
	}
	if got := obs.WaitTexts(t, "#bugs", 1, 20*time.Second); !strings.Contains(got[0], "direct mode") {
		t.Errorf("announcement %q", got[0])
	}
}

func irkerPending(t *testing.T, tt *testtracker.T) []*tracker.OutboxEvent {
	var out []*tracker.OutboxEvent
	all, err := tt.Store.Outbox().List(tt.Ctx, "pending", 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range all {
		if ev.Kind == tracker.EventIrker {
			out = append(out, ev)
		}
	}
	return out
}
