package mailgw

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
)

// Gateway is the mail gateway of one tracker: it implements Handler (and
// RecipientChecker) on top of a tracker.Service, following Roundup's
// roundup/mailgw.py rule by rule (specs/mailgw.md) with the departures
// listed in README.md's mail section. It is safe for concurrent use.
type Gateway struct {
	svc    *tracker.Service
	mailer *notify.Mailer
	opts   Options
	rules  *ruleSet
	log    *slog.Logger
	// authors remembers senders' users for a short while.
	authors authorCache
}

// New returns the gateway of svc. mailer builds the bounce, help and
// registration mails, which are queued in the tracker's outbox within the
// transaction that decided them (delivered after commit by a
// notify.Worker). Options are checked against the schema: bad
// expressions, modes or -S values are errors here rather than bounces
// for every message, as Roundup makes them.
func New(svc *tracker.Service, mailer *notify.Mailer, opts Options) (*Gateway, error) {
	opts.defaults()
	rules, err := opts.compile(svc.Schema)
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Gateway{svc: svc, mailer: mailer, opts: opts, rules: rules, log: log}, nil
}

// inbound is one message being handled.
type inbound struct {
	env     Envelope
	raw     []byte // LF line ends, no mbox "From " line
	root    *Part
	subject string // decoded
	from    Address
	hasFrom bool
	msgID   string // Message-Id as decoded
	key     string // identity for deduplication
}

// Handle processes one message (Handler). It never panics: a panic while
// handling a message is Roundup's "unexpected error", answered like any
// refusal, with a copy to the administrator.
func (g *Gateway) Handle(ctx context.Context, env Envelope, raw []byte) (out Outcome) {
	start := time.Now()
	in := g.read(env, raw)
	defer func() {
		if p := recover(); p != nil {
			r := &refusal{text: textUnexpected, unexpected: true, detail: fmt.Sprintf("%v\n\n%s", p, debug.Stack())}
			g.log.Error("panic handling mail", "message_id", in.msgID, "panic", fmt.Sprint(p))
			out = g.refuse(ctx, in, r)
		}
		g.logOutcome(in, out, time.Since(start))
	}()
	return g.handle(ctx, in)
}

func (g *Gateway) logOutcome(in *inbound, out Outcome, d time.Duration) {
	args := []any{"source", in.env.Source, "message_id", in.msgID, "from", in.from.Addr,
		"status", out.Status.String(), "duration_ms", float64(d.Microseconds()) / 1000}
	if in.env.Remote != "" {
		args = append(args, "remote", in.env.Remote)
	}
	if out.Designator != "" {
		args = append(args, "designator", out.Designator)
	}
	if out.Bounced {
		args = append(args, "bounced", true)
	}
	if out.Duplicate {
		args = append(args, "duplicate", true)
	}
	if out.Text != "" {
		args = append(args, "detail", firstLine(out.Text))
	}
	level := slog.LevelInfo
	if out.Status == Deferred {
		level = slog.LevelWarn
	}
	g.log.Log(context.Background(), level, "mail handled", args...)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}

// read parses the raw bytes; CRLF becomes LF first (Roundup's parser
// would keep CR inside the body).
func (g *Gateway) read(env Envelope, raw []byte) *inbound {
	if bytes.IndexByte(raw, '\r') >= 0 {
		raw = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	}
	if bytes.HasPrefix(raw, []byte("From ")) {
		raw = raw[lineEnd(raw, 0):]
	}
	in := &inbound{env: env, raw: raw, root: ParsePart(raw)}
	h := in.root.Header
	in.subject = h.Text("subject")
	from := h.Addresses("resent-from")
	if len(from) == 0 || g.opts.KeepRealFrom {
		from = h.Addresses("from")
	}
	if len(from) > 0 && strings.TrimSpace(from[0].Addr) != "" {
		in.from, in.hasFrom = from[0], true
	}
	in.msgID = strings.TrimSpace(h.Text("message-id"))
	in.key = incomingKey(in)
	return in
}

