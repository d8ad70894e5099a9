package ircgw

import (
	"errors"
	"strconv"
	"time"
)

// writeLoop is the connection's single writer (DESIGN §6): once the
// server has welcomed us it takes lines from the queue in submission
// order, JOINs lazily, paces every JOIN and PRIVMSG with the token bucket,
// and sends one PRIVMSG at a time, each followed by a PING in the same
// write; the line is confirmed by the PONG.
func (s *session) writeLoop() {
	select {
	case <-s.ready:
	case <-s.done:
		return
	}
	c := s.c
	for {
		c.mu.Lock()
		a, gone := c.nextLocked(time.Now())
		c.mu.Unlock()
		c.r.reportExpired(c, gone)
		switch a.kind {
		case actQuit:
			c.mu.Lock()
			reason := c.quitReason
			c.mu.Unlock()
			s.quit(reason)
			return
		case actIdle:
			if c.r.retireIfEmpty(c, "transmission timeout") {
				c.log.Info("timing out idle connection", "idle", c.r.opts.IdleTimeout.String())
				s.quit("transmission timeout")
				return
			}
		case actWait:
			if !s.wait(a.until) {
				return
			}
		case actJoin, actSend:
			if err := c.pace.wait(s.ctx); err != nil {
				return
			}
			c.mu.Lock()
			ok := c.validLocked(a)
			if ok && a.kind == actJoin {
				a.cs.joining = true
			}
			name, key := a.cs.name, a.cs.key
			c.mu.Unlock()
			if !ok {
				continue
			}
			if a.kind == actJoin {
				if !s.sendJoin(a.cs.fold, name, key) {
					return
				}
				continue
			}
			if !s.sendLine(a, name) {
				return
			}
		}
	}
}

// wait sleeps until `until` (zero: no limit), a wake-up or the end of the
// session. It fails the session when a PING stays unanswered past
// AckTimeout.
func (s *session) wait(until time.Time) bool {
	ackBy := s.ackDeadline()
	if !ackBy.IsZero() && (until.IsZero() || ackBy.Before(until)) {
		until = ackBy
	}
	var timeout <-chan time.Time
	if !until.IsZero() {
		t := time.NewTimer(time.Until(until))
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-s.c.wake:
	case <-timeout:
	case <-s.done:
		return false
	}
	if ackBy = s.ackDeadline(); !ackBy.IsZero() && !time.Now().Before(ackBy) {
		s.fail(errors.New("no PONG from the server in time"))
		return false
	}
	return true
}

// ackDeadline is when the oldest unanswered PING times out.
func (s *session) ackDeadline() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	var oldest time.Time
	for _, t := range s.sent {
		if oldest.IsZero() || t.Before(oldest) {
			oldest = t
		}
	}
	if oldest.IsZero() {
		return oldest
	}
	return oldest.Add(s.c.r.opts.AckTimeout)
}

func (s *session) newToken(now time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenN++
	tok := "corral-" + strconv.FormatUint(s.tokenN, 10)
	s.sent[tok] = now
	return tok
}

// sendJoin sends JOIN and a PING; the PONG tells that the server has
// answered the JOIN (an error numeric comes before it).
func (s *session) sendJoin(fold, name, key string) bool {
	tok := s.newToken(time.Now())
	s.mu.Lock()
	s.joins[tok] = fold
	s.mu.Unlock()
	cmd := "JOIN " + name
	if key != "" {
		cmd += " " + key
	}
	s.c.log.Info("joining channel", "channel", name)
	return s.write(cmd+"\r\nPING :"+tok+"\r\n") == nil
}

// sendLine sends the head line of a.cs, cut to what the server relays
// whole, and waits for its confirmation.
func (s *session) sendLine(a action, name string) bool {
	o := s.c.r.opts
	s.mu.Lock()
	prefix := relayPrefixLen(s.nick, s.user, s.host)
	s.mu.Unlock()
	s.c.mu.Lock()
	text := a.it.text
	s.c.mu.Unlock()
	line, rest := cutLine(text, lineBudget(prefix, name), o.WordWrap)
	if rest != "" && !o.WordWrap {
		s.c.log.Debug("line too long, truncated", "target", name, "bytes", len(text), "sent", len(line))
	}
	cmd := "PRIVMSG " + name + " :" + line + "\r\n"
	if o.NoConfirm {
		if s.write(cmd) != nil {
			return false
		}
		s.complete(a, rest, "")
		return true
	}
	tok := s.newToken(time.Now())
	in := &inflight{token: tok, fold: a.cs.fold, done: make(chan string, 1)}
	s.mu.Lock()
	s.inflight = in
	s.mu.Unlock()
	if s.write(cmd+"PING :"+tok+"\r\n") != nil {
		return false
	}
	t := time.NewTimer(o.AckTimeout)
	defer t.Stop()
	select {
	case refused := <-in.done:
		s.mu.Lock()
		s.inflight = nil
		s.mu.Unlock()
		s.complete(a, rest, refused)
		return true
	case <-t.C:
		s.fail(errors.New("no PONG from the server in time"))
		return false
	case <-s.done:
		return false
	}
}

// complete records the outcome of a sent line: delivered (pop it, or keep
// the rest of a wrapped line), or refused by the server (404 cannot send,
// 401 no such nick, ...: keep it and park the target).
func (s *session) complete(a action, rest, refused string) {
	c, o := s.c, s.c.r.opts
	now := time.Now()
	c.mu.Lock()
	if c.targets[a.cs.fold] != a.cs || len(a.cs.msgs) == 0 || a.cs.msgs[0] != a.it {
		c.mu.Unlock()
		return
	}
	if refused != "" {
		a.cs.joined = false // re-JOIN: a ban or KICK may be why
		d := c.r.backoff(a.cs.failures + 1)
		a.cs.park(d, now)
		n := len(a.cs.msgs)
		c.mu.Unlock()
		c.log.Warn("server refused line, parking target", "target", a.cs.name, "reply", refused,
			"retry_in", d.Round(time.Millisecond).String(), "queued", n)
		return
	}
	done := rest == "" || !o.WordWrap
	if done {
		a.cs.msgs = a.cs.msgs[1:]
		c.queued--
	} else {
		a.it.text = rest
	}
	a.cs.failures = 0
	c.lastXmit = now
	c.mu.Unlock()
	c.r.stats.delivered.Add(1)
	s.mu.Lock()
	s.delivered++
	s.mu.Unlock()
	if done && o.OnDelivered != nil {
		o.OnDelivered(now.Sub(a.it.enq))
	}
}

// quit says goodbye and waits briefly for the server to close, so that
// the QUIT is not lost to a reset.
func (s *session) quit(reason string) {
	if reason == "" {
		reason = "transmission timeout"
	}
	if s.write("QUIT :"+reason+"\r\n") == nil {
		t := time.NewTimer(3 * time.Second)
		defer t.Stop()
		select {
		case <-s.done:
			return
		case <-t.C:
		case <-s.c.r.ctx.Done():
		}
	}
	s.close()
}

// reportExpired counts and logs lines dropped for age.
func (r *Relay) reportExpired(c *conn, gone []expired) {
	for _, g := range gone {
		r.stats.dropExpired.Add(uint64(g.lines))
		c.log.Error("dropping lines that waited too long", "target", g.target, "lines", g.lines,
			"max_age", r.opts.MaxAge.String())
	}
}
