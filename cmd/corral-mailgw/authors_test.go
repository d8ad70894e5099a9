package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/corral-tracker/corral/mailgw"
)

// TestAuthorCache: the gateway remembers a sender's user for a moment,
// but a message is never credited to a user who no longer owns the
// address or may no longer mail.
func TestAuthorCache(t *testing.T) {
	home := copyHome(t)
	h, gw, _ := caseGateway(t, home, nil)
	ctx := context.Background()
	send := func(n int) mailgw.Outcome {
		raw := fmt.Sprintf("From: Alice <alice@example.com>\nSubject: Re: [issue2] IDLE freezes\nMessage-Id: <cache-%d@example.com>\n\nMessage %d.\n", n, n)
		return gw.Handle(ctx, mailgw.Envelope{Source: mailgw.SourceStdin}, []byte(raw))
	}
	if out := send(1); out.Designator != "issue2" {
		t.Fatalf("first message: %+v", out)
	}
	if out := send(2); out.Designator != "issue2" || readValue(t, h, "msg8.author") != "3" {
		t.Fatalf("second message (remembered author): %+v, author %s", out, readValue(t, h, "msg8.author"))
	}
	if err := runSetup(h, "user3 address=alice@elsewhere.example"); err != nil {
		t.Fatal(err)
	}
	if out := send(3); !out.Bounced {
		t.Fatalf("after the address moved: %+v, want the unknown-sender bounce", out)
	}
	if err := runSetup(h, "user4 alternate_addresses=alice@example.com"); err != nil {
		t.Fatal(err)
	}
	if out := send(4); out.Designator != "issue2" || readValue(t, h, "msg9.author") != "4" {
		t.Fatalf("address now bob's: %+v, author %s", out, readValue(t, h, "msg9.author"))
	}
	if err := runSetup(h, "retire user4"); err != nil {
		t.Fatal(err)
	}
	if out := send(5); !out.Bounced {
		t.Fatalf("after retiring the user: %+v, want a bounce", out)
	}
}
