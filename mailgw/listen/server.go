package listen

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/corral-tracker/corral/mailgw"
	"github.com/emersion/go-smtp"
	"golang.org/x/time/rate"
)

// Authenticator checks an AUTH PLAIN user name and password (RFC 4954,
// RFC 4616). It returns nil to accept.
type Authenticator func(ctx context.Context, username, password string) error

// Options configures a Server. A zero value means the default given in
// the field's comment.
type Options struct {
	// LMTP makes the server speak LMTP (RFC 2033: LHLO, one reply per
	// recipient after DATA) instead of SMTP.
	LMTP bool
	// Domain is the host name in the greeting; default the system's.
	Domain string
	// MaxMessageBytes bounds a message (advertised as SIZE, RFC 1870);
	// default 32 MiB.
	MaxMessageBytes int64
	// MaxRecipients bounds RCPTs per message; default 100.
	MaxRecipients int
	// SenderRate and SenderBurst are the token bucket per envelope
	// sender: messages per second sustained, and at once. Defaults one
	// message every 2 s, burst 30; a negative SenderRate turns the limit
	// off.
	SenderRate  rate.Limit
	SenderBurst int
	// TLSConfig, with a certificate, enables STARTTLS (RFC 3207).
	TLSConfig *tls.Config
	// Auth enables AUTH PLAIN, offered only over TLS; RequireAuth refuses
	// MAIL before a successful AUTH (530 5.7.0).
	Auth        Authenticator
	RequireAuth bool
	// ReadTimeout and WriteTimeout bound each command and reply (RFC
	// 5321 §4.5.3.2 suggests minutes); default 5 min each.
	ReadTimeout, WriteTimeout time.Duration
	// HandleTimeout bounds the handler for one message; default 10 min.
	// Shutdown does not cut it short; Close does.
	HandleTimeout time.Duration
}

func (o *Options) setDefaults() {
	if o.Domain == "" {
		o.Domain, _ = os.Hostname()
		if o.Domain == "" {
			o.Domain = "localhost"
		}
	}
	if o.MaxMessageBytes <= 0 {
		o.MaxMessageBytes = 32 << 20
	}
	if o.MaxRecipients <= 0 {
		o.MaxRecipients = 100
	}
	switch {
	case o.SenderRate < 0:
		o.SenderRate = rate.Inf
	case o.SenderRate == 0:
		o.SenderRate = rate.Every(2 * time.Second)
	}
	if o.SenderBurst <= 0 {
		o.SenderBurst = 30
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.ReadTimeout, 5*time.Minute)
	def(&o.WriteTimeout, 5*time.Minute)
	def(&o.HandleTimeout, 10*time.Minute)
}

// Server is an SMTP or LMTP listener that hands messages to a
// mailgw.Handler. One Server serves one protocol on any number of
// listeners.
type Server struct {
	opts    Options
	h       mailgw.Handler
	rcpt    mailgw.RecipientChecker // nil: every recipient is accepted
	log     *slog.Logger
	smtp    *smtp.Server
	limits  *senderLimits
	stats   counters
	proto   string // mailgw.SourceSMTP or SourceLMTP
	baseCtx context.Context
	cancel  context.CancelFunc

	mu       sync.Mutex
	conns    map[*drainConn]struct{}
	draining bool
	unix     []string // socket files to remove
}

// New returns a server handing messages to h. When h also implements
// mailgw.RecipientChecker, recipients are checked at RCPT.
func New(h mailgw.Handler, log *slog.Logger, opts Options) *Server {
	opts.setDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		opts:   opts,
		h:      h,
		limits: newSenderLimits(opts.SenderRate, opts.SenderBurst),
		conns:  map[*drainConn]struct{}{},
		proto:  mailgw.SourceSMTP,
	}
	if opts.LMTP {
		s.proto = mailgw.SourceLMTP
	}
	s.log = log.With("source", s.proto)
	s.rcpt, _ = h.(mailgw.RecipientChecker)
	s.baseCtx, s.cancel = context.WithCancel(context.Background())

	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.LMTP = opts.LMTP
	srv.Domain = opts.Domain
	srv.MaxMessageBytes = opts.MaxMessageBytes
	srv.MaxRecipients = opts.MaxRecipients
	srv.TLSConfig = opts.TLSConfig
	srv.AllowInsecureAuth = false // AUTH only over TLS
	srv.ReadTimeout = opts.ReadTimeout
	srv.WriteTimeout = opts.WriteTimeout
	srv.ErrorLog = slogPrinter{s.log}
	s.smtp = srv
	return s
}

