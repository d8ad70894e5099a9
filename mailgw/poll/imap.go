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

// ErrDeferred is returned by Once when the handler deferred some message:
// it stays in the mailbox and a later run must try again (corral-mailgw
// then exits with a temporary-failure status).
var ErrDeferred = errors.New("some messages were deferred and stay in the mailbox for a retry")

// IMAPConfig configures an IMAP poller. A zero duration means the default
// given in its comment.
type IMAPConfig struct {
	// Addr is HOST or HOST:PORT; the port defaults to 143, or 993 with
	// ImplicitTLS.
	Addr string
	// Username and Password log in (AUTHENTICATE PLAIN, RFC 4616, or
	// LOGIN). Get the password from ReadPassword.
	Username, Password string
	// Mailbox is the mailbox to watch; default INBOX.
	Mailbox string
	// Security is StartTLSIfOffered unless set; TLSConfig (nil: system
	// roots, server name from Addr) verifies the server.
	Security  Security
	TLSConfig *tls.Config
	// After is [mailgw] imap_after, applied once the tracker committed a
	// message (or refused it for good).
	After After

	// ResyncInterval is how often the whole mailbox is searched for
	// unseen mail besides the IDLE wake-ups (mail marked unseen again
	// by a person, a disposal that failed). Default 5 min.
	ResyncInterval time.Duration
	// PollInterval is how often a server without IDLE is asked for new
	// mail. Default 1 min.
	PollInterval time.Duration
	// RetryDeferred is how long a deferred message rests before it is
	// handed to the handler again. Default 1 min.
	RetryDeferred time.Duration
	// RetryMin and RetryMax bound the jittered exponential backoff
	// between connection attempts. Defaults 1 s and 5 min.
	RetryMin, RetryMax time.Duration
	// DialTimeout bounds the TCP connect; CommandTimeout bounds each IMAP
	// command. Defaults 30 s and 2 min.
	DialTimeout, CommandTimeout time.Duration
	// HandleTimeout bounds the handler for one message. It is not cut
	// short by shutdown: the message being handled is finished and
	// disposed of. Default 10 min.
	HandleTimeout time.Duration
	// MaxMessageBytes bounds one message; a bigger one is left unseen and
	// logged once. Default 64 MiB.
	MaxMessageBytes int64
}

func (c *IMAPConfig) setDefaults() {
	port := "143"
	if c.Security == ImplicitTLS {
		port = "993"
	}
	c.Addr = withPort(c.Addr, port)
	if c.Mailbox == "" {
		c.Mailbox = "INBOX"
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.ResyncInterval, 5*time.Minute)
	def(&c.PollInterval, time.Minute)
	def(&c.RetryDeferred, time.Minute)
	def(&c.RetryMin, time.Second)
	def(&c.RetryMax, 5*time.Minute)
	def(&c.DialTimeout, 30*time.Second)
	def(&c.CommandTimeout, 2*time.Minute)
	def(&c.HandleTimeout, 10*time.Minute)
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = 64 << 20
	}
}

// IMAP polls one IMAP mailbox (RFC 3501 / RFC 9051) and hands each unseen
// message to a mailgw.Handler, in UID order so that replies follow the
// messages they answer. See the package documentation for the rules that
// keep mail from being lost or posted twice.
type IMAP struct {
	cfg    IMAPConfig
	h      mailgw.Handler
	log    *slog.Logger
	remote string
	stats  counters

	// Watermark state, used by one Run or Once at a time.
	uidValidity uint32
	next        uint32               // lowest UID not yet looked at
	deferred    map[uint32]time.Time // UID → when to try again
	tooBig      map[uint32]bool      // UIDs over MaxMessageBytes, logged
}

// NewIMAP returns a poller for cfg that hands messages to h.
func NewIMAP(h mailgw.Handler, log *slog.Logger, cfg IMAPConfig) (*IMAP, error) {
	if cfg.Addr == "" || cfg.Username == "" {
		return nil, errors.New("imap: server address and user name are required")
	}
	if cfg.After.Action == AfterMove && cfg.After.Mailbox == "" {
		return nil, errors.New("imap: imap_after move needs a mailbox")
	}
	cfg.setDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &IMAP{
		cfg:      cfg,
		h:        h,
		log:      log.With("source", "imap", "mailbox", cfg.Username+"@"+cfg.Addr+"/"+cfg.Mailbox),
		remote:   cfg.Username + "@" + cfg.Addr + "/" + cfg.Mailbox,
		next:     1,
		deferred: map[uint32]time.Time{},
		tooBig:   map[uint32]bool{},
	}, nil
}

