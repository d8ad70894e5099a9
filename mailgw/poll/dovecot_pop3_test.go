package poll

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/corral-tracker/corral/mailgw"
	"github.com/corral-tracker/corral/mailgw/poll/internal/dovecottest"
)

// newTestPOP3 returns a POP3 poller with short delays.
func newTestPOP3(t *testing.T, h mailgw.Handler, addr string, edit func(*POP3Config)) *POP3 {
	t.Helper()
	cfg := POP3Config{
		Addr: addr, Username: testUser, Password: testPass,
		Security:     Plaintext,
		PollInterval: 50 * time.Millisecond,
		RetryMin:     20 * time.Millisecond,
		RetryMax:     200 * time.Millisecond,
		Timeout:      20 * time.Second,
	}
	if edit != nil {
		edit(&cfg)
	}
	p, err := NewPOP3(h, testLogger(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDovecotPOP3 fetches from dovecot's POP3 server: every message is
// handled once in order and deleted after the handler returned, in
// sessions of BatchSize; a deferred message stays on the server until a
// later pass.
func TestDovecotPOP3(t *testing.T) {
	d := dovecottest.Start(t)
	c := imapTestClient(t, d.IMAPS, d.TLS, testUser, testPass)
	var want []string
	for i := 1; i <= 60; i++ {
		id, raw := testMessage(i)
		want = append(want, id)
		appendMessage(t, c, "INBOX", raw)
	}
	deferredID := want[6]
	rec := newRecorder()
	rec.decide = func(id string, attempt int) mailgw.Outcome {
		if id == deferredID && attempt == 1 {
			return mailgw.Outcome{Status: mailgw.Deferred, Text: "database is locked"}
		}
		return mailgw.Outcome{Status: mailgw.Accepted}
	}

	for _, sec := range []struct {
		name     string
		addr     string
		security Security
	}{
		{"STLS", d.POP3, StartTLS},
		{"pops", d.POP3S, ImplicitTLS},
	} {
		t.Run(sec.name, func(t *testing.T) {
			p := newTestPOP3(t, rec, sec.addr, func(cfg *POP3Config) {
				cfg.Security = sec.security
				cfg.TLSConfig = d.TLS
				cfg.BatchSize = 25
			})
			if sec.name == "STLS" {
				if err := p.Once(context.Background()); !errors.Is(err, ErrDeferred) {
					t.Fatalf("Once() = %v, want ErrDeferred", err)
				}
				if s := p.Stats(); s.Accepted != 59 || s.Deferred != 1 || s.Connections != 3 {
					t.Errorf("Stats() = %+v, want 59 accepted, 1 deferred in 3 sessions", s)
				}
				inbox := mailboxState(t, c, "INBOX")
				if _, ok := inbox[deferredID]; len(inbox) != 1 || !ok {
					t.Errorf("INBOX = %v, want only the deferred %s", inbox, deferredID)
				}
				return
			}
			if err := p.Once(context.Background()); err != nil {
				t.Fatalf("Once() = %v, want nil", err)
			}
		})
	}
	got := rec.acceptedIDs()
	wantOrder := append(slices.DeleteFunc(slices.Clone(want), func(id string) bool { return id == deferredID }), deferredID)
	if !slices.Equal(got, wantOrder) {
		t.Errorf("handled %v, want %v", got, wantOrder)
	}
	if n := len(mailboxState(t, c, "INBOX")); n != 0 {
		t.Errorf("INBOX has %d messages, want 0", n)
	}
}

// TestDovecotPOP3Run: the polling loop picks up mail delivered later and
// handles each message once.
func TestDovecotPOP3Run(t *testing.T) {
	d := dovecottest.Start(t)
	c := imapTestClient(t, d.IMAPS, d.TLS, testUser, testPass)
	rec := newRecorder()
	p := newTestPOP3(t, rec, d.POP3, nil)
	runPoller(t, p.Run)
	for i := 1; i <= 3; i++ {
		id, raw := testMessage(i)
		appendMessage(t, c, "INBOX", raw)
		waitFor(t, "the message to be handled", func() bool { return slices.Contains(rec.acceptedIDs(), id) })
	}
	waitFor(t, "INBOX empty", func() bool { return len(mailboxState(t, c, "INBOX")) == 0 })
}

// TestDovecotPOP3NoQuit: deletions take effect only at QUIT (RFC 1939
// §6), so a poller that dies after DELE loses nothing. A wrong password
// is an error.
func TestDovecotPOP3NoQuit(t *testing.T) {
	d := dovecottest.Start(t)
	c := imapTestClient(t, d.IMAPS, d.TLS, testUser, testPass)
	id, raw := testMessage(1)
	appendMessage(t, c, "INBOX", raw)

	pc, err := dialPOP3(context.Background(), d.POP3, Plaintext, nil, 10*time.Second, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := pc.login(testUser, testPass); err != nil {
		t.Fatal(err)
	}
	msgs, err := pc.list()
	if err != nil || len(msgs) != 1 || msgs[0].UID == "" {
		t.Fatalf("list() = %v, %v, want one message with a UIDL", msgs, err)
	}
	body, err := pc.retr(1)
	if err != nil || string(body) != string(raw) {
		t.Fatalf("retr(1) = %q, %v, want %q", body, err, raw)
	}
	if err := pc.dele(1); err != nil {
		t.Fatal(err)
	}
	pc.close() // no QUIT
	waitFor(t, "dovecot to notice the drop", func() bool {
		_, ok := mailboxState(t, c, "INBOX")[id]
		return ok
	})
	if err := pc.dele(1); err == nil {
		t.Errorf("dele on a closed connection = nil, want an error")
	}

	// Last, as dovecot slows down logins after a failed one.
	bad := newTestPOP3(t, newRecorder(), d.POP3, func(cfg *POP3Config) { cfg.Password = "wrong" })
	if err := bad.Once(context.Background()); err == nil {
		t.Errorf("Once() with a wrong password = nil, want an error")
	}
}

// TestDovecotPOP3TooLarge: a message over MaxMessageBytes stays on the
// server and does not hold up the others.
func TestDovecotPOP3TooLarge(t *testing.T) {
	d := dovecottest.Start(t)
	c := imapTestClient(t, d.IMAPS, d.TLS, testUser, testPass)
	id1, raw1 := testMessage(1)
	_, raw2 := testMessage(2)
	big := append(raw2, bytes.Repeat([]byte("0123456789abcdef0123456789abcdef\r\n"), 200)...)
	id3, raw3 := testMessage(3)
	for _, raw := range [][]byte{raw1, big, raw3} {
		appendMessage(t, c, "INBOX", raw)
	}
	rec := newRecorder()
	p := newTestPOP3(t, rec, d.POP3, func(cfg *POP3Config) { cfg.MaxMessageBytes = 4096 })
	if err := p.Once(context.Background()); err != nil {
		t.Fatalf("Once() = %v, want nil", err)
	}
	if got := rec.acceptedIDs(); !slices.Equal(got, []string{id1, id3}) {
		t.Errorf("handled %v, want %v", got, []string{id1, id3})
	}
	if n := len(mailboxState(t, c, "INBOX")); n != 1 {
		t.Errorf("INBOX has %d messages, want the big one left", n)
	}
}
