package listen

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corral-tracker/corral/mailgw"
	"github.com/emersion/go-smtp"
)

// testHandler is a small Handler + RecipientChecker for tests: it
// records what it gets, knows the recipients in known (lower-cased) and
// returns outcome (default Accepted).
type testHandler struct {
	mu       sync.Mutex
	got      []received
	known    map[string]error // rcpt → CheckRecipient result
	outcome  func(env mailgw.Envelope, raw []byte) mailgw.Outcome
	entered  chan struct{} // if set, signalled when Handle starts
	release  chan struct{} // if set, Handle waits for it
	ctxErrs  []error
	checking bool
}

type received struct {
	env mailgw.Envelope
	raw string
}

func newTestHandler() *testHandler {
	return &testHandler{known: map[string]error{
		"tracker@example.org": nil,
		"issues@example.org":  nil,
		"busy@example.org":    &mailgw.RecipientError{Temporary: true, Text: "Database busy, try later"},
		"broken@example.org":  errors.New("connection refused"),
	}, checking: true}
}

func (h *testHandler) Handle(ctx context.Context, env mailgw.Envelope, raw []byte) mailgw.Outcome {
	if h.entered != nil {
		h.entered <- struct{}{}
	}
	if h.release != nil {
		select {
		case <-h.release:
		case <-ctx.Done():
			h.mu.Lock()
			h.ctxErrs = append(h.ctxErrs, ctx.Err())
			h.mu.Unlock()
			return mailgw.Outcome{Status: mailgw.Deferred, Text: "cancelled"}
		}
	}
	h.mu.Lock()
	h.got = append(h.got, received{env, string(raw)})
	h.mu.Unlock()
	if h.outcome != nil {
		return h.outcome(env, raw)
	}
	return mailgw.Outcome{Status: mailgw.Accepted, Designator: "issue1"}
}

func (h *testHandler) CheckRecipient(ctx context.Context, rcpt string) error {
	if err, ok := h.known[strings.ToLower(rcpt)]; ok {
		return err
	}
	return &mailgw.RecipientError{Text: "Unknown recipient " + rcpt}
}

func (h *testHandler) received() []received {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]received(nil), h.got...)
}

// handlerOnly hides CheckRecipient.
type handlerOnly struct{ h mailgw.Handler }

func (h handlerOnly) Handle(ctx context.Context, env mailgw.Envelope, raw []byte) mailgw.Outcome {
	return h.h.Handle(ctx, env, raw)
}

func testLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}

// startServer serves on addr ("127.0.0.1:0" or "unix:PATH") and shuts
// down at the end of the test; it returns the address to dial.
func startServer(t *testing.T, h mailgw.Handler, opts Options, addr string) (*Server, string) {
	t.Helper()
	if opts.Domain == "" {
		opts.Domain = "tracker.test"
	}
	s := New(h, testLogger(), opts)
	ln, err := s.Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		if err := <-done; err != nil {
			t.Errorf("Serve() = %v, want nil", err)
		}
	})
	if strings.HasPrefix(addr, "unix:") {
		return s, addr
	}
	return s, ln.Addr().String()
}

// dial connects a go-smtp client (LMTP when lmtp) and greets.
func dial(t *testing.T, addr string, lmtp bool) *smtp.Client {
	t.Helper()
	network, a := "tcp", addr
	if p, ok := strings.CutPrefix(addr, "unix:"); ok {
		network, a = "unix", p
	}
	conn, err := net.DialTimeout(network, a, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var c *smtp.Client
	if lmtp {
		c = smtp.NewClientLMTP(conn)
	} else {
		c = smtp.NewClient(conn)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Hello("client.test"); err != nil {
		t.Fatalf("Hello: %v", err)
	}
	return c
}

// send runs MAIL, RCPT for each recipient and DATA; it returns the first
// error, from RCPT or DATA.
func send(c *smtp.Client, from string, to []string, msg string) error {
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(msg)); err != nil {
		return err
	}
	return w.Close()
}

// replyCode returns the SMTP code and enhanced code of err (0 for nil).
func replyCode(err error) (int, string) {
	if err == nil {
		return 0, ""
	}
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		return -1, err.Error()
	}
	return se.Code, fmt.Sprintf("%d.%d.%d", se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
}

func testMessage(n int) string {
	return fmt.Sprintf("From: alice@example.org\r\nTo: tracker@example.org\r\n"+
		"Subject: message %d\r\nMessage-Id: <m%d@example.org>\r\n\r\n"+
		"Hello %d.\r\n.a line with a leading dot\r\n", n, n, n)
}