// Stats returns the poller's counters.
func (p *IMAP) Stats() Stats { return p.stats.snapshot() }

// Run watches the mailbox until ctx ends, reconnecting with backoff after
// errors; it returns nil when ctx ends. The message being handled when ctx
// ends is finished (committed and disposed of) first.
func (p *IMAP) Run(ctx context.Context) error {
	bo := backoff{min: p.cfg.RetryMin, max: p.cfg.RetryMax}
	for ctx.Err() == nil {
		loggedIn, err := p.session(ctx, true)
		if ctx.Err() != nil {
			return nil
		}
		if loggedIn {
			bo.reset()
		}
		d := bo.next()
		p.log.Warn("imap session ended; reconnecting", "error", err, "retry_in", d.Round(time.Millisecond).String())
		sleep(ctx, d)
	}
	return nil
}

// Once connects, handles every unseen message and logs out, as Roundup's
// roundup-mailgw imap does in one run. It returns ErrDeferred when some
// message was deferred and stays for a retry.
func (p *IMAP) Once(ctx context.Context) error {
	clear(p.deferred) // every run tries every unseen message
	_, err := p.session(ctx, false)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return err
}

// session runs one connection: the first sync is a full one; in daemon
// mode it then waits for news and syncs until an error or ctx ends.
func (p *IMAP) session(ctx context.Context, daemon bool) (loggedIn bool, err error) {
	sess, err := p.connect(ctx)
	if err != nil {
		p.stats.connectFailures.Add(1)
		return false, err
	}
	p.stats.connections.Add(1)
	p.stats.connected.Store(true)
	defer func() {
		p.stats.connected.Store(false)
		sess.Close()
	}()
	p.log.Info("imap session started")

	full := true
	var lastFull time.Time
	for {
		if full {
			lastFull = time.Now()
		}
		deferred, err := p.sync(ctx, sess, full)
		if err != nil {
			return true, err
		}
		if !daemon {
			if deferred > 0 {
				return true, ErrDeferred
			}
			return true, nil
		}
		if ctx.Err() != nil {
			return true, nil
		}
		wait := p.cfg.ResyncInterval - time.Since(lastFull)
		if at, ok := p.nextRetry(); ok {
			wait = min(wait, time.Until(at))
		}
		if wait > 0 {
			if _, err := sess.Wait(ctx, wait, p.cfg.PollInterval); err != nil {
				if ctx.Err() != nil {
					return true, nil
				}
				return true, err
			}
		}
		at, ok := p.nextRetry()
		retryDue := ok && !time.Now().Before(at)
		full = time.Since(lastFull) >= p.cfg.ResyncInterval || retryDue
	}
}

// connect dials, logs in, makes sure the imap_after mailbox exists and
// selects the mailbox, resetting the watermark when UIDVALIDITY changed
// (RFC 3501 §2.3.1.1: UIDs of the old validity mean nothing now).
func (p *IMAP) connect(ctx context.Context) (imapSession, error) {
	sess, err := dialIMAP(ctx, imapDialConfig{
		Addr:        p.cfg.Addr,
		Security:    p.cfg.Security,
		TLSConfig:   p.cfg.TLSConfig,
		Username:    p.cfg.Username,
		Password:    p.cfg.Password,
		DialTimeout: p.cfg.DialTimeout,
	})
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, p.cfg.CommandTimeout)
	defer cancel()
	if p.cfg.After.Action == AfterMove {
		if err := sess.EnsureMailbox(cctx, p.cfg.After.Mailbox); err != nil {
			sess.Close()
			return nil, err
		}
	}
	validity, err := sess.Select(cctx, p.cfg.Mailbox)
	if err != nil {
		sess.Close()
		return nil, err
	}
	if validity != p.uidValidity {
		if p.uidValidity != 0 {
			p.log.Info("imap UIDVALIDITY changed; rescanning", "old", p.uidValidity, "new", validity)
		}
		p.uidValidity = validity
		p.next = 1
		clear(p.deferred)
		clear(p.tooBig)
	}
	return sess, nil
}

