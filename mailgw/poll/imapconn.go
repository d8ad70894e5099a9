package poll

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// imapSession is the part of an IMAP client (RFC 3501, RFC 9051) that the
// poller needs, with a mailbox selected. go-imap/v2 is a beta (DESIGN
// §5): this interface and goIMAP below are the only places that know it,
// so an API change touches one file.
//
// Every method gives up when ctx ends; the session is then closed and
// unusable.
type imapSession interface {
	// Select opens mailbox read-write and returns its UIDVALIDITY.
	Select(ctx context.Context, mailbox string) (uidValidity uint32, err error)
	// Unseen returns, ascending by UID, the messages with UID ≥ from
	// that are neither \Seen nor \Deleted (UID SEARCH UID from:* UNSEEN
	// UNDELETED), with their sizes (UID FETCH ... RFC822.SIZE).
	Unseen(ctx context.Context, from uint32) ([]imapMessage, error)
	// Fetch returns one whole message without setting \Seen
	// (UID FETCH uid BODY.PEEK[]); found is false when it is gone.
	Fetch(ctx context.Context, uid uint32) (raw []byte, found bool, err error)
	// MarkSeen, Move and Delete dispose of a handled message.
	MarkSeen(ctx context.Context, uid uint32) error
	Move(ctx context.Context, uid uint32, mailbox string) error
	Delete(ctx context.Context, uid uint32) error
	// EnsureMailbox creates mailbox unless it exists (for imap_after
	// move:MAILBOX).
	EnsureMailbox(ctx context.Context, mailbox string) error
	// Wait blocks until the selected mailbox may hold new mail (IDLE,
	// RFC 2177, ended by an EXISTS response), for at most d, or until
	// ctx ends. Without IDLE it sleeps min(d, poll). It reports whether
	// new mail was announced.
	Wait(ctx context.Context, d, poll time.Duration) (newMail bool, err error)
	// Close logs out (within a short deadline) and closes the connection.
	Close() error
}

// imapMessage is an unseen message: its UID and RFC822.SIZE.
type imapMessage struct {
	UID  uint32
	Size int64
}

// imapDialConfig is what dialIMAP needs.
type imapDialConfig struct {
	Addr               string
	Security           Security
	TLSConfig          *tls.Config
	Username, Password string
	DialTimeout        time.Duration
}

// goIMAP is imapSession on go-imap/v2's imapclient.
type goIMAP struct {
	c       *imapclient.Client
	newMail chan struct{} // signalled (non-blocking) on EXISTS
}

// dialIMAP connects, protects the connection as cfg.Security says, and
// authenticates: AUTHENTICATE PLAIN (RFC 4616) where the server offers
// it, LOGIN otherwise.
func dialIMAP(ctx context.Context, cfg imapDialConfig) (imapSession, error) {
	s := &goIMAP{newMail: make(chan struct{}, 1)}
	opts := &imapclient.Options{
		TLSConfig: tlsConfigFor(cfg.TLSConfig, cfg.Addr),
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					select {
					case s.newMail <- struct{}{}:
					default:
					}
				}
			},
		},
	}

	dialer := &net.Dialer{Timeout: cfg.DialTimeout}
	conn, err := dialer.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", cfg.Addr, err)
	}
	// Until the session is ready, ending ctx closes the connection so that
	// a server that never answers cannot hold us.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	switch cfg.Security {
	case ImplicitTLS:
		tc := tls.Client(conn, opts.TLSConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("connecting to %s: TLS: %w", cfg.Addr, err)
		}
		s.c = imapclient.New(tc, opts)
	case StartTLS:
		if s.c, err = imapclient.NewStartTLS(conn, opts); err != nil {
			conn.Close()
			return nil, ctxErr(ctx, fmt.Errorf("connecting to %s: STARTTLS: %w", cfg.Addr, err))
		}
	case Plaintext, StartTLSIfOffered:
		s.c = imapclient.New(conn, opts)
	default:
		conn.Close()
		return nil, fmt.Errorf("imap security %v", cfg.Security)
	}
	if err := s.c.WaitGreeting(); err != nil {
		s.c.Close()
		return nil, ctxErr(ctx, fmt.Errorf("connecting to %s: %w", cfg.Addr, err))
	}
	if cfg.Security == StartTLSIfOffered {
		caps, err := s.caps()
		if err != nil {
			s.c.Close()
			return nil, ctxErr(ctx, fmt.Errorf("connecting to %s: %w", cfg.Addr, err))
		}
		if caps.Has(imap.CapStartTLS) {
			// imapclient upgrades only from the first byte: start over.
			s.c.Close()
			cfg.Security = StartTLS
			return dialIMAP(ctx, cfg)
		}
	}
	if err := s.login(cfg.Username, cfg.Password); err != nil {
		s.c.Close()
		return nil, ctxErr(ctx, fmt.Errorf("logging in to %s as %s: %w", cfg.Addr, cfg.Username, err))
	}
	if ctx.Err() != nil {
		s.c.Close()
		return nil, ctx.Err()
	}
	return s, nil
}

