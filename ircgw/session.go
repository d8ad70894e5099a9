package ircgw

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/lrstanley/girc"
)

// session is one TCP connection of a conn: a girc client from dial to
// disconnect. girc registers (PASS, CAP/SASL, NICK, USER), answers the
// server's PINGs and parses what arrives; the session's handler turns
// replies into queue state and its writer (writer.go) sends the lines.
type session struct {
	c      *conn
	client *girc.Client
	ctx    context.Context // ends with the session
	cancel context.CancelFunc

	ready     chan struct{} // registered: the writer may start
	done      chan struct{} // the connection has ended
	readyOnce sync.Once
	writerWG  sync.WaitGroup

	mu        sync.Mutex
	nicks     *nickGen
	wire      *wireConn
	nick      string // as the server knows us
	user      string // ident as the server shows it ("" until known)
	host      string // host as the server shows it ("" until known)
	welcomed  bool
	saslOK    bool
	tokenN    uint64
	joins     map[string]string    // PING token → casefolded channel
	sent      map[string]time.Time // PING tokens not answered yet
	inflight  *inflight
	delivered int
	failErr   error
	closing   bool
}

// inflight is the PRIVMSG waiting for the PONG of the PING written after
// it. err collects an error numeric naming its target, which the server
// sends before the PONG.
type inflight struct {
	token, fold string
	err         string
	done        chan string
}

func newSession(c *conn) *session {
	ctx, cancel := context.WithCancel(c.r.ctx)
	return &session{
		c:      c,
		ctx:    ctx,
		cancel: cancel,
		ready:  make(chan struct{}),
		done:   make(chan struct{}),
		nicks:  newNickGen(c.r.opts.Nick),
		joins:  make(map[string]string),
		sent:   make(map[string]time.Time),
	}
}

// connected reports whether the dial succeeded.
func (s *session) connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wire != nil
}

func (s *session) deliveredCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delivered
}

// run dials and serves the connection until it ends.
func (s *session) run() error {
	r, k := s.c.r, s.c.srv.key
	o := r.opts
	user := k.user
	if user == "" {
		user = "irker"
	}
	cfg := girc.Config{
		Server:     k.host,
		Port:       k.port,
		ServerPass: k.password,
		Nick:       s.nicks.current(),
		User:       user,
		Name:       "irker relaying client",
		DisableSTS: true,
		AllowFlood: true, // we pace ourselves (girc's limiter lets bursts through)
		PingDelay:  o.PingInterval,
		Version:    "Corral irkerd",
		HandleNickCollide: func(string) string {
			return s.nextNick()
		},
		RecoverFunc: func(_ *girc.Client, e *girc.HandlerError) {
			s.c.log.Error("panic in IRC event handler", "error", e.Error())
		},
	}
	if o.SASL != nil {
		switch strings.ToUpper(o.SASL.Mechanism) {
		case "EXTERNAL":
			cfg.SASL = &girc.SASLExternal{}
		default:
			cfg.SASL = &girc.SASLPlain{User: o.SASL.User, Pass: o.SASL.Password}
		}
	}
	d := &dialer{
		ctx:          s.ctx,
		timeout:      o.ConnectTimeout,
		serverName:   strings.SplitN(k.host, "%", 2)[0],
		writeTimeout: o.WriteTimeout,
		log:          s.c.log,
		onConn: func(w *wireConn) {
			s.mu.Lock()
			s.wire = w
			closing := s.closing
			s.mu.Unlock()
			if closing {
				w.Close()
			}
		},
	}
	if k.tls {
		d.tls = r.tlsConfig()
	}
	s.client = girc.New(cfg)
	s.client.Handlers.Add(girc.ALL_EVENTS, s.handle)

	s.writerWG.Add(2)
	go func() { defer s.writerWG.Done(); s.writeLoop() }()
	go func() { defer s.writerWG.Done(); s.watch() }()
	s.c.log.Debug("connecting", "nick", cfg.Nick)
	err := s.client.DialerConnect(d)
	close(s.done)
	s.cancel()
	s.writerWG.Wait()
	s.mu.Lock()
	if s.failErr != nil {
		err = s.failErr
	}
	s.mu.Unlock()
	return err
}

