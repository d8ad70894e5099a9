package listen

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/corral-tracker/corral/mailgw"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// session is one SMTP/LMTP session (go-smtp makes a new one after
// STARTTLS). It implements smtp.Session; LMTP uses go-smtp's fallback,
// which gives every recipient the reply of Data (RFC 2033 §4.2: one reply
// per recipient) — they share one handled message, hence one outcome.
type session struct {
	s      *Server
	c      *smtp.Conn
	remote string
	authed bool

	from  string
	rcpts []string
}

// checkTimeout bounds one recipient check.
const checkTimeout = time.Minute

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	remote := "unix"
	if a := c.Conn().RemoteAddr(); a != nil && a.Network() != "unix" {
		remote = a.String()
	}
	sess := &session{s: s, c: c, remote: remote}
	if s.opts.Auth != nil {
		return &authSession{sess}, nil
	}
	return sess, nil
}

// Mail starts a message (RFC 5321 §4.1.1.2), applying RequireAuth and
// the sender's rate.
func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.RequireAuth && !ss.authed {
		return errAuthRequired
	}
	if !ss.s.limits.allow(from, time.Now()) {
		ss.s.stats.rateLimited.Add(1)
		ss.s.log.Warn("sender over its rate; deferred", "from", from, "remote", ss.remote)
		return rateLimitReply(from)
	}
	ss.from = from
	ss.rcpts = ss.rcpts[:0]
	return nil
}

// Rcpt adds a recipient (RFC 5321 §4.1.1.3) if the handler's
// RecipientChecker takes it.
func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.s.rcpt != nil {
		ctx, cancel := context.WithTimeout(ss.s.baseCtx, checkTimeout)
		err := recipientReply(ss.s.rcpt.CheckRecipient(ctx, to))
		cancel()
		if err != nil {
			if temporary(err) {
				ss.s.stats.rcptDeferred.Add(1)
			} else {
				ss.s.stats.rcptRejected.Add(1)
			}
			ss.s.log.Info("recipient refused", "to", to, "from", ss.from, "remote", ss.remote, "reply", err.Error())
			return err
		}
	}
	ss.rcpts = append(ss.rcpts, to)
	return nil
}

// Data reads the message, hands it to the handler and returns its reply:
// nil (250) only after the handler returned, i.e. after the tracker
// committed (RFC 5321 §4.1.1.4: "250 OK" means the server takes
// responsibility for the message).
func (ss *session) Data(r io.Reader) error {
	if dc := drainConnOf(ss.c.Conn()); dc != nil {
		dc.setBusy(true, ss.s.opts.ReadTimeout)
		defer dc.setBusy(false, 0)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		if errors.Is(err, smtp.ErrDataTooLarge) {
			ss.s.stats.tooLarge.Add(1)
			ss.s.log.Info("message too large", "from", ss.from, "remote", ss.remote, "limit", ss.s.opts.MaxMessageBytes)
			return smtp.ErrDataTooLarge
		}
		ss.s.log.Info("reading message failed", "from", ss.from, "remote", ss.remote, "error", err)
		return errReadFailed
	}
	return outcomeReply(ss.handle(raw), ss.s.opts.LMTP)
}

// handle runs the handler on one message and counts the outcome.
func (ss *session) handle(raw []byte) mailgw.Outcome {
	s := ss.s
	s.stats.messages.Add(1)
	ctx, cancel := context.WithTimeout(s.baseCtx, s.opts.HandleTimeout)
	defer cancel()
	env := mailgw.Envelope{
		From:   ss.from,
		To:     append([]string(nil), ss.rcpts...),
		Source: s.proto,
		Remote: ss.remote,
	}
	out := s.h.Handle(ctx, env, raw)
	log := s.log.With("from", ss.from, "to", env.To, "remote", ss.remote, "status", out.Status.String())
	switch out.Status {
	case mailgw.Accepted:
		s.stats.accepted.Add(1)
		if out.Duplicate {
			s.stats.duplicates.Add(1)
		}
		log.Info("message accepted", "designator", out.Designator, "duplicate", out.Duplicate, "bounced", out.Bounced)
	case mailgw.Refused:
		s.stats.refused.Add(1)
		log.Info("message refused", "reason", out.Text)
	default:
		s.stats.deferred.Add(1)
		log.Warn("message deferred", "reason", out.Text)
	}
	return out
}

// Reset discards the message in progress (RSET, or after DATA).
func (ss *session) Reset() {
	ss.from = ""
	ss.rcpts = ss.rcpts[:0]
}

// Logout ends the session.
func (ss *session) Logout() error { return nil }

// authSession adds AUTH PLAIN (RFC 4954, RFC 4616) to a session; go-smtp
// offers it only over TLS (AllowInsecureAuth is false).
type authSession struct{ *session }

// AuthMechanisms lists PLAIN only: over TLS nothing else is needed.
func (a *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }

// Auth checks the credentials with Options.Auth.
func (a *authSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if identity != "" && identity != username {
			a.s.stats.authFailures.Add(1)
			return smtp.ErrAuthFailed
		}
		ctx, cancel := context.WithTimeout(a.s.baseCtx, checkTimeout)
		defer cancel()
		if err := a.s.opts.Auth(ctx, username, password); err != nil {
			a.s.stats.authFailures.Add(1)
			a.s.log.Warn("authentication failed", "user", username, "remote", a.remote, "error", err)
			return smtp.ErrAuthFailed
		}
		a.authed = true
		return nil
	}), nil
}