// caps returns the capabilities, asking with CAPABILITY when the greeting
// did not list them.
func (s *goIMAP) caps() (imap.CapSet, error) {
	if caps := s.c.Caps(); caps != nil {
		return caps, nil
	}
	return s.c.Capability().Wait()
}

func (s *goIMAP) login(user, pass string) error {
	caps, err := s.caps()
	if err != nil {
		return err
	}
	if caps.Has(imap.AuthCap(sasl.Plain)) {
		return s.c.Authenticate(sasl.NewPlainClient("", user, pass))
	}
	if caps.Has(imap.CapLoginDisabled) {
		return errors.New("the server refuses LOGIN on this connection and offers no AUTH=PLAIN (use TLS)")
	}
	return s.c.Login(user, pass).Wait()
}

// guard closes the client when ctx ends before the returned stop is
// called, so that a blocked command returns.
func (s *goIMAP) guard(ctx context.Context) (stop func() bool) {
	return context.AfterFunc(ctx, func() { s.c.Close() })
}

// ctxErr prefers the context's error over the one a closed connection
// produced.
func ctxErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func (s *goIMAP) Select(ctx context.Context, mailbox string) (uint32, error) {
	defer s.guard(ctx)()
	data, err := s.c.Select(mailbox, nil).Wait()
	if err != nil {
		return 0, ctxErr(ctx, fmt.Errorf("SELECT %s: %w", mailbox, err))
	}
	select { // the EXISTS of SELECT itself is no news
	case <-s.newMail:
	default:
	}
	return data.UIDValidity, nil
}

func (s *goIMAP) Unseen(ctx context.Context, from uint32) ([]imapMessage, error) {
	defer s.guard(ctx)()
	criteria := &imap.SearchCriteria{
		NotFlag: []imap.Flag{imap.FlagSeen, imap.FlagDeleted},
	}
	if from > 1 {
		var set imap.UIDSet
		set.AddRange(imap.UID(from), 0) // from:*
		criteria.UID = []imap.UIDSet{set}
	}
	data, err := s.c.UIDSearch(criteria, nil).Wait()
	if err != nil {
		return nil, ctxErr(ctx, fmt.Errorf("UID SEARCH: %w", err))
	}
	var set imap.UIDSet
	for _, uid := range data.AllUIDs() {
		// "from:*" also matches the highest UID when it is below from
		// (RFC 3501 §6.4.8).
		if uint32(uid) >= from {
			set.AddNum(uid)
		}
	}
	if len(set) == 0 {
		return nil, nil
	}
	msgs, err := s.c.Fetch(set, &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return nil, ctxErr(ctx, fmt.Errorf("UID FETCH RFC822.SIZE: %w", err))
	}
	out := make([]imapMessage, 0, len(msgs))
	for _, m := range msgs {
		if set.Contains(m.UID) {
			out = append(out, imapMessage{UID: uint32(m.UID), Size: m.RFC822Size})
		}
	}
	slices.SortFunc(out, func(a, b imapMessage) int { return cmp.Compare(a.UID, b.UID) })
	return slices.CompactFunc(out, func(a, b imapMessage) bool { return a.UID == b.UID }), nil
}

func (s *goIMAP) Fetch(ctx context.Context, uid uint32) ([]byte, bool, error) {
	defer s.guard(ctx)()
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := s.c.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
		UID:         true,
		BodySection: []*imap.FetchItemBodySection{section},
	}).Collect()
	if err != nil {
		return nil, false, ctxErr(ctx, fmt.Errorf("UID FETCH %d: %w", uid, err))
	}
	for _, m := range msgs {
		if uint32(m.UID) != uid {
			continue
		}
		if b := m.FindBodySection(section); b != nil {
			return b, true, nil
		}
	}
	return nil, false, nil
}

