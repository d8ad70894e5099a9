package poll

import (
	"testing"

	"github.com/corral-tracker/corral/mailgw/poll/internal/dovecottest"
)

func TestDovecotStarts(t *testing.T) {
	d := dovecottest.Start(t)
	c := imapTestClient(t, d.IMAPS, d.TLS, testUser, testPass)
	_, raw := testMessage(1)
	appendMessage(t, c, "INBOX", raw)
	if n := len(mailboxState(t, c, "INBOX")); n != 1 {
		t.Errorf("INBOX has %d messages, want 1", n)
	}
}
