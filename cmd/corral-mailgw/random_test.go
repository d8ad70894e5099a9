package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/mailgw"
)

// TestHandleRandom sends a few hundred random messages — subjects from
// the grammar's pieces, known and unknown senders, threading headers,
// random MIME bodies — through one gateway. Every one must be handled:
// accepted, dropped or bounced, never deferred and never Roundup's
// "unexpected error" (a panic).
func TestHandleRandom(t *testing.T) {
	home := copyHome(t)
	_, gw, _ := caseGateway(t, home, nil)
	rng := rand.New(rand.NewPCG(21, 22))
	pick := func(l []string) string { return l[rng.IntN(len(l))] }
	froms := []string{"Alice <alice@example.com>", "bob@example.com", "Robert <robert@example.org>", "dave@example.com",
		"mo@example.com", "stranger@example.net", "=?utf-8?q?J=C3=BCrgen?= <j@example.de>", "<>", ""}
	subjects := []string{"Re:", "Fwd:", "[issue]", "[issue1]", "[issue2]", "[issue3]", "[issue999]", "[Build]", "[keyword1]",
		"[status=closed]", "[priority=high]", "[nosy=+carol]", "[title=x]", "[bad", "help", "IDLE freezes", "json", " ", "\"",
		"=?utf-8?q?caf=C3=A9?=", "[assignee=bob]", "[keywords=easy]", "AutoReply", "-- key abcdefghijklmnopqrstuvwxyz234567"}
	headers := []string{"In-Reply-To: <fixture-msg1@example.com>", "References: <fixture-shared@example.com>",
		"Precedence: bulk", "Auto-Submitted: no", "Cc: carol@example.com, new@example.net", "Resent-From: carol@example.com", ""}
	bodies := []string{"plain body.\n", "\n", "> quoted\nanswer\n\n-- \nsig\n",
		"Content-Type: text/html\n\n<p>html</p>\n",
		"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\ntext\n--b\nContent-Type: application/pdf\n\n%PDF\n--b--\n",
		"Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\n\n--b\nContent-Type: text/html\n\n<b>x</b>\n--b--\n",
		"Content-Type: message/rfc822\n\nSubject: in\n\nx\n", "Content-Type: multipart/mixed; boundary=\"x\n\nbroken\n"}
	kinds := map[string]int{}
	for i := 0; i < 300; i++ {
		var b strings.Builder
		if f := pick(froms); f != "" {
			b.WriteString("From: " + f + "\n")
		}
		subj := ""
		for n := rng.IntN(4); n >= 0; n-- {
			subj += pick(subjects) + " "
		}
		fmt.Fprintf(&b, "Subject: %s\nMessage-Id: <random-%d@example.com>\n", strings.TrimSpace(subj), i%250)
		if h := pick(headers); h != "" {
			b.WriteString(h + "\n")
		}
		body := pick(bodies)
		if strings.HasPrefix(body, "Content-Type:") {
			b.WriteString("MIME-Version: 1.0\n" + body)
		} else {
			b.WriteString("\n" + body)
		}
		out := gw.Handle(context.Background(), mailgw.Envelope{Source: mailgw.SourceMbox}, []byte(b.String()))
		if out.Status != mailgw.Accepted || strings.Contains(out.Text, "unexpected error") {
			t.Fatalf("message %d: %+v\n%s", i, out, b.String())
		}
		kinds[outcomeName(out)]++
	}
	t.Logf("outcomes: %v", kinds)
	if kinds["accepted"] < 30 || kinds["bounced"] < 30 {
		t.Errorf("outcomes %v: the random mail should often be applied and often refused", kinds)
	}
}
