package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/mailgw"
)

// TestDeferred: a temporary failure while handling (here: the context is
// already over, as when the database does not answer in time) defers the
// message — nothing is applied, no bounce — and a mailbox keeps it for
// the next run, which applies it once.
func TestDeferred(t *testing.T) {
	home := copyHome(t)
	h, gw, _ := caseGateway(t, home, nil)
	raw := []byte("From: Bob <bob@example.com>\nSubject: Re: [issue2] IDLE freezes\nMessage-Id: <deferred@example.com>\n\nLater.\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if out := gw.Handle(ctx, mailgw.Envelope{Source: mailgw.SourceStdin}, raw); out.Status != mailgw.Deferred {
		t.Fatalf("Handle with a dead context = %+v, want Deferred", out)
	}
	box := filepath.Join(t.TempDir(), "inbox")
	second := []byte("From: Alice <alice@example.com>\nSubject: Re: [issue1] json\nMessage-Id: <ok@example.com>\n\nNow.\n")
	os.WriteFile(box, append(mboxOf(raw), mboxOf(second)...), 0o600)
	flaky := &failFirst{h: gw, fail: "<deferred@example.com>"}
	res, err := mailgw.ProcessMbox(context.Background(), flaky, box)
	if err != nil || res.Handled != 1 || res.Deferred != 1 {
		t.Fatalf("ProcessMbox = %+v, %v; want 1 handled, 1 deferred", res, err)
	}
	left, _ := os.ReadFile(box)
	msgs := mailgw.SplitMbox(left)
	if len(msgs) != 1 || !bytesContain(msgs[0].Data, "<deferred@example.com>") {
		t.Fatalf("mailbox keeps %d messages: %q", len(msgs), left)
	}
	if res, err := mailgw.ProcessMbox(context.Background(), gw, box); err != nil || res.Handled != 1 {
		t.Fatalf("second run = %+v, %v", res, err)
	}
	if left, _ := os.ReadFile(box); len(left) != 0 {
		t.Errorf("mailbox not emptied: %q", left)
	}
	if got := readValue(t, h, "issue2.messages"); got != "2,8" { // msg7 is the other message
		t.Errorf("issue2.messages = %q", got)
	}
}

// failFirst defers the message with a given Message-Id, passing the rest.
type failFirst struct {
	h    mailgw.Handler
	fail string
}

func (f *failFirst) Handle(ctx context.Context, env mailgw.Envelope, raw []byte) mailgw.Outcome {
	if bytesContain(raw, f.fail) {
		return mailgw.Outcome{Status: mailgw.Deferred, Text: "test"}
	}
	return f.h.Handle(ctx, env, raw)
}

func bytesContain(b []byte, s string) bool { return strings.Contains(string(b), s) }
