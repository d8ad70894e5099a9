package ircgw

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lrstanley/girc"
)

// ErrClosed is returned by Send and Submit once Shutdown has begun.
var ErrClosed = errors.New("ircgw: relay is shut down")

// Relay is an irkerd: it accepts irker requests (from listeners given to
// Serve, or through Send/Submit) and delivers them over a pool of IRC
// connections. Its methods are safe for concurrent use.
type Relay struct {
	opts Options
	log  *slog.Logger
	// clock paces the connections' lines (pace.go); tests swap it
	// before the first request.
	clock clock

	ctx    context.Context // cancelled by a hard stop
	cancel context.CancelFunc

	tlsMu   sync.RWMutex
	tlsBase *tls.Config
	nsPass  atomic.Pointer[string]

	mu       sync.Mutex
	servers  map[serverKey]*server
	nconns   int
	nextConn uint64
	draining bool // Shutdown began: no new requests
	closed   bool // Shutdown finished draining: no new connections

	seq   atomic.Uint64 // message order across the relay
	wg    sync.WaitGroup
	stats counters

	trafficMu sync.Mutex

	srvMu     sync.Mutex
	listeners []net.Listener
	packets   []net.PacketConn
	clients   map[net.Conn]struct{}
	serveDone chan struct{}
	serving   sync.WaitGroup
}

// New returns a relay with no listeners: requests come through Send and
// Submit until Serve is given sockets. It fails when the options are
// unusable (bad nick template, unknown SASL mechanism, unreadable TLS
// files). A nil logger discards the log.
func New(opts Options, logger *slog.Logger) (*Relay, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	opts = opts.withDefaults()
	if n := newNickGen(opts.Nick).current(); !girc.IsValidNick(n) {
		return nil, fmt.Errorf("nick template %q gives an invalid nick %q", opts.Nick, n)
	}
	if opts.SASL != nil {
		switch strings.ToUpper(opts.SASL.Mechanism) {
		case "PLAIN", "EXTERNAL":
		default:
			return nil, fmt.Errorf("unknown SASL mechanism %q (want PLAIN or EXTERNAL)", opts.SASL.Mechanism)
		}
	}
	base, err := loadTLS(opts.CAFile, opts.CertFile)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Relay{
		opts:      opts,
		log:       logger,
		clock:     wallClock{},
		ctx:       ctx,
		cancel:    cancel,
		tlsBase:   base,
		servers:   make(map[serverKey]*server),
		clients:   make(map[net.Conn]struct{}),
		serveDone: make(chan struct{}),
	}
	pw := opts.NickServPassword
	r.nsPass.Store(&pw)
	return r, nil
}

// Reload re-reads the CA and client certificate files (for SIGHUP:
// renewed certificates) and sets the NickServ password; connections made
// from now on use them. On error nothing changes.
func (r *Relay) Reload(nickServPassword string) error {
	base, err := loadTLS(r.opts.CAFile, r.opts.CertFile)
	if err != nil {
		return err
	}
	r.tlsMu.Lock()
	r.tlsBase = base
	r.tlsMu.Unlock()
	r.nsPass.Store(&nickServPassword)
	return nil
}

func (r *Relay) tlsConfig() *tls.Config {
	r.tlsMu.RLock()
	defer r.tlsMu.RUnlock()
	return r.tlsBase
}

// Send relays text to the target URLs exactly as a JSON request
// {"to": targets, "privmsg": text} would be: bad URLs are skipped (and
// returned, joined, as *TargetError), the others get the message. It
// returns once the lines are queued; delivery is asynchronous, as with
// irkerd, and ctx only aborts the call before queueing.
func (r *Relay) Send(ctx context.Context, targets []string, text string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.stats.received.Add(1)
	req := request{text: text}
	for _, u := range targets {
		t, err := ParseTarget(u)
		if err != nil {
			req.skipped = append(req.skipped, err)
			continue
		}
		req.targets = append(req.targets, t)
	}
	return r.handle(req, "direct")
}

// Submit handles one irker request line (or UDP datagram) as irkerd does:
// one JSON object, or several written back to back. Problems are logged
// and returned; what could be parsed is still delivered.
func (r *Relay) Submit(line []byte) error {
	return r.submit(line, "direct")
}

func (r *Relay) submit(line []byte, source string) error {
	reqs, err := parseRequests(line)
	var errs []error
	for _, req := range reqs {
		r.stats.received.Add(1)
		if e := r.handle(req, source); e != nil {
			errs = append(errs, e)
		}
	}
	if err != nil {
		r.stats.received.Add(1)
		r.stats.rejected.Add(1)
		var re *RequestError
		if errors.As(err, &re) {
			r.log.Error(re.Reason, "input", re.Input, "source", source)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// handle queues one parsed request.
func (r *Relay) handle(req request, source string) error {
	for _, err := range req.skipped {
		r.stats.targetsRejected.Add(1)
		var te *TargetError
		if errors.As(err, &te) {
			r.log.Error(te.Reason, "url", te.URL, "source", source)
		}
	}
	var errs []error
	errs = append(errs, req.skipped...)
	if len(req.targets) == 0 {
		return errors.Join(errs...)
	}
	lines := splitText(req.text)
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.draining {
		return errors.Join(append(errs, ErrClosed)...)
	}
	for _, t := range req.targets {
		if err := r.enqueueLocked(t, lines, now); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// backoff returns the jittered exponential delay before retry number n
// (1, 2, ...): RetryMin doubling up to RetryMax, then a random point in
// its upper half so that connections do not retry in lock step.
func (r *Relay) backoff(n int) time.Duration {
	d := r.opts.RetryMin
	for i := 1; i < n && d < r.opts.RetryMax; i++ {
		d *= 2
	}
	d = min(d, r.opts.RetryMax)
	return d/2 + rand.N(d/2+1)
}

// Shutdown stops the listeners, refuses new requests, keeps delivering
// what is queued until everything is sent or ctx ends, then QUITs every
// connection and waits for them to close. Lines still queued when ctx ends
// are dropped and counted. It returns ctx's error if the deadline cut the
// drain short.
func (r *Relay) Shutdown(ctx context.Context) error {
	r.mu.Lock()
	already := r.draining
	r.draining = true
	r.mu.Unlock()
	if !already {
		r.closeListeners()
	}

	drained := r.waitDrained(ctx)

	r.mu.Lock()
	r.closed = true
	var left int
	for _, srv := range r.servers {
		for _, c := range append([]*conn(nil), srv.conns...) {
			left += r.retireLocked(c, "irkerd shutting down")
		}
	}
	r.mu.Unlock()
	if left > 0 {
		r.stats.dropShutdown.Add(uint64(left))
		r.log.Warn("dropping queued lines at shutdown", "lines", left)
	}

	done := make(chan struct{})
	go func() { r.wg.Wait(); r.serving.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		r.cancel()
		<-done
	}
	r.cancel()
	if !drained {
		return fmt.Errorf("draining queued lines: %w", ctx.Err())
	}
	return nil
}

// waitDrained waits until no line is queued or ctx ends.
func (r *Relay) waitDrained(ctx context.Context) bool {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		if r.Stats().QueueDepth == 0 {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
}
