package poll

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/corral-tracker/corral/mailgw"
)

// POP3Config configures a POP3 poller. A zero value means the default
// given in the field's comment.
type POP3Config struct {
	// Addr is HOST or HOST:PORT; the port defaults to 110, or 995 with
	// ImplicitTLS.
	Addr string
	// Username and Password log in with USER/PASS (RFC 1939 §7). Get the
	// password from ReadPassword.
	Username, Password string
	// Security is StartTLSIfOffered (STLS, RFC 2595) unless set;
	// TLSConfig (nil: system roots, server name from Addr) verifies the
	// server.
	Security  Security
	TLSConfig *tls.Config

	// PollInterval is the pause between passes of Run. Default 1 min.
	PollInterval time.Duration
	// BatchSize is how many messages one session handles before QUIT
	// commits their deletion and a new session starts, so that a crash
	// repeats at most that many (the gateway skips the repeats).
	// Default 50.
	BatchSize int
	// MaxMessageBytes bounds one message; a bigger one is left on the
	// server and logged. Default 64 MiB.
	MaxMessageBytes int64
	// RetryMin and RetryMax bound the jittered exponential backoff after
	// a failed session. Defaults 1 s and 5 min.
	RetryMin, RetryMax time.Duration
	// Timeout bounds the connect and each command; default 2 min.
	Timeout time.Duration
	// HandleTimeout bounds the handler for one message; shutdown does
	// not cut it short. Default 10 min.
	HandleTimeout time.Duration
}

func (c *POP3Config) setDefaults() {
	port := "110"
	if c.Security == ImplicitTLS {
		port = "995"
	}
	c.Addr = withPort(c.Addr, port)
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.PollInterval, time.Minute)
	def(&c.RetryMin, time.Second)
	def(&c.RetryMax, 5*time.Minute)
	def(&c.Timeout, 2*time.Minute)
	def(&c.HandleTimeout, 10*time.Minute)
	if c.BatchSize <= 0 {
		c.BatchSize = 50
	}
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = 64 << 20
	}
}

// POP3 polls a POP3 maildrop (RFC 1939) and hands each message to a
// mailgw.Handler, deleting it only after the handler reported that the
// tracker committed it (DESIGN §2.1); the deletion itself takes effect at
// QUIT. A deferred message stays on the server for the next pass.
type POP3 struct {
	cfg    POP3Config
	h      mailgw.Handler
	log    *slog.Logger
	remote string
	stats  counters
	tooBig map[string]bool // UIDL ids of messages over MaxMessageBytes
}

// NewPOP3 returns a poller for cfg that hands messages to h.
func NewPOP3(h mailgw.Handler, log *slog.Logger, cfg POP3Config) (*POP3, error) {
	if cfg.Addr == "" || cfg.Username == "" {
		return nil, errors.New("pop3: server address and user name are required")
	}
	cfg.setDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	remote := cfg.Username + "@" + cfg.Addr
	return &POP3{cfg: cfg, h: h, log: log.With("source", "pop3", "mailbox", remote), remote: remote, tooBig: map[string]bool{}}, nil
}

// Stats returns the poller's counters.
func (p *POP3) Stats() Stats { return p.stats.snapshot() }

// Run makes a pass every PollInterval until ctx ends (returning nil),
// backing off after failed sessions. A message being handled when ctx
// ends is finished and its deletion committed.
func (p *POP3) Run(ctx context.Context) error {
	bo := backoff{min: p.cfg.RetryMin, max: p.cfg.RetryMax}
	for ctx.Err() == nil {
		wait := p.cfg.PollInterval
		if err := p.pass(ctx); err != nil && !errors.Is(err, ErrDeferred) && ctx.Err() == nil {
			wait = bo.next()
			p.log.Warn("pop3 pass failed; retrying", "error", err, "retry_in", wait.Round(time.Millisecond).String())
		} else {
			bo.reset()
		}
		sleep(ctx, wait)
	}
	return nil
}

// Once handles every message in the maildrop, as Roundup's roundup-mailgw
// pop does in one run. It returns ErrDeferred when some message was
// deferred and stays on the server.
func (p *POP3) Once(ctx context.Context) error {
	err := p.pass(ctx)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return err
}

