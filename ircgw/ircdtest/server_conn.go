package ircdtest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"net"
	"strings"
	"time"
)

// maxLine is the longest line the server reads, CRLF included; longer
// ones get "ERROR :Request too long" and the connection is closed, as
// ngIRCd does (specs/irkerd.md §6).
const maxLine = 512

func (s *Server) serveConn(nc net.Conn) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		nc.Close()
		return
	}
	s.nextID++
	c := &Client{ID: s.nextID, Host: "127.0.0.1", conn: nc, w: bufio.NewWriter(nc), channels: map[string]bool{}}
	s.clients[c.ID] = c
	s.mu.Unlock()
	defer s.drop(c)

	if tc, ok := nc.(*tls.Conn); ok {
		tc.SetDeadline(time.Now().Add(10 * time.Second))
		if err := tc.Handshake(); err != nil {
			return
		}
		tc.SetDeadline(time.Time{})
		c.hasCert = len(tc.ConnectionState().PeerCertificates) > 0
	}
	br := bufio.NewReaderSize(nc, 64*1024)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil && len(line) == 0 {
			return
		}
		if len(line) > maxLine || (err != nil && len(line) >= maxLine) {
			c.send("ERROR :Request too long")
			return
		}
		text := strings.TrimRight(string(line), "\r\n")
		s.mu.Lock()
		s.raw = append(s.raw, Line{Client: c.ID, Text: text})
		s.cond.Broadcast()
		s.mu.Unlock()
		if text != "" && !s.handle(c, text) {
			return
		}
		if err != nil {
			return
		}
	}
}

// drop forgets a disconnected client.
func (s *Server) drop(c *Client) {
	c.conn.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.clients, c.ID)
	for ch := range c.channels {
		delete(s.channels[ch], c.ID)
	}
	s.cond.Broadcast()
}

func (c *Client) send(line string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	c.w.WriteString(line + "\r\n")
	c.w.Flush()
}

func (c *Client) prefix() string {
	return ":" + c.Nick + "!~" + c.User + "@" + c.Host
}

// parse splits an IRC line into command and parameters (RFC 2812 §2.3.1).
func parse(line string) (cmd string, params []string) {
	if strings.HasPrefix(line, ":") {
		_, line, _ = strings.Cut(line, " ")
	}
	for line != "" {
		if strings.HasPrefix(line, ":") {
			params = append(params, line[1:])
			break
		}
		var p string
		p, line, _ = strings.Cut(line, " ")
		if p != "" {
			params = append(params, p)
		}
	}
	if len(params) == 0 {
		return "", nil
	}
	return strings.ToUpper(params[0]), params[1:]
}

func (s *Server) numeric(c *Client, code, rest string) {
	nick := c.Nick
	if nick == "" {
		nick = "*"
	}
	c.send(":" + s.Name + " " + code + " " + nick + " " + rest)
}

// handle runs one command under the server's lock; false closes the
// connection.
func (s *Server) handle(c *Client, line string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd, p := parse(line)
	arg := func(i int) string {
		if i < len(p) {
			return p[i]
		}
		return ""
	}
	switch cmd {
	case "CAP":
		return s.handleCAP(c, p)
	case "AUTHENTICATE":
		s.handleAuthenticate(c, arg(0))
	case "PASS":
		c.Pass = arg(0)
	case "NICK":
		s.handleNick(c, arg(0))
	case "USER":
		c.User = arg(0)
		return s.tryRegister(c)
	case "PING":
		c.send(":" + s.Name + " PONG " + s.Name + " :" + arg(0))
	case "PONG", "WHO", "MODE":
	case "QUIT":
		c.send("ERROR :Closing connection")
		return false
	case "JOIN":
		if !c.Registered {
			s.numeric(c, "451", ":You have not registered")
			return true
		}
		keys := strings.Split(arg(1), ",")
		for i, ch := range strings.Split(arg(0), ",") {
			key := ""
			if i < len(keys) {
				key = keys[i]
			}
			s.handleJoin(c, ch, key)
		}
	case "PART":
		for _, ch := range strings.Split(arg(0), ",") {
			if c.channels[casefold(ch)] {
				s.broadcastLocked(ch, c.prefix()+" PART "+ch)
				delete(c.channels, casefold(ch))
				delete(s.channels[casefold(ch)], c.ID)
			}
		}
	case "PRIVMSG", "NOTICE":
		if !c.Registered {
			s.numeric(c, "451", ":You have not registered")
			return true
		}
		s.handleMessage(c, cmd, arg(0), arg(1))
	default:
		s.numeric(c, "421", cmd+" :Unknown command")
	}
	return true
}

func (s *Server) handleCAP(c *Client, p []string) bool {
	sasl := s.cfg.SASL != nil
	if len(p) == 0 {
		return true
	}
	switch strings.ToUpper(p[0]) {
	case "LS":
		if !sasl {
			return true // a server without CAP ignores it
		}
		c.capNeg = true
		c.send(":" + s.Name + " CAP * LS :sasl")
	case "REQ":
		if len(p) > 1 && strings.TrimSpace(p[1]) == "sasl" && sasl {
			c.send(":" + s.Name + " CAP * ACK :sasl")
		} else if len(p) > 1 {
			c.send(":" + s.Name + " CAP * NAK :" + p[1])
		}
	case "END":
		c.capNeg = false
		return s.tryRegister(c)
	}
	return true
}