// watch enforces the registration timeout (irkerd's HANDSHAKE_TTL) and
// closes the client at shutdown or when the connection is retired before
// it registered.
func (s *session) watch() {
	t := time.NewTimer(s.c.r.opts.RegisterTimeout)
	defer t.Stop()
	select {
	case <-s.ready:
		select {
		case <-s.done:
			return
		case <-s.c.r.ctx.Done():
		}
	case <-t.C:
		s.fail(errors.New("no welcome (001) from the server in time"))
	case <-s.c.retiredCh:
	case <-s.c.r.ctx.Done():
	case <-s.done:
		return
	}
	s.close()
}

// close ends the connection by closing its socket (or aborting the dial):
// girc's Close races with its Connect when called from another
// goroutine, a socket error does not.
func (s *session) close() {
	s.mu.Lock()
	s.closing = true
	w := s.wire
	s.mu.Unlock()
	if w != nil {
		w.Close()
	}
	s.cancel() // aborts a dial in progress
}

// fail ends the connection for a reason of ours (write error, missing
// PONG, SASL not done); run returns that reason.
func (s *session) fail(err error) {
	s.mu.Lock()
	if s.failErr == nil {
		s.failErr = err
	}
	s.mu.Unlock()
	s.close()
}

func (s *session) nextNick() string {
	s.mu.Lock()
	old := s.nicks.current()
	n := s.nicks.next()
	s.mu.Unlock()
	s.c.log.Info("nick rejected", "nick", old, "next", n)
	return n
}

func (s *session) markReady() {
	s.readyOnce.Do(func() { close(s.ready) })
}

// handle is the session's only girc handler (ALL_EVENTS, run in order on
// girc's event loop; it must not block).
func (s *session) handle(_ *girc.Client, e girc.Event) {
	r := s.c.r
	if r.opts.TrafficLog != nil {
		r.logTraffic(s.c.srv.key.host, e.String())
	}
	if s.c.log.Enabled(s.ctx, slog.LevelDebug) {
		s.c.log.Debug("FROM: " + e.String())
	}
	switch e.Command {
	case girc.RPL_WELCOME:
		s.onWelcome(e)
	case girc.RPL_ISUPPORT:
		s.onISupport(e)
	case girc.RPL_ENDOFMOTD, girc.ERR_NOMOTD:
		s.mu.Lock()
		ok := s.welcomed
		s.mu.Unlock()
		if ok {
			s.markReady()
		}
	case girc.RPL_LOGGEDIN, girc.RPL_SASLSUCCESS:
		s.mu.Lock()
		s.saslOK = true
		s.mu.Unlock()
	case girc.ERR_ERRONEUSNICKNAME:
		// girc handles 433/436/437 (HandleNickCollide) but not 432.
		s.mu.Lock()
		welcomed := s.welcomed
		s.mu.Unlock()
		if !welcomed {
			_ = s.write("NICK " + s.nextNick() + "\r\n")
		}
	case girc.JOIN:
		if e.Source != nil && len(e.Params) > 0 && s.isMe(e.Source.Name) {
			s.mu.Lock()
			s.user, s.host = e.Source.Ident, e.Source.Host
			s.mu.Unlock()
			s.c.log.Info("joined channel", "channel", e.Params[0])
			s.c.joined(casefold(e.Params[0]))
		}
	case girc.PART:
		if e.Source != nil && len(e.Params) > 0 && s.isMe(e.Source.Name) {
			s.c.parted(casefold(e.Params[0]))
		}
	case girc.KICK:
		if len(e.Params) >= 2 && s.isMe(e.Params[1]) {
			by := ""
			if e.Source != nil {
				by = e.Source.Name
			}
			s.c.kicked(casefold(e.Params[0]), by, e.Last())
		}
	case girc.NICK:
		if e.Source != nil && len(e.Params) > 0 && s.isMe(e.Source.Name) {
			s.mu.Lock()
			s.nick = e.Last()
			s.mu.Unlock()
		}
	case "396": // RPL_HOSTHIDDEN: a cloak replaces our host
		if len(e.Params) >= 2 {
			s.mu.Lock()
			s.host = e.Params[1]
			s.mu.Unlock()
		}
	case girc.PONG:
		s.onPong(e.Last())
	case girc.ERROR:
		s.c.log.Warn("server closed the connection", "reason", e.Last())
	default:
		if isErrorNumeric(e.Command) {
			s.onErrorNumeric(e)
		}
	}
}

func (s *session) isMe(nick string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return casefold(nick) == casefold(s.nick)
}

func isErrorNumeric(cmd string) bool {
	return len(cmd) == 3 && (cmd[0] == '4' || cmd[0] == '5') &&
		cmd[1] >= '0' && cmd[1] <= '9' && cmd[2] >= '0' && cmd[2] <= '9'
}