// incomingKey identifies a message for deduplication: its Message-Id, or
// a hash of the fields a retried delivery keeps plus the body (Received
// lines and the like differ between deliveries).
func incomingKey(in *inbound) string {
	if id := strings.ToLower(in.msgID); id != "" && len(id) <= 200 {
		return "message-id:" + id
	}
	h := sha256.New()
	for _, f := range []string{"message-id", "from", "to", "cc", "subject", "date", "in-reply-to", "references"} {
		fmt.Fprintf(h, "%s: %s\n", f, strings.Join(in.root.Header.Values(f), "\n"))
	}
	h.Write([]byte{'\n'})
	h.Write(in.root.Body)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// handle runs Roundup's steps and maps their result to an Outcome.
func (g *Gateway) handle(ctx context.Context, in *inbound) Outcome {
	if !in.hasFrom {
		// Roundup logs "Badly formed message" and drops it: there is no
		// one to bounce to. A listener can say so to the client.
		if g.rejects(in) {
			return Outcome{Status: Refused, Text: "The message has no From: address."}
		}
		return Outcome{Status: Accepted, Text: "dropped: no From address"}
	}
	if reason := g.ignore(in); reason != "" {
		return Outcome{Status: Accepted, Text: "dropped: " + reason}
	}
	out, err := g.process(ctx, in)
	if err == nil {
		return out
	}
	if r, ok := asRefusal(err); ok {
		return g.refuse(ctx, in, r)
	}
	return g.deferred(in, err)
}

func (g *Gateway) deferred(in *inbound, err error) Outcome {
	g.log.Warn("mail deferred", "message_id", in.msgID, "error", err)
	return Outcome{Status: Deferred, Text: "temporary failure: " + err.Error()}
}

// rejects reports whether refusals of this message are answered in the
// SMTP/LMTP dialogue instead of by mail (DESIGN §2.1).
func (g *Gateway) rejects(in *inbound) bool {
	return (in.env.Source == SourceSMTP || in.env.Source == SourceLMTP) && g.opts.SMTPRefusal != "bounce"
}

// refuse answers a refusal: 550 on the listeners, else Roundup's bounce
// queued with the message's deduplication mark, so a redelivered message
// is bounced once.
func (g *Gateway) refuse(ctx context.Context, in *inbound, r *refusal) Outcome {
	text := strings.TrimSpace(r.text)
	if r.unexpected {
		g.log.Error("unexpected error handling mail", "message_id", in.msgID, "detail", r.detail)
	}
	if g.rejects(in) {
		return Outcome{Status: Refused, Text: text}
	}
	help := ""
	if r.help {
		help = helpText
	}
	to := notify.ErrorMessagesTo(g.opts.ErrorMessagesTo, in.from.Addr, g.opts.DispatcherEmail)
	mails := []notify.RawMail{g.mailer.Bounce(to, r.text, help, in.raw)}
	if r.unexpected {
		mails = append(mails, g.mailer.Bounce([]string{g.opts.AdminEmail},
			r.text+"\n----------------\n"+r.detail, "", in.raw))
	}
	dup, err := g.queue(ctx, in, "bounced: "+firstLine(text), mails...)
	if err != nil {
		return g.deferred(in, fmt.Errorf("queueing the bounce: %w", err))
	}
	return Outcome{Status: Accepted, Text: text, Bounced: !dup, Duplicate: dup}
}

// queue records the message's mark and queues mails in one transaction;
// dup is true (and nothing is queued) when the mark existed.
func (g *Gateway) queue(ctx context.Context, in *inbound, outcome string, mails ...notify.RawMail) (dup bool, err error) {
	err = g.svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		first, err := tx.MarkIncoming(in.key, outcome)
		if err != nil {
			return err
		}
		if !first {
			dup = true
			return nil
		}
		for _, m := range mails {
			if err := notify.Queue(tx, "mailgw:"+strings.ToLower(in.from.Addr), m); err != nil {
				return err
			}
		}
		return nil
	})
	return dup, err
}

// help answers a "help" subject: Roundup's bounce with the subject "Mail
// Gateway Help" and the help text.
func (g *Gateway) help(ctx context.Context, in *inbound) (Outcome, error) {
	to := notify.ErrorMessagesTo(g.opts.ErrorMessagesTo, in.from.Addr, g.opts.DispatcherEmail)
	m := g.mailer.Bounce(to, "", helpText, in.raw)
	m.Data = setSubject(m.Data, "Mail Gateway Help")
	dup, err := g.queue(ctx, in, "help", m)
	if err != nil {
		return Outcome{}, fmt.Errorf("queueing the help mail: %w", err)
	}
	return Outcome{Status: Accepted, Text: "help sent", Duplicate: dup}, nil
}

// setSubject replaces the Subject field of a rendered mail (one line,
// as the bounce's is).
func setSubject(data []byte, subject string) []byte {
	head, _, ok := bytes.Cut(data, []byte("\n\n"))
	if !ok {
		return data
	}
	i := bytes.Index(head, []byte("\nSubject: "))
	if i < 0 {
		return data
	}
	j := lineEnd(data, i+1) - 1 // the line's '\n'
	out := append([]byte(nil), data[:i+1]...)
	out = append(out, "Subject: "+subject...)
	return append(out, data[j:]...)
}

// isTemporary tells failures worth retrying from refusals: anything that
// is not a value, permission or auditor error of the tracker is taken to
// be the database's (busy, unreachable, serialisation), and the message
// waits for another try rather than being bounced.
func isTemporary(err error) bool {
	var ve *tracker.ValueError
	var pe *tracker.PermissionError
	var rj *tracker.Reject
	switch {
	case errors.As(err, &ve), errors.As(err, &pe), errors.As(err, &rj):
		return false
	}
	return true
}

func isNotFound(err error) bool { return errors.Is(err, tracker.ErrNotFound) }
