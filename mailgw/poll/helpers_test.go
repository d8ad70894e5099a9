package poll

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/corral-tracker/corral/mailgw"
)

// recorder is a test Handler: it records the Message-ID of every message
// it accepts, dedups by Message-ID as the gateway does, and lets a test
// decide outcomes with decide (nil: accept everything).
type recorder struct {
	mu       sync.Mutex
	seen     map[string]int // Message-ID → times handed over
	accepted []string       // first acceptance order
	envs     []mailgw.Envelope
	decide   func(id string, attempt int) mailgw.Outcome
	changed  chan struct{}
}

func newRecorder() *recorder {
	return &recorder{seen: map[string]int{}, changed: make(chan struct{}, 1)}
}

func (r *recorder) Handle(ctx context.Context, env mailgw.Envelope, raw []byte) mailgw.Outcome {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return mailgw.Outcome{Status: mailgw.Refused, Text: "unparsable: " + err.Error()}
	}
	id := m.Header.Get("Message-Id")
	r.mu.Lock()
	defer func() {
		r.mu.Unlock()
		select {
		case r.changed <- struct{}{}:
		default:
		}
	}()
	r.seen[id]++
	r.envs = append(r.envs, env)
	out := mailgw.Outcome{Status: mailgw.Accepted}
	if r.decide != nil {
		out = r.decide(id, r.seen[id])
	}
	if out.Status == mailgw.Accepted {
		if r.countAccepted(id) > 0 {
			out.Duplicate = true
		} else {
			r.accepted = append(r.accepted, id)
		}
	}
	return out
}

func (r *recorder) countAccepted(id string) int {
	n := 0
	for _, a := range r.accepted {
		if a == id {
			n++
		}
	}
	return n
}

// acceptedIDs returns a copy of the accepted Message-IDs in order.
func (r *recorder) acceptedIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.accepted...)
}

// attempts returns how often id was handed over.
func (r *recorder) attempts(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen[id]
}

// waitFor polls cond until it holds or a generous deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testMessage is a small RFC 5322 message with a unique Message-ID.
func testMessage(n int) (id string, raw []byte) {
	id = fmt.Sprintf("<test%d@example.org>", n)
	raw = fmt.Appendf(nil, "From: Alice <alice@example.org>\r\n"+
		"To: tracker@example.org\r\n"+
		"Subject: test message %d\r\n"+
		"Message-Id: %s\r\n"+
		"Date: Mon, 02 Jan 2006 15:04:05 +0000\r\n"+
		"\r\n"+
		"Body of message %d.\r\n"+
		".line starting with a dot\r\n", n, id, n)
	return id, raw
}

// testLogger logs to the test's output when -v is given.
func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// runPoller runs run in the background and stops it at the end of the
// test, failing if it does not return.
func runPoller(t *testing.T, run func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run() = %v, want nil", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("Run did not return after cancel")
		}
	})
}
