// Package ircdtest provides IRC servers for tests of irker relays, in the
// spirit of net/http/httptest: Server, an in-process IRC server speaking
// raw lines and numerics (RFC 2812, with the IRCv3 CAP/SASL subset girc
// uses) whose behaviour tests can steer — bans, keys, channel limits, KICK,
// KILL, muted channels, taken nicks; Ngircd, which runs Debian's ngircd on
// a free loopback port with a generated configuration; and Observer, a
// small IRC client that records what reaches a channel.
//
// Everything listens and connects on 127.0.0.1 only.
package ircdtest

import (
	"bufio"
	"crypto/tls"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is a PRIVMSG or NOTICE a server accepted (or an Observer saw).
type Message struct {
	Client  int    // server's id of the sending connection
	From    string // sender's nick
	Command string // PRIVMSG or NOTICE
	Target  string // channel or nick, as sent
	Text    string
	At      time.Time
}

// Line is one raw line a Server read, with the connection it came from.
type Line struct {
	Client int
	Text   string
}

// Config steers a Server. Change it with Server.Configure while clients
// are connected.
type Config struct {
	// ISupport are the 005 tokens, e.g. "CHANLIMIT=#&+:10".
	ISupport []string
	// MaxChannels makes JOIN fail with 405 past this many channels per
	// client (0: no limit) — independent of ISupport on purpose.
	MaxChannels int
	// Banned channels refuse JOIN with 474.
	Banned map[string]bool
	// Keys are channel keys; a JOIN with another key gets 475.
	Keys map[string]string
	// JoinError, if set, may return a numeric ("471", "473", ...) to
	// refuse a JOIN.
	JoinError func(nick, channel, key string) string
	// Muted channels refuse PRIVMSG with 404 even to members.
	Muted map[string]bool
	// TakenNicks are refused with 433.
	TakenNicks map[string]bool
	// NickLen is the longest nick accepted (default 30); longer gets 432.
	NickLen int
	// NickError, if set, may return "432" or "433" to refuse a nick.
	NickError func(nick string) string
	// SASL, when non-nil, advertises CAP sasl and accepts these PLAIN
	// user → password pairs; EXTERNAL succeeds for clients that
	// presented a TLS certificate.
	SASL map[string]string
	// Password, when set, is the server password clients must PASS.
	Password string
	// NoMOTD sends 422 instead of 376.
	NoMOTD bool
}

// Server is an in-process IRC server on 127.0.0.1.
type Server struct {
	Addr string // host:port to dial
	Name string // server name used as prefix

	t      testing.TB
	tlsCfg *tls.Config

	mu       sync.Mutex
	cond     *sync.Cond
	ln       net.Listener
	cfg      Config
	clients  map[int]*Client
	nextID   int
	channels map[string]map[int]bool // casefolded channel → member ids
	msgs     []Message
	raw      []Line
	closed   bool
}

// Client is one connection to a Server; its fields change under the
// server's lock.
type Client struct {
	ID         int
	Nick, User string
	Host       string
	Pass       string
	Account    string // SASL account, if any
	Registered bool

	conn     net.Conn
	wmu      sync.Mutex
	w        *bufio.Writer
	capNeg   bool
	saslMech string
	hasCert  bool
	channels map[string]bool
}

// NewServer starts a plaintext Server; it stops at the end of the test.
func NewServer(t testing.TB, cfg Config) *Server {
	return newServer(t, cfg, nil)
}

// NewTLSServer starts a Server that speaks TLS from the first byte
// (ircs://) with the given server configuration.
func NewTLSServer(t testing.TB, cfg Config, tlsCfg *tls.Config) *Server {
	return newServer(t, cfg, tlsCfg)
}

func newServer(t testing.TB, cfg Config, tlsCfg *tls.Config) *Server {
	t.Helper()
	s := &Server{
		Name:     "irc.fake",
		t:        t,
		tlsCfg:   tlsCfg,
		cfg:      cfg,
		clients:  make(map[int]*Client),
		channels: make(map[string]map[int]bool),
	}
	s.cond = sync.NewCond(&s.mu)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("ircdtest: listen: %v", err)
	}
	s.Addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.Close)
	return s
}

func (s *Server) serve(ln net.Listener) {
	if s.tlsCfg != nil {
		ln = tls.NewListener(ln, s.tlsCfg)
	}
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serveConn(nc)
		}
	}()
}

// Port returns the port the server listens on.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr)
	n := 0
	for _, c := range p {
		n = n*10 + int(c-'0')
	}
	return n
}

