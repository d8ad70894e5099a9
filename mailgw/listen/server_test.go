package listen

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/mailgw"
	"github.com/emersion/go-smtp"
)

// TestSMTPAccept delivers one message: 250 after the handler, which sees
// the envelope and the message as sent (dot-stuffing undone).
func TestSMTPAccept(t *testing.T) {
	h := newTestHandler()
	s, addr := startServer(t, h, Options{}, "127.0.0.1:0")
	c := dial(t, addr, false)
	msg := testMessage(1)
	if err := send(c, "alice@example.org", []string{"tracker@example.org", "Issues@Example.org"}, msg); err != nil {
		t.Fatalf("send = %v, want nil (250)", err)
	}
	got := h.received()
	if len(got) != 1 {
		t.Fatalf("handler got %d messages, want 1 for two recipients", len(got))
	}
	env := got[0].env
	if env.From != "alice@example.org" || !slices.Equal(env.To, []string{"tracker@example.org", "Issues@Example.org"}) ||
		env.Source != mailgw.SourceSMTP || !strings.HasPrefix(env.Remote, "127.0.0.1:") {
		t.Errorf("envelope = %+v, want from alice, both recipients, source smtp, remote 127.0.0.1:PORT", env)
	}
	if got[0].raw != msg {
		t.Errorf("message = %q, want %q", got[0].raw, msg)
	}
	if st := s.Stats(); st.Messages != 1 || st.Accepted != 1 || st.Connections != 1 {
		t.Errorf("Stats() = %+v, want 1 message accepted on 1 connection", st)
	}
}

// TestSMTPRecipients: RCPT answers 550 5.1.1 for unknown recipients, 451
// 4.3.0 for temporary problems (and for checker errors of other types);
// the accepted recipients still get the message.
func TestSMTPRecipients(t *testing.T) {
	h := newTestHandler()
	s, addr := startServer(t, h, Options{}, "127.0.0.1:0")
	tests := []struct {
		rcpt     string
		code     int
		enhanced string
		text     string
	}{
		{"tracker@example.org", 0, "", ""},
		{"nobody@example.org", 550, "5.1.1", "Unknown recipient nobody@example.org"},
		{"busy@example.org", 451, "4.3.0", "Database busy, try later"},
		{"broken@example.org", 451, "4.3.0", "Cannot check the recipient now"},
	}
	c := dial(t, addr, false)
	if err := c.Mail("alice@example.org", nil); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		err := c.Rcpt(tt.rcpt, nil)
		code, enh := replyCode(err)
		if code != tt.code || enh != tt.enhanced || (err != nil && !strings.Contains(err.Error(), tt.text)) {
			t.Errorf("RCPT %s = %v, want %d %s %q", tt.rcpt, err, tt.code, tt.enhanced, tt.text)
		}
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(testMessage(1)))
	if err := w.Close(); err != nil {
		t.Fatalf("DATA = %v, want 250", err)
	}
	if got := h.received(); len(got) != 1 || !slices.Equal(got[0].env.To, []string{"tracker@example.org"}) {
		t.Errorf("handler got %+v, want one message to tracker@ only", got)
	}
	if st := s.Stats(); st.RecipientsRejected != 1 || st.RecipientsDeferred != 2 {
		t.Errorf("Stats() = %+v, want 1 rejected, 2 deferred recipients", st)
	}

	// Without a RecipientChecker every recipient is taken.
	_, addr2 := startServer(t, handlerOnly{h}, Options{}, "127.0.0.1:0")
	if err := send(dial(t, addr2, false), "a@example.org", []string{"anyone@anywhere.test"}, testMessage(2)); err != nil {
		t.Errorf("send without a checker = %v, want nil", err)
	}
}

// TestSMTPOutcomes maps the handler's outcomes to DATA replies (DESIGN
// §2.1): Refused → 550 5.7.1 with the bounce text and no bounce mail,
// Deferred → 451 4.3.0 (a locked database).
func TestSMTPOutcomes(t *testing.T) {
	bounce := "You are not permitted to create issues.\n\nYour message was:\n" + strings.Repeat("long line of quoted text ", 40)
	tests := []struct {
		name     string
		out      mailgw.Outcome
		code     int
		enhanced string
		text     string
	}{
		{"accepted", mailgw.Outcome{Status: mailgw.Accepted}, 0, "", ""},
		{"accepted with bounce (smtp_refusal = bounce)", mailgw.Outcome{Status: mailgw.Accepted, Bounced: true, Text: "no permission"}, 0, "", ""},
		{"refused", mailgw.Outcome{Status: mailgw.Refused, Text: bounce}, 550, "5.7.1", "You are not permitted to create issues."},
		{"refused without text", mailgw.Outcome{Status: mailgw.Refused}, 550, "5.7.1", "Message refused"},
		{"deferred", mailgw.Outcome{Status: mailgw.Deferred, Text: "database is locked"}, 451, "4.3.0", "database is locked"},
		{"deferred without text", mailgw.Outcome{Status: mailgw.Deferred}, 451, "4.3.0", "try again later"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestHandler()
			h.outcome = func(mailgw.Envelope, []byte) mailgw.Outcome { return tt.out }
			_, addr := startServer(t, h, Options{}, "127.0.0.1:0")
			c := dial(t, addr, false)
			err := send(c, "alice@example.org", []string{"tracker@example.org"}, testMessage(1))
			code, enh := replyCode(err)
			if code != tt.code || enh != tt.enhanced || (err != nil && !strings.Contains(err.Error(), tt.text)) {
				t.Errorf("DATA = %v, want %d %s %q", err, tt.code, tt.enhanced, tt.text)
			}
			// The session goes on after any reply.
			if err := c.Noop(); err != nil {
				t.Errorf("NOOP after the reply = %v", err)
			}
		})
	}
}

