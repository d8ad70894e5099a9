package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/corral-tracker/corral/mailgw"
	"github.com/corral-tracker/corral/mailgw/listen"
	"github.com/corral-tracker/corral/tracker/notify"
)

// startListener serves the gateway over SMTP or LMTP on 127.0.0.1:0.
func startListener(t testing.TB, h mailgw.Handler, lmtp bool) string {
	t.Helper()
	srv := listen.New(h, nil, listen.Options{LMTP: lmtp, Domain: fixtureDomain, SenderRate: -1})
	ln, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// sendSMTP sends one message to addr; for LMTP the per-recipient replies
// must agree. It returns nil for 250 or the *smtp.SMTPError.
func sendSMTP(t testing.TB, addr string, lmtp bool, from string, rcpts []string, raw []byte) error {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	var c *smtp.Client
	if lmtp {
		c = smtp.NewClientLMTP(conn)
	} else {
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	if err := c.Hello("client.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	w.Write(bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n")))
	err = w.Close()
	var le smtp.LMTPDataError
	if errors.As(err, &le) {
		for _, e := range le { // one reply per recipient, all the same
			err = e
			break
		}
	}
	if err == nil {
		c.Quit()
	}
	return err
}

// TestCorpusSMTP runs the corpus through the SMTP and LMTP listener
// (mailgw/listen) as an MTA would deliver it. A refusal is a 550 at DATA
// carrying the bounce's text, and no bounce mail (DESIGN §2.1); every
// other outcome is a 250 with the same effects as on stdin.
func TestCorpusSMTP(t *testing.T) {
	for _, lmtp := range []bool{false, true} {
		proto := "smtp"
		if lmtp {
			proto = "lmtp"
		}
		t.Run(proto, func(t *testing.T) {
			for _, c := range loadCorpus(t) {
				if c.smtpSkip {
					continue
				}
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					c.checkSMTP(t, lmtp)
				})
			}
		})
	}
}

func (c *caseSpec) checkSMTP(t *testing.T, lmtp bool) {
	home := c.prepare(t)
	h, gw, mailer := caseGateway(t, home, c.args)
	addr := startListener(t, gw, lmtp)
	var outs []mailgw.Outcome
	var replies []error
	for i := 0; i < c.repeat; i++ {
		err := sendSMTP(t, addr, lmtp, "sender@example.com", []string{"issues@tracker.example"}, c.raw)
		replies = append(replies, err)
		var se *smtp.SMTPError
		switch {
		case err == nil:
			outs = append(outs, mailgw.Outcome{Status: mailgw.Accepted})
		case errors.As(err, &se) && se.Code == 550:
			outs = append(outs, mailgw.Outcome{Status: mailgw.Refused, Text: se.Message})
		case errors.As(err, &se) && se.Code == 451:
			outs = append(outs, mailgw.Outcome{Status: mailgw.Deferred, Text: se.Message})
		default:
			t.Fatalf("delivery %d: %v", i+1, err)
		}
	}
	if _, err := notify.NewWorker(mailer, "test").Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c.outcome == "bounced" {
		if outs[0].Status != mailgw.Refused {
			t.Fatalf("reply = %v, want 550 for a refusal", replies[0])
		}
		// The reply carries the error text (LMTP: on one line, cut), not
		// the help appended to bounces: compare the first expected line.
		for _, ch := range c.checks {
			if want, ok := strings.CutPrefix(ch, "bounce ~ "); ok {
				want = flat(want)
				if len(want) > 40 {
					want = want[:40]
				}
				if !strings.Contains(flat(outs[0].Text), want) {
					t.Errorf("550 text %q lacks %q", outs[0].Text, want)
				}
				break
			}
		}
		if mails := readMails(t, h.Dir+"/mail.mbox"); anyMail(mails, "", "Failed issue tracker submission") {
			t.Errorf("a bounce was mailed for a refusal over %v", map[bool]string{false: "SMTP", true: "LMTP"}[lmtp])
		}
		return
	}
	for i, err := range replies {
		if err != nil {
			t.Fatalf("delivery %d: %v, want 250", i+1, err)
		}
	}
	// The outcome details are not in an SMTP reply: check the effects.
	var keep []string
	for _, ch := range c.checks {
		if !strings.HasPrefix(ch, "item:") {
			keep = append(keep, ch)
		}
	}
	cc := *c
	cc.checks, cc.outcome = keep, ""
	cc.check(t, map[bool]string{false: "smtp", true: "lmtp"}[lmtp], h, outs[:1])
}

// flat joins lines (listener replies may be joined or cut).
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestListenerRecipients: an address that is not the tracker's is refused
// at RCPT with 550 5.1.1; the tracker's own and its +tag form are taken.
func TestListenerRecipients(t *testing.T) {
	home := copyHome(t)
	_, gw, _ := caseGateway(t, home, nil)
	addr := startListener(t, gw, false)
	raw := []byte("From: Bob <bob@example.com>\nSubject: Re: [issue2] IDLE freezes\nMessage-Id: <rcpt@example.com>\n\nx\n")
	err := sendSMTP(t, addr, false, "bob@example.com", []string{"someone-else@tracker.example"}, raw)
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 550 || se.EnhancedCode != (smtp.EnhancedCode{5, 1, 1}) {
		t.Errorf("RCPT of a stranger: %v, want 550 5.1.1", err)
	}
	if err := sendSMTP(t, addr, false, "bob@example.com", []string{"ISSUES+issue2@tracker.example"}, raw); err != nil {
		t.Errorf("RCPT of the tracker's +tag address: %v", err)
	}
}

// BenchmarkSMTPIngest8 delivers 1,000 replies over SMTP from 8 parallel
// senders into the real gateway on SQLite (the listener's own rate is in
// mailgw/listen's benchmark).
func BenchmarkSMTPIngest8(b *testing.B) {
	const total, senders = 1000, 8
	msgs := SplitMboxForBench(replyMbox(total))
	var elapsed, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		home := copyHome(b)
		_, gw, _ := caseGateway(b, home, nil)
		addr := startListener(b, gw, false)
		var next atomic.Int64
		var wg sync.WaitGroup
		var failed atomic.Int64
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		for s := 0; s < senders; s++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				conn, err := net.Dial("tcp", addr)
				if err != nil {
					failed.Add(1)
					return
				}
				c := smtp.NewClient(conn)
				defer c.Close()
				c.Hello("bench.example")
				for {
					n := next.Add(1) - 1
					if n >= total {
						return
					}
					if err := sendOne(c, fmt.Sprintf("sender%d@example.com", s), msgs[n]); err != nil {
						failed.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		elapsed += time.Since(start)
		cpu += cpuTime() - cpu0
		if f := failed.Load(); f > 0 {
			b.Fatalf("%d deliveries failed", f)
		}
	}
	b.ReportMetric(float64(total*b.N)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(total*b.N)/cpu.Seconds(), "msgs/cpu-s")
}

func sendOne(c *smtp.Client, from string, raw []byte) error {
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	if err := c.Rcpt("issues@tracker.example", nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	w.Write(bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n")))
	return w.Close()
}

// SplitMboxForBench returns the messages of an mbox.
func SplitMboxForBench(data []byte) [][]byte {
	var out [][]byte
	for _, m := range mailgw.SplitMbox(data) {
		out = append(out, m.Data)
	}
	return out
}