// onWelcome handles 001: registration is done.
func (s *session) onWelcome(e girc.Event) {
	r := s.c.r
	s.mu.Lock()
	s.welcomed = true
	if len(e.Params) > 0 {
		s.nick = e.Params[0]
	}
	// "Welcome to the Internet Relay Network nick!user@host" (RFC 2812
	// §5.1) tells us the prefix the server puts on our lines.
	if f := strings.Fields(e.Last()); len(f) > 0 {
		if n, uh, ok := strings.Cut(f[len(f)-1], "!"); ok && casefold(n) == casefold(s.nick) {
			if u, h, ok := strings.Cut(uh, "@"); ok {
				s.user, s.host = u, h
			}
		}
	}
	nick, saslOK := s.nick, s.saslOK
	s.mu.Unlock()
	if r.opts.SASL != nil && !saslOK {
		s.fail(errors.New("server did not complete SASL authentication"))
		return
	}
	s.c.log.Info("nick accepted", "nick", nick)
	if pw := *r.nsPass.Load(); pw != "" {
		_ = s.write("PRIVMSG NickServ :identify " + pw + "\r\n")
	}
	// Start after the MOTD (so ISUPPORT is known), or 2 s after 001 for
	// servers that send no end of MOTD.
	go func() {
		select {
		case <-time.After(2 * time.Second):
			s.markReady()
		case <-s.done:
		}
	}()
}

// onISupport reads channel limits and DEAF from 005.
func (s *session) onISupport(e girc.Event) {
	if len(e.Params) < 3 {
		return
	}
	tokens := e.Params[1 : len(e.Params)-1]
	c := s.c
	for _, tok := range tokens {
		if mode, ok := strings.CutPrefix(tok, "DEAF="); ok && c.r.opts.TrafficLog == nil && mode != "" {
			s.mu.Lock()
			nick := s.nick
			s.mu.Unlock()
			_ = s.write("MODE " + nick + " +" + mode + "\r\n")
		}
	}
	c.mu.Lock()
	lim := c.limits.clone()
	changed := lim.parseISupport(tokens)
	if changed {
		c.limits = lim
	}
	c.mu.Unlock()
	if changed {
		c.log.Info("server channel limits", "limits", fmt.Sprint(lim.groups))
		c.r.learnLimits(c.srv, lim)
		c.r.rebalance(c)
	}
}

// onPong matches a PONG to the JOIN or PRIVMSG it confirms.
func (s *session) onPong(token string) {
	s.mu.Lock()
	delete(s.sent, token)
	fold, isJoin := s.joins[token]
	delete(s.joins, token)
	in := s.inflight
	s.mu.Unlock()
	if isJoin {
		s.c.joinAnswered(fold)
		return
	}
	if in != nil && in.token == token {
		s.mu.Lock()
		msg := in.err
		s.mu.Unlock()
		select {
		case in.done <- msg:
		default:
		}
	}
}

// onErrorNumeric routes a 4xx/5xx reply about a target to the JOIN or
// PRIVMSG it answers (RFC 2812 §5.2: the second parameter names it).
func (s *session) onErrorNumeric(e girc.Event) {
	if len(e.Params) < 2 {
		s.c.log.Info("server error reply", "numeric", e.Command, "text", e.Last())
		return
	}
	fold := casefold(e.Params[1])
	c := s.c
	c.mu.Lock()
	cs := c.targets[fold]
	joining := cs != nil && cs.joining
	c.mu.Unlock()
	if joining {
		if e.Command == girc.ERR_TOOMANYCHANNELS {
			c.tooManyChannels(fold, e.Last())
		} else {
			c.joinFailed(fold, e.Command, e.Last())
		}
		return
	}
	s.mu.Lock()
	in := s.inflight
	if in != nil && in.fold == fold && in.err == "" {
		in.err = e.Command + " " + e.Last()
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	c.log.Info("server error reply", "numeric", e.Command, "target", e.Params[1], "text", e.Last())
}

// write sends raw IRC lines (CRLF-terminated) in one write.
func (s *session) write(lines string) error {
	s.mu.Lock()
	w := s.wire
	s.mu.Unlock()
	if w == nil {
		return errors.New("not connected")
	}
	if _, err := w.Write([]byte(lines)); err != nil {
		err = fmt.Errorf("writing to server: %w", err)
		s.fail(err)
		return err
	}
	return nil
}
