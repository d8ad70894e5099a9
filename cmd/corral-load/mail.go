package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/corral-tracker/corral/internal/smtpclient"
	"io"
	"os"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// mailUsage is the synopsis of the mail subcommand.
const mailUsage = `corral-load mail [-c 8] [-d 10s] [-warmup 2s] [-lmtp] [-to issues@tracker.example] [-issues 20000] [-users 2000] HOST:PORT`

// mailOptions drive a mail load: Clients SMTP (or LMTP) sessions, each
// on its own connection, sending replies to Addr.
type mailOptions struct {
	Addr             string
	LMTP             bool
	To               string
	Clients          int
	Warmup, Duration time.Duration
	Issues, Users    int
	runID            string
	dialTimeout      time.Duration
}

// runMail is `corral-load mail`: the mail-gateway scenario of issue 8
// against a running corral-mailgw listener (smtp or lmtp source). Each
// client keeps one connection and sends, one after the other, replies
// "Re: [issueN]" from the generated data set's users (userK@example.org,
// as `corral-load generate` makes them) to issues picked evenly over
// 1..-issues, so the gateway does what it does for bpo's mail: look up
// the author, append a message, add the author to the nosy list and queue
// the notifications. It reports messages per second and the latency of
// each transaction (MAIL FROM to the reply after the final dot, which the
// gateway gives once the message is committed); a refused message counts
// as an error.
func runMail(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("corral-load mail", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintln(out, "usage:", mailUsage)
		fs.PrintDefaults()
	}
	o := mailOptions{}
	fs.IntVar(&o.Clients, "c", 8, "concurrent senders, one connection each")
	fs.DurationVar(&o.Duration, "d", 10*time.Second, "measured duration")
	fs.DurationVar(&o.Warmup, "warmup", 2*time.Second, "warm-up before measuring")
	fs.BoolVar(&o.LMTP, "lmtp", false, "speak LMTP (corral-mailgw HOME lmtp ADDR) instead of SMTP")
	fs.StringVar(&o.To, "to", "issues@tracker.example", "recipient address")
	fs.IntVar(&o.Issues, "issues", 20000, "reply to issues 1..N")
	fs.IntVar(&o.Users, "users", 2000, "send from user1..userN@example.org")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("mail wants one HOST:PORT, got %d arguments", fs.NArg())
	}
	if o.Issues < 1 || o.Users < 1 || o.Clients < 1 || o.Duration <= 0 {
		return errors.New("mail: -issues, -users and -c must be positive, -d longer than 0")
	}
	o.Addr = fs.Arg(0)
	r := mailLoad(ctx, o)
	r.units = mailUnits
	fmt.Fprintln(out, r)
	if r.Errors > 0 {
		return fmt.Errorf("%d messages failed", r.Errors)
	}
	return ctx.Err()
}

// mailLoad runs the senders of o and measures them.
func mailLoad(ctx context.Context, o mailOptions) *result {
	if o.runID == "" {
		o.runID = fmt.Sprintf("%d.%d", os.Getpid(), time.Now().UnixNano())
	}
	if o.dialTimeout == 0 {
		o.dialTimeout = 10 * time.Second
	}
	conns := make([]*smtp.Client, o.Clients)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Quit()
				c.Close()
			}
		}
	}()
	return drive(ctx, o.Clients, o.Warmup, o.Duration, func(ctx context.Context, client, n int) (string, int64, error) {
		// Spread the replies: sender and issue differ from one message
		// and one client to the next (a fixed stride through the ranges).
		seq := n*o.Clients + client
		issue := 1 + (seq*7919)%o.Issues
		user := 1 + (seq*104729)%o.Users
		label := fmt.Sprintf("reply to issue%d from user%d", issue, user)
		if conns[client] == nil {
			c, err := smtpclient.Dial(o.Addr, o.LMTP, "corral-load.localhost", o.dialTimeout)
			if err != nil {
				time.Sleep(100 * time.Millisecond) // a refused connection must not spin
				return label, 0, err
			}
			conns[client] = c
		}
		raw := replyMail(o, seq, issue, user)
		if err := sendMail(conns[client], fmt.Sprintf("user%d@example.org", user), o.To, raw); err != nil {
			var se *smtp.SMTPError
			if !errors.As(err, &se) {
				// The connection is gone or out of step: a new one next time.
				conns[client].Close()
				conns[client] = nil
			}
			return label, int64(len(raw)), err
		}
		return label, int64(len(raw)), nil
	})
}

// sendMail is one mail transaction on c. After a refusal it resets the
// session so that the next message starts clean.
func sendMail(c *smtp.Client, from, to string, raw []byte) error {
	err := smtpclient.Send(c, from, to, raw)
	var se *smtp.SMTPError
	var le smtp.LMTPDataError
	if errors.As(err, &se) || errors.As(err, &le) {
		if rerr := c.Reset(); rerr != nil {
			return errors.Join(err, rerr)
		}
		for _, e := range le {
			return e // one recipient: its refusal
		}
	}
	return err
}

// replyMail is the seq-th reply, a plain-text mail as a mail client sends
// it: quoted text and a signature, which the gateway cuts.
func replyMail(o mailOptions, seq, issue, user int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: User %d <user%d@example.org>\r\n", user, user)
	fmt.Fprintf(&b, "To: %s\r\n", o.To)
	fmt.Fprintf(&b, "Subject: Re: [issue%d]\r\n", issue)
	fmt.Fprintf(&b, "Message-Id: <load.%s.%d@corral-load.localhost>\r\n", o.runID, seq)
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().UTC().Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	fmt.Fprintf(&b, "Reply %d from corral-load.\r\n\r\nI can reproduce this on the current branch; the traceback\r\n"+
		"points at the tokenizer, and the patch attached to the issue fixes it here.\r\n\r\n"+
		"> quoted text from the previous message\r\n> and more of it\r\n\r\n-- \r\nUser %d\r\n", seq, user)
	return []byte(b.String())
}