// Configure changes the server's behaviour under its lock.
func (s *Server) Configure(f func(*Config)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.Banned == nil {
		s.cfg.Banned = map[string]bool{}
	}
	if s.cfg.Muted == nil {
		s.cfg.Muted = map[string]bool{}
	}
	if s.cfg.Keys == nil {
		s.cfg.Keys = map[string]string{}
	}
	f(&s.cfg)
	s.cond.Broadcast()
}

// Close stops the server and drops every client.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	ln := s.ln
	var conns []net.Conn
	for _, c := range s.clients {
		conns = append(conns, c.conn)
	}
	s.cond.Broadcast()
	s.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	for _, c := range conns {
		c.Close()
	}
}

// Restart drops every client, stops listening, and listens again on the
// same address after down (a server restart).
func (s *Server) Restart(down time.Duration) {
	s.mu.Lock()
	ln := s.ln
	var conns []net.Conn
	for _, c := range s.clients {
		conns = append(conns, c.conn)
	}
	s.mu.Unlock()
	ln.Close()
	for _, c := range conns {
		c.Close()
	}
	time.Sleep(down)
	var nl net.Listener
	var err error
	for i := 0; i < 50; i++ {
		if nl, err = net.Listen("tcp", s.Addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Errorf("ircdtest: relisten on %s: %v", s.Addr, err)
		return
	}
	s.serve(nl)
}

// Messages returns the PRIVMSGs and NOTICEs accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Texts returns the texts accepted for target (compared case-insensitively),
// in arrival order.
func (s *Server) Texts(target string) []string {
	var out []string
	for _, m := range s.Messages() {
		if casefold(m.Target) == casefold(target) {
			out = append(out, m.Text)
		}
	}
	return out
}

// Lines returns every raw line read so far, from all clients.
func (s *Server) Lines() []Line {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Line(nil), s.raw...)
}

// ClientInfo describes a connected client.
type ClientInfo struct {
	ID         int
	Nick, User string
	Pass       string
	Account    string
	Registered bool
	Channels   []string // casefolded
}

// Clients returns the connected clients, in connection order.
func (s *Server) Clients() []ClientInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ClientInfo
	for id := 1; id <= s.nextID; id++ {
		c, ok := s.clients[id]
		if !ok {
			continue
		}
		ci := ClientInfo{ID: c.ID, Nick: c.Nick, User: c.User, Pass: c.Pass, Account: c.Account, Registered: c.Registered}
		for ch := range c.channels {
			ci.Channels = append(ci.Channels, ch)
		}
		out = append(out, ci)
	}
	return out
}

// WaitFor polls cond (called with the server's state unlocked) until it
// is true or timeout passes; it reports failure with what.
func (s *Server) WaitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("ircdtest: timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// WaitTexts waits until target has received at least n lines and returns
// them.
func (s *Server) WaitTexts(t testing.TB, target string, n int, timeout time.Duration) []string {
	t.Helper()
	var got []string
	s.WaitFor(t, timeout, "messages to "+target, func() bool {
		got = s.Texts(target)
		return len(got) >= n
	})
	return got
}

// Kick removes nick from channel with a KICK from the server.
func (s *Server) Kick(channel, nick, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	members := s.channels[casefold(channel)]
	for id := range members {
		c := s.clients[id]
		if c != nil && casefold(c.Nick) == casefold(nick) {
			s.broadcastLocked(channel, ":op!op@irc.fake KICK "+channel+" "+c.Nick+" :"+reason)
			delete(members, id)
			delete(c.channels, casefold(channel))
		}
	}
}

// SendTo writes a raw line to the clients using nick (e.g. a server
// PING).
func (s *Server) SendTo(nick, line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.clients {
		if casefold(c.Nick) == casefold(nick) {
			c.send(line)
		}
	}
}

// Kill disconnects nick the way an operator's KILL does.
func (s *Server) Kill(nick, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.clients {
		if casefold(c.Nick) == casefold(nick) {
			c.send(":op!op@irc.fake KILL " + c.Nick + " :" + reason)
			c.send("ERROR :Closing connection: " + c.Nick + " (Killed (op (" + reason + ")))")
			c.conn.Close()
		}
	}
}

// casefold is RFC 1459 case mapping.
func casefold(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'Z':
			return r + 32
		case r == '[':
			return '{'
		case r == ']':
			return '}'
		case r == '\\':
			return '|'
		case r == '~':
			return '^'
		}
		return r
	}, s)
}
