package ircgw

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corral-tracker/corral/ircgw/ircdtest"
)

// wait is the generous deadline for anything to arrive: tests run on a
// loaded 2-core CI machine.
const wait = 15 * time.Second

// logBuf collects a relay's log for assertions and shows it on failure.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor polls until the log contains s.
func (l *logBuf) waitFor(t testing.TB, s string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !strings.Contains(l.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("log never contained %q", s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fastOptions are options for tests: no pacing, quick retries.
func fastOptions() Options {
	return Options{
		LineRate:   -1,
		RetryMin:   20 * time.Millisecond,
		RetryMax:   200 * time.Millisecond,
		MaxClients: 64,
	}
}

// newRelay starts a relay for a test; it is shut down at the end.
func newRelay(t testing.TB, opts Options) (*Relay, *logBuf) {
	t.Helper()
	logs := &logBuf{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r, err := New(opts, logger)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.Shutdown(ctx)
		if t.Failed() {
			t.Logf("relay log:\n%s", logs.String())
		}
	})
	return r, logs
}

// serveRelay starts listeners on a free loopback port and returns the
// address.
func serveRelay(t testing.TB, r *Relay) string {
	t.Helper()
	ls, err := Listen("tcp", "udp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	go r.Serve(ls)
	return ls.Stream[0].Addr().String()
}

// url returns an irc:// URL for a channel on the fake server.
func url(s *ircdtest.Server, path string) string {
	return fmt.Sprintf("irc://%s/%s", s.Addr, path)
}

// submit sends a request through Submit and fails on nothing: errors are
// part of what tests check through the log.
func submit(r *Relay, format string, args ...any) {
	r.Submit([]byte(fmt.Sprintf(format, args...)))
}

// dialRelay opens a TCP submitter connection.
func dialRelay(t testing.TB, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial relay: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// equal compares string slices.
func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// shutdown shuts the relay down and fails on error.
func shutdown(t testing.TB, r *Relay) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := r.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// rawLines returns the raw lines the fake server read that start with
// prefix.
func rawLines(s *ircdtest.Server, prefix string) []string {
	var out []string
	for _, l := range s.Lines() {
		if strings.HasPrefix(l.Text, prefix) {
			out = append(out, l.Text)
		}
	}
	return out
}

// stopNow shuts the relay down without waiting for undeliverable lines.
func stopNow(r *Relay) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r.Shutdown(ctx)
}