// nextRetry returns the earliest time a deferred message is due.
func (p *IMAP) nextRetry() (time.Time, bool) {
	var first time.Time
	for _, at := range p.deferred {
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	return first, !first.IsZero()
}

// sync searches for unseen messages — all of them when full, else those
// above the watermark — and handles each in UID order. It stops early
// (without error) when ctx ends. It returns how many messages are waiting
// after a deferral.
func (p *IMAP) sync(ctx context.Context, sess imapSession, full bool) (deferred int, err error) {
	from := p.next
	if full {
		from = 1
	}
	cctx, cancel := context.WithTimeout(ctx, p.cfg.CommandTimeout)
	msgs, err := sess.Unseen(cctx, from)
	cancel()
	if err != nil {
		return 0, err
	}
	if full { // forget deferrals of messages that are gone or seen
		seen := make(map[uint32]bool, len(msgs))
		for _, m := range msgs {
			seen[m.UID] = true
		}
		for uid := range p.deferred {
			if !seen[uid] {
				delete(p.deferred, uid)
			}
		}
	}
	now := time.Now()
	for _, m := range msgs {
		uid := m.UID
		if ctx.Err() != nil {
			break
		}
		if at, ok := p.deferred[uid]; ok && now.Before(at) {
			continue
		}
		if m.Size > p.cfg.MaxMessageBytes {
			if !p.tooBig[uid] {
				p.tooBig[uid] = true
				p.log.Warn("imap message over MaxMessageBytes; left unseen", "uid", uid, "size", m.Size)
			}
			p.next = max(p.next, uid+1)
			continue
		}
		if err := p.one(ctx, sess, uid); err != nil {
			return len(p.deferred), err
		}
		p.next = max(p.next, uid+1)
	}
	return len(p.deferred), nil
}

// one fetches, handles and disposes of the message uid.
func (p *IMAP) one(ctx context.Context, sess imapSession, uid uint32) error {
	cctx, cancel := context.WithTimeout(ctx, p.cfg.CommandTimeout)
	raw, found, err := sess.Fetch(cctx, uid)
	cancel()
	if err != nil {
		return err
	}
	if !found { // expunged by someone else meanwhile
		delete(p.deferred, uid)
		return nil
	}
	p.stats.received.Add(1)

	// From here on shutdown does not interrupt: the tracker finishes the
	// message and we dispose of it, or a restart does both again.
	bg := context.WithoutCancel(ctx)
	hctx, cancel := context.WithTimeout(bg, p.cfg.HandleTimeout)
	out := p.h.Handle(hctx, mailgw.Envelope{Source: mailgw.SourceIMAP, Remote: p.remote}, raw)
	cancel()
	log := p.log.With("uid", uid, "status", out.Status.String())
	switch out.Status {
	case mailgw.Deferred:
		p.stats.deferred.Add(1)
		p.deferred[uid] = time.Now().Add(p.cfg.RetryDeferred)
		log.Warn("imap message deferred; left unseen for a retry", "reason", out.Text)
		return nil
	case mailgw.Refused:
		// A batch source should get a bounce (Accepted); a refusal
		// without one is still final, so the message is disposed of.
		p.stats.refused.Add(1)
		log.Warn("imap message refused", "reason", out.Text)
	default:
		p.stats.accepted.Add(1)
		if out.Duplicate {
			p.stats.duplicates.Add(1)
		}
		log.Info("imap message handled", "designator", out.Designator, "duplicate", out.Duplicate, "bounced", out.Bounced)
	}
	delete(p.deferred, uid)

	dctx, cancel := context.WithTimeout(bg, p.cfg.CommandTimeout)
	defer cancel()
	if err := p.dispose(dctx, sess, uid); err != nil {
		p.stats.disposeFailures.Add(1)
		return fmt.Errorf("after handling uid %d (%s): %w", uid, p.cfg.After, err)
	}
	p.stats.disposed.Add(1)
	return nil
}

// dispose applies imap_after to a handled message.
func (p *IMAP) dispose(ctx context.Context, sess imapSession, uid uint32) error {
	switch p.cfg.After.Action {
	case AfterMove:
		return sess.Move(ctx, uid, p.cfg.After.Mailbox)
	case AfterDelete:
		return sess.Delete(ctx, uid)
	default:
		return sess.MarkSeen(ctx, uid)
	}
}