// Listen opens addr: "HOST:PORT" for TCP, or "unix:PATH" for a Unix
// socket (LMTP from a local MTA, e.g. Postfix's lmtp:unix:...). A stale
// socket file left by a crash is replaced.
func (s *Server) Listen(addr string) (net.Listener, error) {
	if path, ok := strings.CutPrefix(addr, "unix:"); ok {
		if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
			if c, err := net.Dial("unix", path); err == nil {
				c.Close()
				return nil, fmt.Errorf("listening on %s: a server is already running there", addr)
			}
			os.Remove(path)
		}
		ln, err := net.Listen("unix", path)
		if err != nil {
			return nil, fmt.Errorf("listening on %s: %w", addr, err)
		}
		s.mu.Lock()
		s.unix = append(s.unix, path)
		s.mu.Unlock()
		return ln, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	return ln, nil
}

// Serve accepts connections on ln until Shutdown or Close; it then
// returns nil.
func (s *Server) Serve(ln net.Listener) error {
	s.log.Info("listening", "addr", ln.Addr().String())
	err := s.smtp.Serve(trackingListener{Listener: ln, srv: s})
	if errors.Is(err, net.ErrClosed) || errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// ListenAndServe is Listen followed by Serve.
func (s *Server) ListenAndServe(addr string) error {
	ln, err := s.Listen(addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Shutdown stops accepting connections, lets every connection finish and
// answer the message in progress, closes each at its next command (421),
// and waits for them, or until ctx ends: then the rest are closed and
// their handlers cancelled (a message cut off this way was not answered
// with 250, so the client retries).
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.draining = true
	conns := make([]*drainConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()

	done := make(chan error, 1)
	go func() { done <- s.smtp.Shutdown(ctx) }()
	for _, c := range conns {
		c.drain()
	}
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		s.closeAll()
	}
	s.removeSockets()
	s.cancel()
	if errors.Is(err, smtp.ErrServerClosed) {
		err = nil
	}
	return err
}

// Close closes the listeners and every connection at once, cancelling
// the handlers' contexts.
func (s *Server) Close() error {
	s.mu.Lock()
	s.draining = true
	s.mu.Unlock()
	err := s.smtp.Close()
	s.closeAll()
	s.removeSockets()
	s.cancel()
	if errors.Is(err, smtp.ErrServerClosed) {
		err = nil
	}
	return err
}

func (s *Server) closeAll() {
	s.mu.Lock()
	conns := make([]*drainConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

func (s *Server) removeSockets() {
	s.mu.Lock()
	paths := s.unix
	s.unix = nil
	s.mu.Unlock()
	for _, p := range paths {
		os.Remove(p)
	}
}

// track registers a new connection; one accepted while draining is
// drained at once.
func (s *Server) track(c *drainConn) {
	s.stats.connections.Add(1)
	s.stats.open.Add(1)
	s.mu.Lock()
	s.conns[c] = struct{}{}
	draining := s.draining
	s.mu.Unlock()
	if draining {
		c.drain()
	}
}

func (s *Server) forget(c *drainConn) {
	s.stats.open.Add(-1)
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// slogPrinter is go-smtp's ErrorLog on our logger.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Printf(format string, v ...any) {
	p.log.Warn(strings.TrimSpace(fmt.Sprintf(format, v...)))
}

func (p slogPrinter) Println(v ...any) {
	p.log.Warn(strings.TrimSpace(fmt.Sprintln(v...)))
}