// TestSMTPRepliesAfterHandler: the 250 comes only after the handler
// returned (the gateway commits before it returns).
func TestSMTPRepliesAfterHandler(t *testing.T) {
	h := newTestHandler()
	h.entered = make(chan struct{})
	h.release = make(chan struct{})
	_, addr := startServer(t, h, Options{}, "127.0.0.1:0")
	c := dial(t, addr, false)
	result := make(chan error, 1)
	go func() { result <- send(c, "alice@example.org", []string{"tracker@example.org"}, testMessage(1)) }()
	<-h.entered
	select {
	case err := <-result:
		t.Fatalf("DATA answered (%v) while the handler was still running", err)
	default:
	}
	close(h.release)
	if err := <-result; err != nil {
		t.Errorf("DATA = %v, want 250", err)
	}
}

// TestLMTP delivers over LMTP on TCP and on a Unix socket: one reply per
// accepted recipient (RFC 2033 §4.2), the handler's outcome for each.
func TestLMTP(t *testing.T) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			addr := "127.0.0.1:0"
			if network == "unix" {
				addr = "unix:" + filepath.Join(t.TempDir(), "lmtp.sock")
			}
			h := newTestHandler()
			deferNext := false
			h.outcome = func(mailgw.Envelope, []byte) mailgw.Outcome {
				if deferNext {
					return mailgw.Outcome{Status: mailgw.Deferred, Text: "database is locked"}
				}
				return mailgw.Outcome{Status: mailgw.Accepted}
			}
			_, dialAddr := startServer(t, h, Options{LMTP: true}, addr)
			c := dial(t, dialAddr, true)

			rcpts := []string{"tracker@example.org", "issues@example.org"}
			lmtpSend := func() (map[string]*smtp.DataResponse, error) {
				if err := c.Mail("alice@example.org", nil); err != nil {
					t.Fatal(err)
				}
				for _, r := range rcpts {
					if err := c.Rcpt(r, nil); err != nil {
						t.Fatal(err)
					}
				}
				if err := c.Rcpt("nobody@example.org", nil); err == nil {
					t.Errorf("RCPT nobody = nil, want 550")
				}
				w, err := c.Data()
				if err != nil {
					t.Fatal(err)
				}
				w.Write([]byte(testMessage(1)))
				return w.CloseWithLMTPResponse()
			}
			resp, err := lmtpSend()
			if err != nil || len(resp) != 2 {
				t.Fatalf("LMTP DATA = %v, %v, want two 250 replies", resp, err)
			}
			deferNext = true
			_, err = lmtpSend()
			var lerr smtp.LMTPDataError
			if !errors.As(err, &lerr) || len(lerr) != 2 {
				t.Fatalf("LMTP DATA = %v, want a 451 per recipient", err)
			}
			for _, r := range rcpts {
				if code, enh := replyCode(lerr[r]); code != 451 || enh != "4.3.0" {
					t.Errorf("reply for %s = %v, want 451 4.3.0", r, lerr[r])
				}
			}
			got := h.received()
			if len(got) != 2 || got[0].env.Source != mailgw.SourceLMTP {
				t.Errorf("handler got %+v, want 2 LMTP messages (one per DATA)", got)
			}
			if network == "unix" && got[0].env.Remote != "unix" {
				t.Errorf("remote over a Unix socket = %q, want unix", got[0].env.Remote)
			}
		})
	}
}

// TestLMTPSocketReplaced: a stale socket file is replaced; a live one is
// not taken over.
func TestLMTPSocketReplaced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lmtp.sock")
	s1 := New(newTestHandler(), testLogger(), Options{LMTP: true})
	ln, err := s1.Listen("unix:" + path)
	if err != nil {
		t.Fatal(err)
	}
	go s1.Serve(ln)
	s2 := New(newTestHandler(), testLogger(), Options{LMTP: true})
	if _, err := s2.Listen("unix:" + path); err == nil {
		t.Errorf("second Listen on a live socket = nil, want an error")
	}
	s1.Close()
	ln.(interface{ SetUnlinkOnClose(bool) }).SetUnlinkOnClose(false)
	if _, err := s2.Listen("unix:" + path); err != nil {
		t.Errorf("Listen on a stale socket = %v, want nil", err)
	}
	s2.Close()
}