func (s *goIMAP) MarkSeen(ctx context.Context, uid uint32) error {
	defer s.guard(ctx)()
	err := s.c.Store(imap.UIDSetNum(imap.UID(uid)), &imap.StoreFlags{
		Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen},
	}, nil).Close()
	if err != nil {
		return ctxErr(ctx, fmt.Errorf("UID STORE %d +FLAGS (\\Seen): %w", uid, err))
	}
	return nil
}

func (s *goIMAP) Move(ctx context.Context, uid uint32, mailbox string) error {
	defer s.guard(ctx)()
	// imapclient falls back to COPY + STORE \Deleted + (UID) EXPUNGE when
	// the server lacks MOVE (RFC 6851 §3.3).
	if _, err := s.c.Move(imap.UIDSetNum(imap.UID(uid)), mailbox).Wait(); err != nil {
		return ctxErr(ctx, fmt.Errorf("UID MOVE %d %s: %w", uid, mailbox, err))
	}
	return nil
}

func (s *goIMAP) Delete(ctx context.Context, uid uint32) error {
	defer s.guard(ctx)()
	set := imap.UIDSetNum(imap.UID(uid))
	err := s.c.Store(set, &imap.StoreFlags{
		Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted},
	}, nil).Close()
	if err != nil {
		return ctxErr(ctx, fmt.Errorf("UID STORE %d +FLAGS (\\Deleted): %w", uid, err))
	}
	caps, err := s.caps()
	if err != nil {
		return ctxErr(ctx, err)
	}
	if caps.Has(imap.CapUIDPlus) || caps.Has(imap.CapIMAP4rev2) {
		err = s.c.UIDExpunge(set).Close()
	} else {
		// Without UIDPLUS, EXPUNGE also removes whatever else is marked
		// \Deleted — as Roundup's CLOSE did.
		err = s.c.Expunge().Close()
	}
	if err != nil {
		return ctxErr(ctx, fmt.Errorf("EXPUNGE %d: %w", uid, err))
	}
	return nil
}

func (s *goIMAP) EnsureMailbox(ctx context.Context, mailbox string) error {
	defer s.guard(ctx)()
	if _, err := s.c.Status(mailbox, &imap.StatusOptions{NumMessages: true}).Wait(); err == nil {
		return nil
	}
	if err := s.c.Create(mailbox, nil).Wait(); err != nil {
		var ierr *imap.Error
		if errors.As(err, &ierr) && ierr.Code == imap.ResponseCodeAlreadyExists {
			return nil
		}
		return ctxErr(ctx, fmt.Errorf("CREATE %s: %w", mailbox, err))
	}
	return nil
}

func (s *goIMAP) Wait(ctx context.Context, d, poll time.Duration) (bool, error) {
	select {
	case <-s.newMail: // announced during the last command
		return true, nil
	default:
	}
	caps, err := s.caps()
	if err != nil {
		return false, ctxErr(ctx, err)
	}
	if !caps.Has(imap.CapIdle) && !caps.Has(imap.CapIMAP4rev2) {
		// No IDLE: sleep, then NOOP so that EXISTS is reported.
		if !sleep(ctx, min(d, poll)) {
			return false, ctx.Err()
		}
		defer s.guard(ctx)()
		if err := s.c.Noop().Wait(); err != nil {
			return false, ctxErr(ctx, fmt.Errorf("NOOP: %w", err))
		}
		select {
		case <-s.newMail:
			return true, nil
		default:
			return false, nil
		}
	}

	idle, err := s.c.Idle()
	if err != nil {
		return false, ctxErr(ctx, fmt.Errorf("IDLE: %w", err))
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	newMail := false
	select {
	case <-s.newMail:
		newMail = true
	case <-timer.C:
	case <-ctx.Done():
	case <-s.c.Closed():
	}
	if ctx.Err() != nil {
		s.c.Close()
		return false, ctx.Err()
	}
	err = idle.Close()
	if werr := idle.Wait(); err == nil {
		err = werr
	}
	if err != nil {
		return newMail, fmt.Errorf("IDLE: %w", err)
	}
	return newMail, nil
}

func (s *goIMAP) Close() error {
	done := make(chan error, 1)
	go func() { done <- s.c.Logout().Wait() }()
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
	return s.c.Close()
}
