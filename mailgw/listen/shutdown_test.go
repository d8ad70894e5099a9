package listen

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TestShutdownFinishesMessage: Shutdown closes idle connections with 421,
// lets the message being handled finish and get its 250, then returns;
// no new connection is accepted.
func TestShutdownFinishesMessage(t *testing.T) {
	h := newTestHandler()
	h.entered = make(chan struct{})
	h.release = make(chan struct{})
	srvTLS, cliTLS := serverTLS(t)
	s, addr := startServer(t, h, Options{TLSConfig: srvTLS}, "127.0.0.1:0")

	busy := dial(t, addr, false)
	idle := dial(t, addr, false)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	idleTLS, err := smtp.NewClientStartTLS(conn, cliTLS)
	if err != nil {
		t.Fatal(err)
	}
	defer idleTLS.Close()
	if err := idleTLS.Noop(); err != nil { // completes the TLS handshake
		t.Fatal(err)
	}
	result := make(chan error, 1)
	go func() { result <- send(busy, "alice@example.org", []string{"tracker@example.org"}, testMessage(1)) }()
	<-h.entered

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		shut <- s.Shutdown(ctx)
	}()
	for name, c := range map[string]*smtp.Client{"plain": idle, "TLS": idleTLS} {
		var err error
		waitFor(t, "the idle connection to be closed", func() bool { err = c.Noop(); return err != nil })
		if code, _ := replyCode(err); code != 421 {
			t.Errorf("NOOP on an idle %s connection during shutdown = %v, want 421", name, err)
		}
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) while a message was being handled", err)
	case err := <-result:
		t.Fatalf("the message was answered (%v) before the handler returned", err)
	default:
	}

	close(h.release)
	if err := <-result; err != nil {
		t.Errorf("the message in progress = %v, want 250", err)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown() = %v, want nil", err)
	}
	if len(h.received()) != 1 {
		t.Errorf("handler finished %d messages, want 1", len(h.received()))
	}
	if err := busy.Noop(); err == nil {
		t.Errorf("NOOP after shutdown = nil, want the connection closed")
	}
	if c, err := net.DialTimeout("tcp", addr, 5*time.Second); err == nil {
		c.Close()
		t.Errorf("dial after shutdown succeeded, want refused")
	}
	if st := s.Stats(); st.Open != 0 || st.Connections != 3 {
		t.Errorf("Stats() = %+v, want 3 connections, none open", st)
	}
}

// TestShutdownDeadline: when the deadline passes, the remaining
// connections are closed and the handlers' contexts cancelled; the
// message gets no 250, so the client keeps it.
func TestShutdownDeadline(t *testing.T) {
	h := newTestHandler()
	h.entered = make(chan struct{})
	h.release = make(chan struct{}) // never closed: only the context ends it
	s, addr := startServer(t, h, Options{}, "127.0.0.1:0")
	c := dial(t, addr, false)
	result := make(chan error, 1)
	go func() { result <- send(c, "alice@example.org", []string{"tracker@example.org"}, testMessage(1)) }()
	<-h.entered

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown() = %v, want DeadlineExceeded", err)
	}
	if err := <-result; err == nil {
		t.Errorf("the cut-off message was answered 250")
	}
	waitFor(t, "the handler's context to end", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return len(h.ctxErrs) == 1
	})
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
