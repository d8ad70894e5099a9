package ircgw

import (
	"fmt"
	"slices"
	"time"
)

// server groups the connections to one IRC server (one serverKey), like
// irkerd's Dispatcher: the channels are spread over as few connections as
// the server's channel limit allows (irkerd §7.2), and a channel stays on
// the connection that holds its queue so its lines keep their order.
type server struct {
	key    serverKey
	conns  []*conn
	assign map[string]*conn // casefolded target → connection holding its queue
	limits chanLimits       // as last advertised by the server
}

// enqueueLocked queues the lines of one request for one target. r.mu is
// held.
func (r *Relay) enqueueLocked(t Target, lines []string, now time.Time) error {
	key := t.serverKey()
	srv := r.servers[key]
	if srv == nil {
		srv = &server{key: key, assign: make(map[string]*conn), limits: newChanLimits(r.opts.ChannelLimit)}
		r.servers[key] = srv
	}
	fold := casefold(t.Name)
	c := srv.assign[fold]
	if c == nil {
		c = r.pickConnLocked(srv, t.Name, t.IsNick, nil)
		if c == nil {
			if len(srv.conns) == 0 {
				delete(r.servers, key)
			}
			n := max(len(lines), 1)
			r.stats.dropNoConn.Add(uint64(n))
			r.log.Error("no IRC connection available, dropping message",
				"server", key.String(), "target", t.Name, "lines", n, "max_connections", r.opts.MaxConnections)
			return fmt.Errorf("no connection available for %s", t.URL)
		}
		c.mu.Lock()
		c.targets[fold] = &chanState{name: t.Name, fold: fold, isNick: t.IsNick}
		c.mu.Unlock()
		srv.assign[fold] = c
	}
	c.mu.Lock()
	dropped := c.enqueueLocked(c.targets[fold], t, lines, now)
	c.mu.Unlock()
	c.kick()
	if dropped > 0 {
		r.stats.dropQueueFull.Add(uint64(dropped))
		r.log.Error("queue full, dropping lines", "server", key.String(), "target", t.Name,
			"lines", dropped, "max_queue", r.opts.MaxQueue)
		return fmt.Errorf("queue full for %s: %d lines dropped", t.URL, dropped)
	}
	return nil
}

// pickConnLocked returns the first connection of srv with room for the
// channel, else a new one; nil when the relay may not open another. r.mu
// is held.
func (r *Relay) pickConnLocked(srv *server, name string, isNick bool, exclude *conn) *conn {
	for _, c := range srv.conns {
		if c == exclude {
			continue
		}
		c.mu.Lock()
		ok := !c.retired && c.hasRoomLocked(name, isNick)
		c.mu.Unlock()
		if ok {
			return c
		}
	}
	return r.newConnLocked(srv)
}

// newConnLocked opens (lazily, in its own goroutine) a new connection to
// srv. At the connection limit it first closes the connection idle the
// longest, as irkerd forgets its oldest dispatcher at CONNECTION_MAX.
// r.mu is held.
func (r *Relay) newConnLocked(srv *server) *conn {
	if r.closed {
		return nil
	}
	if r.nconns >= r.opts.MaxConnections && !r.evictIdleLocked() {
		return nil
	}
	r.nextConn++
	c := &conn{
		r:         r,
		srv:       srv,
		id:        r.nextConn,
		log:       r.log.With("server", srv.key.String(), "conn", r.nextConn),
		pace:      newPacer(r.opts.LineRate, r.opts.LineBurst, r.clock),
		wake:      make(chan struct{}, 1),
		retiredCh: make(chan struct{}),
		targets:   make(map[string]*chanState),
		limits:    srv.limits.clone(),
		lastXmit:  time.Now(),
	}
	srv.conns = append(srv.conns, c)
	r.nconns++
	r.wg.Add(1)
	go c.run()
	return c
}

// evictIdleLocked retires the connection with nothing queued that sent
// last, making room for a new one. r.mu is held.
func (r *Relay) evictIdleLocked() bool {
	var oldest *conn
	var oldestAt time.Time
	for _, srv := range r.servers {
		for _, c := range srv.conns {
			c.mu.Lock()
			idle, at := c.queued == 0 && !c.retired, c.lastXmit
			c.mu.Unlock()
			if idle && (oldest == nil || at.Before(oldestAt)) {
				oldest, oldestAt = c, at
			}
		}
	}
	if oldest == nil {
		return false
	}
	oldest.log.Info("closing the longest idle connection to make room", "max_connections", r.opts.MaxConnections)
	r.retireLocked(oldest, "transmission timeout")
	return true
}

// retireLocked takes c out of the pool: its targets are forgotten, its
// writer QUITs, its goroutine ends. It returns the number of queued lines
// thrown away. r.mu is held.
func (r *Relay) retireLocked(c *conn, reason string) int {
	c.mu.Lock()
	if c.retired {
		c.mu.Unlock()
		return 0
	}
	c.retired = true
	c.quitReason = reason
	dropped := c.queued
	c.queued = 0
	c.targets = make(map[string]*chanState)
	c.mu.Unlock()

	srv := c.srv
	srv.conns = slices.DeleteFunc(srv.conns, func(x *conn) bool { return x == c })
	for fold, owner := range srv.assign {
		if owner == c {
			delete(srv.assign, fold)
		}
	}
	if len(srv.conns) == 0 {
		delete(r.servers, srv.key)
	}
	r.nconns--
	close(c.retiredCh)
	c.kick()
	return dropped
}

// retireIfEmpty retires c when nothing is queued on it: after an idle
// timeout, or after a disconnect with an empty queue (irkerd then expires
// the connection). It reports whether c was retired.
func (r *Relay) retireIfEmpty(c *conn, reason string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	c.mu.Lock()
	empty := c.queued == 0 && !c.retired
	c.mu.Unlock()
	if empty {
		r.retireLocked(c, reason)
	}
	return empty
}

// rebalance moves channels off c while it holds more than the server
// allows (learned from ISUPPORT or from a 405 reply): the channels not
// joined yet go, with their queues, to another connection of the same
// server, a new one if needed — irkerd's "second connection past the
// channel limit", which crashes 2.23 (specs/irkerd.md §13.7).
func (r *Relay) rebalance(c *conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c.mu.Lock()
	if c.retired {
		c.mu.Unlock()
		return
	}
	evict := c.overLimitLocked()
	for _, cs := range evict {
		delete(c.targets, cs.fold)
		c.queued -= len(cs.msgs)
	}
	c.mu.Unlock()

	srv := c.srv
	for _, cs := range evict {
		delete(srv.assign, cs.fold)
		cs.parkedUntil = time.Time{}
		dest := r.pickConnLocked(srv, cs.name, false, c)
		if dest == nil {
			// No other connection possible: keep it here and retry the
			// JOIN later.
			dest = c
			cs.park(r.backoff(cs.failures+1), time.Now())
		}
		dest.mu.Lock()
		dest.targets[cs.fold] = cs
		dest.queued += len(cs.msgs)
		dest.mu.Unlock()
		srv.assign[cs.fold] = dest
		if dest != c {
			c.log.Info("moving channel to another connection (channel limit)", "channel", cs.name, "to_conn", dest.id)
		}
		dest.kick()
	}
}

// learnLimits records the channel limits a server advertised, for the
// connections opened to it later. r.mu is taken.
func (r *Relay) learnLimits(srv *server, l chanLimits) {
	r.mu.Lock()
	srv.limits = l.clone()
	r.mu.Unlock()
}
