package ircgw

import (
	"sort"
	"time"
)

// item is one line waiting to be sent.
type item struct {
	seq      uint64 // submission order across the relay
	text     string // what is left to send of the line
	enq      time.Time
	joinOnly bool // an empty privmsg: JOIN, send nothing
}

// chanState is one target (channel or nick) of a connection: its queue
// and where it stands with the server.
type chanState struct {
	name   string // as the URL rules made it
	fold   string // casefold(name), to match server replies
	isNick bool
	key    string // channel key for JOIN
	msgs   []*item

	joined      bool      // the server echoed our JOIN
	joining     bool      // JOIN sent, no answer yet
	parkedUntil time.Time // JOIN refused, KICKed or PRIVMSG refused: wait
	failures    int       // consecutive refusals, for the backoff
}

// park holds the channel's queue back for d (jittered backoff).
func (cs *chanState) park(d time.Duration, now time.Time) {
	cs.failures++
	cs.parkedUntil = now.Add(d)
}

// enqueueLocked appends the lines of one request for cs and returns how
// many were dropped because the connection's queue is full. c.mu is held.
func (c *conn) enqueueLocked(cs *chanState, t Target, lines []string, now time.Time) int {
	if t.Key != "" {
		cs.key = t.Key
	}
	if len(lines) == 0 {
		// irkerd's keep-alive: JOIN only. Nothing to do for a nick or a
		// channel already joined or about to be.
		if cs.isNick || cs.joined || cs.joining || len(cs.msgs) > 0 {
			return 0
		}
		lines = []string{""}
	}
	dropped := 0
	for _, l := range lines {
		if c.queued >= c.r.opts.MaxQueue {
			dropped++
			continue
		}
		cs.msgs = append(cs.msgs, &item{seq: c.r.seq.Add(1), text: l, enq: now, joinOnly: l == ""})
		c.queued++
		if l != "" {
			c.r.stats.queued.Add(1)
		}
	}
	return dropped
}

// hasRoomLocked reports whether c may take one more target. c.mu is held.
func (c *conn) hasRoomLocked(name string, isNick bool) bool {
	if isNick {
		return true
	}
	prefixes, max := c.limits.group(name)
	if max == 0 {
		return true
	}
	n := 0
	for _, cs := range c.targets {
		if !cs.isNick && cs.name != "" && containsByte(prefixes, cs.name[0]) {
			n++
		}
	}
	return n < max
}

// overLimitLocked returns the channels to move so that c respects its
// limits: channels not joined nor being joined, newest first. c.mu is
// held.
func (c *conn) overLimitLocked() []*chanState {
	groups := map[string][]*chanState{}
	for _, cs := range c.targets {
		if cs.isNick {
			continue
		}
		p, _ := c.limits.group(cs.name)
		groups[p] = append(groups[p], cs)
	}
	var evict []*chanState
	for _, list := range groups {
		_, max := c.limits.group(list[0].name)
		if max == 0 || len(list) <= max {
			continue
		}
		var movable []*chanState
		for _, cs := range list {
			if !cs.joined && !cs.joining {
				movable = append(movable, cs)
			}
		}
		sort.Slice(movable, func(i, j int) bool { return headSeq(movable[i]) > headSeq(movable[j]) })
		n := min(len(list)-max, len(movable))
		evict = append(evict, movable[:n]...)
	}
	return evict
}

func headSeq(cs *chanState) uint64 {
	if len(cs.msgs) == 0 {
		return ^uint64(0)
	}
	return cs.msgs[0].seq
}

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}

// actionKind is what the writer should do next.
type actionKind int

const (
	actWait actionKind = iota // nothing sendable; wait until `until` or a wake-up
	actJoin                   // JOIN cs
	actSend                   // PRIVMSG the head of cs
	actIdle                   // nothing queued for IdleTimeout: QUIT
	actQuit                   // the connection was retired
)

type action struct {
	kind  actionKind
	cs    *chanState
	it    *item
	until time.Time // for actWait; zero means "until woken"
}

// nextLocked chooses the writer's next step: among the targets that are
// not parked, the one whose head line was submitted first (so lines keep
// their order per channel, and a parked channel does not hold back the
// others). Lines older than MaxAge are dropped first, and returned
// for logging. c.mu is held.
func (c *conn) nextLocked(now time.Time) (action, []expired) {
	if c.retired {
		return action{kind: actQuit}, nil
	}
	gone := c.expireLocked(now)
	var best *chanState
	var wakeAt time.Time
	for _, cs := range c.targets {
		if len(cs.msgs) == 0 || cs.joining {
			continue
		}
		if cs.parkedUntil.After(now) {
			if wakeAt.IsZero() || cs.parkedUntil.Before(wakeAt) {
				wakeAt = cs.parkedUntil
			}
			continue
		}
		// A join-only line for a channel already joined is done.
		for len(cs.msgs) > 0 && cs.msgs[0].joinOnly && (cs.joined || cs.isNick) {
			cs.msgs = cs.msgs[1:]
			c.queued--
		}
		if len(cs.msgs) == 0 {
			continue
		}
		if best == nil || cs.msgs[0].seq < best.msgs[0].seq {
			best = cs
		}
	}
	if best != nil {
		if !best.isNick && !best.joined {
			return action{kind: actJoin, cs: best, it: best.msgs[0]}, gone
		}
		return action{kind: actSend, cs: best, it: best.msgs[0]}, gone
	}
	if c.queued == 0 && !c.anyJoiningLocked() {
		idleAt := c.lastXmit.Add(c.r.opts.IdleTimeout)
		if !now.Before(idleAt) {
			return action{kind: actIdle}, gone
		}
		if wakeAt.IsZero() || idleAt.Before(wakeAt) {
			wakeAt = idleAt
		}
	}
	// Re-check the oldest line for expiry in time.
	for _, cs := range c.targets {
		if len(cs.msgs) > 0 {
			exp := cs.msgs[0].enq.Add(c.r.opts.MaxAge + time.Millisecond)
			if wakeAt.IsZero() || exp.Before(wakeAt) {
				wakeAt = exp
			}
		}
	}
	return action{kind: actWait, until: wakeAt}, gone
}

// expireLocked drops the lines older than MaxAge and returns them for
// logging. c.mu is held.
func (c *conn) expireLocked(now time.Time) []expired {
	var gone []expired
	for _, cs := range c.targets {
		n := 0
		for len(cs.msgs) > 0 && now.Sub(cs.msgs[0].enq) > c.r.opts.MaxAge {
			cs.msgs = cs.msgs[1:]
			n++
		}
		if n > 0 {
			c.queued -= n
			gone = append(gone, expired{target: cs.name, lines: n})
		}
	}
	return gone
}

// expired reports lines dropped for age.
type expired struct {
	target string
	lines  int
}

func (c *conn) anyJoiningLocked() bool {
	for _, cs := range c.targets {
		if cs.joining {
			return true
		}
	}
	return false
}

// validLocked reports whether the action chosen earlier still stands
// after waiting for the pacing token. c.mu is held.
func (c *conn) validLocked(a action) bool {
	if c.retired || c.targets[a.cs.fold] != a.cs || len(a.cs.msgs) == 0 || a.cs.msgs[0] != a.it {
		return false
	}
	if a.cs.parkedUntil.After(time.Now()) || a.cs.joining {
		return false
	}
	switch a.kind {
	case actJoin:
		return !a.cs.joined
	case actSend:
		return a.cs.joined || a.cs.isNick
	}
	return false
}