func (s *Server) handleAuthenticate(c *Client, arg string) {
	users := s.cfg.SASL
	switch {
	case c.saslMech == "" && (arg == "PLAIN" || arg == "EXTERNAL"):
		c.saslMech = arg
		c.send("AUTHENTICATE +")
		return
	case c.saslMech == "PLAIN":
		raw, err := base64.StdEncoding.DecodeString(arg)
		parts := bytes.Split(raw, []byte{0})
		if err == nil && len(parts) == 3 && users[string(parts[1])] == string(parts[2]) && string(parts[1]) != "" {
			c.Account = string(parts[1])
		}
	case c.saslMech == "EXTERNAL":
		if c.hasCert {
			c.Account = "certfp"
		}
	}
	c.saslMech = ""
	if c.Account == "" {
		s.numeric(c, "904", ":SASL authentication failed")
		return
	}
	s.numeric(c, "900", c.prefix()[1:]+" "+c.Account+" :You are now logged in as "+c.Account)
	s.numeric(c, "903", ":SASL authentication successful")
}

func (s *Server) handleNick(c *Client, nick string) {
	max := s.cfg.NickLen
	if max == 0 {
		max = 30
	}
	taken := s.cfg.TakenNicks[casefold(nick)]
	for _, o := range s.clients {
		if o != c && casefold(o.Nick) == casefold(nick) {
			taken = true
		}
	}
	refused := ""
	if s.cfg.NickError != nil {
		refused = s.cfg.NickError(nick)
	}
	switch {
	case refused != "":
		s.numeric(c, refused, nick+" :Nickname refused")
	case nick == "" || len(nick) > max || strings.ContainsAny(nick, " ,*?!@#:") || (nick[0] >= '0' && nick[0] <= '9'):
		s.numeric(c, "432", nick+" :Erroneous nickname")
	case taken:
		s.numeric(c, "433", nick+" :Nickname is already in use")
	case c.Registered:
		old := c.prefix()
		c.Nick = nick
		c.send(old + " NICK :" + nick)
	default:
		c.Nick = nick
		s.tryRegister(c)
	}
}

func (s *Server) tryRegister(c *Client) bool {
	if c.Registered || c.Nick == "" || c.User == "" || c.capNeg {
		return true
	}
	cfg := s.cfg
	if cfg.Password != "" && c.Pass != cfg.Password {
		s.numeric(c, "464", ":Password incorrect")
		c.send("ERROR :Access denied: Bad password?")
		return false
	}
	c.Registered = true
	s.numeric(c, "001", ":Welcome to the fake IRC network "+c.prefix()[1:])
	s.numeric(c, "002", ":Your host is "+s.Name)
	s.numeric(c, "004", s.Name+" fake-1.0 o ntk")
	tokens := append([]string{"CHANTYPES=#&+"}, cfg.ISupport...)
	s.numeric(c, "005", strings.Join(tokens, " ")+" :are supported by this server")
	if cfg.NoMOTD {
		s.numeric(c, "422", ":MOTD File is missing")
	} else {
		s.numeric(c, "375", ":- "+s.Name+" Message of the day -")
		s.numeric(c, "376", ":End of MOTD command")
	}
	return true
}

func (s *Server) handleJoin(c *Client, ch, key string) {
	fold := casefold(ch)
	if c.channels[fold] {
		return // already on it: servers ignore the JOIN
	}
	code := ""
	switch {
	case ch == "" || !strings.ContainsRune("#&+", rune(ch[0])):
		code = "403 " + ch + " :No such channel"
	case s.cfg.MaxChannels > 0 && len(c.channels) >= s.cfg.MaxChannels:
		code = "405 " + ch + " :You have joined too many channels"
	case s.cfg.Banned[fold]:
		code = "474 " + ch + " :Cannot join channel (+b)"
	case s.cfg.Keys[fold] != "" && s.cfg.Keys[fold] != key:
		code = "475 " + ch + " :Cannot join channel (+k)"
	case s.cfg.JoinError != nil:
		if n := s.cfg.JoinError(c.Nick, ch, key); n != "" {
			code = n + " " + ch + " :Cannot join channel"
		}
	}
	if code != "" {
		s.numeric(c, code[:3], code[4:])
		return
	}
	if s.channels[fold] == nil {
		s.channels[fold] = map[int]bool{}
	}
	s.channels[fold][c.ID] = true
	c.channels[fold] = true
	s.broadcastLocked(ch, c.prefix()+" JOIN :"+ch)
	s.numeric(c, "353", "= "+ch+" :"+c.Nick)
	s.numeric(c, "366", ch+" :End of NAMES list")
	s.cond.Broadcast()
}

func (s *Server) handleMessage(c *Client, cmd, target, text string) {
	fold := casefold(target)
	line := c.prefix() + " " + cmd + " " + target + " :" + text
	if target != "" && strings.ContainsRune("#&+", rune(target[0])) {
		if !c.channels[fold] || s.cfg.Muted[fold] {
			s.numeric(c, "404", target+" :Cannot send to channel")
			return
		}
		s.msgs = append(s.msgs, Message{Client: c.ID, From: c.Nick, Command: cmd, Target: target, Text: text, At: time.Now()})
		for id := range s.channels[fold] {
			if o := s.clients[id]; o != nil && o != c {
				o.send(line)
			}
		}
		s.cond.Broadcast()
		return
	}
	for _, o := range s.clients {
		if o.Registered && casefold(o.Nick) == fold {
			s.msgs = append(s.msgs, Message{Client: c.ID, From: c.Nick, Command: cmd, Target: target, Text: text, At: time.Now()})
			o.send(line)
			s.cond.Broadcast()
			return
		}
	}
	s.numeric(c, "401", target+" :No such nick or channel name")
}

// broadcastLocked sends line to every member of channel. s.mu is held.
func (s *Server) broadcastLocked(channel, line string) {
	for id := range s.channels[casefold(channel)] {
		if o := s.clients[id]; o != nil {
			o.send(line)
		}
	}
}