// pass runs sessions of at most BatchSize handled messages until one ends
// with nothing left to do. Messages deferred in this pass are not tried
// again in it.
func (p *POP3) pass(ctx context.Context) error {
	skip := map[string]bool{} // messages deferred in this pass, by UIDL id
	deferred := false
	for ctx.Err() == nil {
		// Each session that asks for more made progress: a full batch
		// deleted, or an oversized message put aside.
		_, def, more, err := p.session(ctx, skip)
		deferred = deferred || def
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	if deferred {
		return ErrDeferred
	}
	return nil
}

// session logs in, handles up to BatchSize messages not in skip, and
// QUITs. more reports that messages were left for another session.
func (p *POP3) session(ctx context.Context, skip map[string]bool) (handled int, deferred, more bool, err error) {
	c, err := dialPOP3(ctx, p.cfg.Addr, p.cfg.Security, p.cfg.TLSConfig, p.cfg.Timeout, p.cfg.MaxMessageBytes)
	if err == nil {
		stop := c.guard(ctx) // dovecot delays logins after failures
		err = c.login(p.cfg.Username, p.cfg.Password)
		stop()
		if err != nil {
			c.close()
			err = ctxErr(ctx, fmt.Errorf("logging in to %s as %s: %w", p.cfg.Addr, p.cfg.Username, err))
		}
	}
	if err != nil {
		p.stats.connectFailures.Add(1)
		return 0, false, false, err
	}
	p.stats.connections.Add(1)
	p.stats.connected.Store(true)
	defer p.stats.connected.Store(false)

	stop := c.guard(ctx)
	msgs, err := c.list()
	stop()
	if err != nil {
		c.close()
		return 0, false, false, err
	}
	bg := context.WithoutCancel(ctx)
	for _, m := range msgs {
		if ctx.Err() != nil || handled >= p.cfg.BatchSize {
			more = true
			break
		}
		if m.UID != "" && skip[m.UID] {
			deferred = true
			continue
		}
		if m.UID != "" && p.tooBig[m.UID] {
			continue
		}
		if m.Size > p.cfg.MaxMessageBytes {
			p.log.Warn("pop3 message over MaxMessageBytes; left on the server", "msg", m.Num, "uidl", m.UID, "size", m.Size)
			continue
		}
		stop := c.guard(ctx)
		raw, err := c.retr(m.Num)
		stop()
		if err != nil {
			var perr *pop3Error
			if errors.As(err, &perr) { // gone or unreadable: leave it
				p.log.Warn("pop3 RETR refused; message left on the server", "msg", m.Num, "error", err)
				continue
			}
			c.close() // deletions of this session are not committed
			if errors.Is(err, errTooLarge) && m.UID != "" {
				// LIST understated its size; skip it from now on.
				p.log.Warn("pop3 message over MaxMessageBytes; left on the server", "msg", m.Num, "uidl", m.UID)
				p.tooBig[m.UID] = true
				return handled, deferred, true, nil
			}
			return handled, deferred, false, err
		}
		p.stats.received.Add(1)
		hctx, cancel := context.WithTimeout(bg, p.cfg.HandleTimeout)
		out := p.h.Handle(hctx, mailgw.Envelope{Source: mailgw.SourcePOP3, Remote: p.remote}, raw)
		cancel()
		log := p.log.With("msg", m.Num, "uidl", m.UID, "status", out.Status.String())
		switch out.Status {
		case mailgw.Deferred:
			p.stats.deferred.Add(1)
			deferred = true
			if m.UID != "" {
				skip[m.UID] = true
			}
			log.Warn("pop3 message deferred; left on the server for a retry", "reason", out.Text)
			continue
		case mailgw.Refused:
			p.stats.refused.Add(1)
			log.Warn("pop3 message refused", "reason", out.Text)
		default:
			p.stats.accepted.Add(1)
			if out.Duplicate {
				p.stats.duplicates.Add(1)
			}
			log.Info("pop3 message handled", "designator", out.Designator, "duplicate", out.Duplicate, "bounced", out.Bounced)
		}
		if err := c.dele(m.Num); err != nil {
			p.stats.disposeFailures.Add(1)
			c.close()
			return handled, deferred, false, err
		}
		handled++
	}
	if err := c.quit(); err != nil {
		p.stats.disposeFailures.Add(uint64(handled))
		return handled, deferred, false, fmt.Errorf("committing deletions: %w", err)
	}
	p.stats.disposed.Add(uint64(handled))
	if handled > 0 {
		p.log.Info("pop3 session done", "deleted", handled)
	}
	return handled, deferred, more, nil
}
