package poll

import (
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corral-tracker/corral/mailgw"
	"github.com/corral-tracker/corral/mailgw/poll/internal/dovecottest"
	"github.com/emersion/go-imap/v2"
)

// TestDovecotIMAP runs the poller against dovecot: messages waiting at
// start and messages appended while it IDLEs are handled once each in UID
// order and moved to a mailbox the poller creates; a deferred message
// stays unseen in INBOX until its retry. The connection is the plain port
// upgraded with STARTTLS (offered by dovecot, certificate verified).
func TestDovecotIMAP(t *testing.T) {
	d := dovecottest.Start(t)
	c := imapTestClient(t, d.IMAPS, d.TLS, testUser, testPass)
	var want []string
	for i := 1; i <= 20; i++ {
		id, raw := testMessage(i)
		want = append(want, id)
		appendMessage(t, c, "INBOX", raw)
	}
	deferredID := want[4]
	var allow atomic.Bool
	rec := newRecorder()
	rec.decide = func(id string, attempt int) mailgw.Outcome {
		if id == deferredID && !allow.Load() {
			return mailgw.Outcome{Status: mailgw.Deferred, Text: "database is locked"}
		}
		return mailgw.Outcome{Status: mailgw.Accepted}
	}
	p := newTestIMAP(t, rec, d.IMAP, func(cfg *IMAPConfig) {
		cfg.Security = StartTLSIfOffered
		cfg.TLSConfig = d.TLS
		cfg.After = After{Action: AfterMove, Mailbox: "Processed"}
		cfg.RetryDeferred = 200 * time.Millisecond
	})
	runPoller(t, p.Run)

	waitFor(t, "19 messages handled and moved", func() bool { return p.Stats().Disposed == 19 })
	inbox := mailboxState(t, c, "INBOX")
	if len(inbox) != 1 || hasFlag(inbox[deferredID], imap.FlagSeen) {
		t.Errorf("INBOX = %v, want only the deferred %s, unseen", inbox, deferredID)
	}

	// New mail while IDLE.
	for i := 21; i <= 25; i++ {
		id, raw := testMessage(i)
		want = append(want, id)
		appendMessage(t, c, "INBOX", raw)
	}
	allow.Store(true)
	waitFor(t, "all 25 handled", func() bool { return len(rec.acceptedIDs()) == 25 })
	waitFor(t, "all moved", func() bool { return p.Stats().Disposed == 25 })

	got := rec.acceptedIDs()
	if i := slices.Index(got, deferredID); i >= 0 {
		got = slices.Delete(got, i, i+1)
	}
	wantOrder := slices.DeleteFunc(slices.Clone(want), func(id string) bool { return id == deferredID })
	if !slices.Equal(got, wantOrder) {
		t.Errorf("handled %v, want UID order %v", got, wantOrder)
	}
	if n := len(mailboxState(t, c, "INBOX")); n != 0 {
		t.Errorf("INBOX has %d messages, want 0", n)
	}
	if n := len(mailboxState(t, c, "Processed")); n != 25 {
		t.Errorf("Processed has %d messages, want 25", n)
	}
	if s := p.Stats(); s.Connections != 1 || s.Duplicates != 0 {
		t.Errorf("Stats() = %+v, want one connection and no duplicates", s)
	}
}

// TestDovecotIMAPS: implicit TLS (imaps), imap_after delete, and a server
// certificate the client does not trust is refused.
func TestDovecotIMAPS(t *testing.T) {
	d := dovecottest.Start(t)
	c := imapTestClient(t, d.IMAPS, d.TLS, testUser, testPass)
	id, raw := testMessage(1)
	appendMessage(t, c, "INBOX", raw)

	untrusted := newTestIMAP(t, newRecorder(), d.IMAPS, func(cfg *IMAPConfig) { cfg.Security = ImplicitTLS })
	if err := untrusted.Once(t.Context()); err == nil {
		t.Errorf("Once() with an unknown CA = nil, want a certificate error")
	}

	rec := newRecorder()
	p := newTestIMAP(t, rec, d.IMAPS, func(cfg *IMAPConfig) {
		cfg.Security = ImplicitTLS
		cfg.TLSConfig = d.TLS
		cfg.After = After{Action: AfterDelete}
	})
	if err := p.Once(t.Context()); err != nil {
		t.Fatalf("Once() = %v", err)
	}
	if got := rec.acceptedIDs(); !slices.Equal(got, []string{id}) {
		t.Errorf("handled %v, want [%s]", got, id)
	}
	if n := len(mailboxState(t, c, "INBOX")); n != 0 {
		t.Errorf("INBOX has %d messages after delete, want 0", n)
	}
}
