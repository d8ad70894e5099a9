package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPConfig is the [mail] section as the SMTP transport needs it.
type SMTPConfig struct {
	Host string // [mail] host
	Port int    // [mail] port (25)
	// TLS is [mail] tls: STARTTLS after connecting. Port 465 means
	// implicit TLS (SMTPS) instead.
	TLS                     bool
	TLSCertFile, TLSKeyFile string // client certificate
	// InsecureSkipVerify turns certificate checks off (tests only).
	InsecureSkipVerify bool
	Username, Password string // AUTH PLAIN when set (only over TLS)
	LocalHostname      string // [mail] local_hostname for EHLO
	// Timeout bounds each connection step (default 30 s).
	Timeout time.Duration
}

// SMTP delivers over one reused SMTP connection (reconnecting when the
// server dropped it), so a burst of notifications costs one handshake.
type SMTP struct {
	cfg SMTPConfig
	mu  sync.Mutex
	c   *smtp.Client
}

// NewSMTP returns an SMTP transport; it connects on first use.
func NewSMTP(cfg SMTPConfig) *SMTP {
	if cfg.Port == 0 {
		cfg.Port = 25
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTP{cfg: cfg}
}

func (s *SMTP) tlsConfig() (*tls.Config, error) {
	tc := &tls.Config{ServerName: s.cfg.Host, InsecureSkipVerify: s.cfg.InsecureSkipVerify}
	if s.cfg.TLSCertFile != "" {
		cert, err := tls.LoadX509KeyPair(s.cfg.TLSCertFile, s.cfg.TLSKeyFile)
		if err != nil {
			return nil, fmt.Errorf("loading [mail] tls_certfile: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

func (s *SMTP) connect(ctx context.Context) (*smtp.Client, error) {
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	d := net.Dialer{Timeout: s.cfg.Timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, &SendError{Temporary: true, Err: fmt.Errorf("connecting to %s: %w", addr, err)}
	}
	tc, err := s.tlsConfig()
	if err != nil {
		conn.Close()
		return nil, &SendError{Err: err}
	}
	var c *smtp.Client
	switch {
	case s.cfg.Port == 465:
		c = smtp.NewClient(tls.Client(conn, tc))
	case s.cfg.TLS:
		c, err = smtp.NewClientStartTLS(conn, tc)
	default:
		c = smtp.NewClient(conn)
	}
	if err != nil {
		conn.Close()
		return nil, classify(fmt.Errorf("STARTTLS with %s: %w", addr, err))
	}
	c.CommandTimeout = s.cfg.Timeout
	c.SubmissionTimeout = s.cfg.Timeout
	if s.cfg.LocalHostname != "" {
		if err := c.Hello(s.cfg.LocalHostname); err != nil {
			c.Close()
			return nil, classify(err)
		}
	}
	if s.cfg.Username != "" {
		if _, isTLS := c.TLSConnectionState(); !isTLS {
			c.Close()
			return nil, &SendError{Err: errors.New("refusing SMTP AUTH without TLS: set [mail] tls = yes or port 465")}
		}
		if err := c.Auth(sasl.NewPlainClient("", s.cfg.Username, s.cfg.Password)); err != nil {
			c.Close()
			return nil, classify(fmt.Errorf("SMTP AUTH: %w", err))
		}
	}
	return c, nil
}

// Send delivers one message. Recipients refused with 5xx while others
// are accepted give a SendError listing them (the others got the mail).
func (s *SMTP) Send(ctx context.Context, from string, to []string, msg []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	reused := s.c != nil
	sent, err := s.send(ctx, from, to, msg)
	var se *SendError
	if err != nil && reused && !sent && errors.As(err, &se) && se.Temporary && len(se.Rejected) == 0 {
		// A kept connection may have been closed by the server while
		// idle: try once more on a fresh one — but only when the
		// message text was not handed over yet, as a failure after
		// that may follow a delivery (the reply to the final dot lost).
		s.drop()
		_, err = s.send(ctx, from, to, msg)
	}
	return err
}

// send runs one SMTP transaction; sent reports whether the message text
// began to go out (DATA was accepted), after which a failure is not
// retried on another connection.
func (s *SMTP) send(ctx context.Context, from string, to []string, msg []byte) (sent bool, err error) {
	if s.c == nil {
		c, err := s.connect(ctx)
		if err != nil {
			return false, err
		}
		s.c = c
	}
	c := s.c
	if err := c.Mail(from, nil); err != nil {
		return false, s.fail(err)
	}
	var accepted, rejected []string
	var rcptErr error
	for _, r := range to {
		if err := c.Rcpt(r, nil); err != nil {
			var se *smtp.SMTPError
			if errors.As(err, &se) && !se.Temporary() {
				rejected = append(rejected, r)
				rcptErr = err
				continue
			}
			return false, s.fail(err)
		}
		accepted = append(accepted, r)
	}
	if len(accepted) == 0 {
		c.Reset()
		return false, &SendError{Rejected: rejected, Err: rcptErr}
	}
	w, err := c.Data()
	if err != nil {
		return false, s.fail(err)
	}
	if _, err := w.Write(bytes.ReplaceAll(msg, []byte("\r\n"), []byte("\n"))); err != nil {
		return true, s.fail(err)
	}
	if err := w.Close(); err != nil {
		return true, s.fail(err)
	}
	if len(rejected) > 0 {
		return true, &SendError{Rejected: rejected, Err: rcptErr}
	}
	return true, nil
}

// fail classifies an error; a protocol-level refusal leaves the
// connection usable after RSET, anything else drops it.
func (s *SMTP) fail(err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		if s.c.Reset() != nil {
			s.drop()
		}
	} else {
		s.drop()
	}
	return classify(err)
}

func (s *SMTP) drop() {
	if s.c != nil {
		s.c.Close()
		s.c = nil
	}
}

func classify(err error) error {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return &SendError{Temporary: se.Temporary(), Err: err}
	}
	var sendErr *SendError
	if errors.As(err, &sendErr) {
		return err
	}
	return &SendError{Temporary: true, Err: err}
}

// Close quits the kept connection.
func (s *SMTP) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil {
		return nil
	}
	err := s.c.Quit()
	s.c.Close()
	s.c = nil
	return err
}
