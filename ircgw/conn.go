package ircgw

import (
	"log/slog"
	"sync"
	"time"
)

// conn is one IRC connection (one nick) to a server, as in irkerd: its
// own queue, joined channels and paced writer. It outlives the TCP
// connections it makes: when the server drops it, the queue is kept and a
// new session reconnects after a jittered exponential backoff (irkerd
// instead drops the queue when a connect fails, §13.10).
type conn struct {
	r    *Relay
	srv  *server
	id   uint64
	log  *slog.Logger
	pace *pacer // the per-connection token bucket

	wake      chan struct{} // nudges the writer (buffered 1)
	retiredCh chan struct{} // closed when retired

	mu         sync.Mutex
	targets    map[string]*chanState // by casefolded name
	queued     int                   // lines queued over all targets
	limits     chanLimits
	retired    bool
	quitReason string
	lastXmit   time.Time // last line delivered (irkerd's last_xmit)
}

// kick wakes the writer to look at the queue again.
func (c *conn) kick() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// run connects, serves sessions and reconnects until the connection is
// retired (idle, empty after a disconnect, or shutdown).
func (c *conn) run() {
	defer c.r.wg.Done()
	attempt := 0
	for {
		s := newSession(c)
		err := s.run()
		c.forgetJoins()
		if c.isRetired() || c.r.ctx.Err() != nil {
			return
		}
		c.mu.Lock()
		gone := c.expireLocked(time.Now())
		c.mu.Unlock()
		c.r.reportExpired(c, gone)
		if c.r.retireIfEmpty(c, "") {
			c.log.Info("server disconnected, nothing queued: connection closed", "error", errText(err))
			return
		}
		if s.deliveredCount() > 0 {
			attempt = 0
		}
		attempt++
		d := c.r.backoff(attempt)
		msg := "server disconnected, will reconnect"
		if !s.connected() {
			msg = "cannot connect to server, will retry"
		}
		c.log.Warn(msg, "error", errText(err),
			"retry_in", d.Round(time.Millisecond).String(), "queued", c.queueLen())
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-c.retiredCh:
			t.Stop()
			return
		case <-c.r.ctx.Done():
			t.Stop()
			return
		}
		c.r.stats.reconnects.Add(1)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (c *conn) isRetired() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.retired
}

func (c *conn) queueLen() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.queued
}

// forgetJoins marks every channel as not joined after a disconnect;
// they are JOINed again, lazily, on the next connection.
func (c *conn) forgetJoins() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cs := range c.targets {
		cs.joined, cs.joining = false, false
	}
}

// joinAnswered handles the PONG that follows a JOIN: the server has
// answered the JOIN by now, and sent no error, so we are on the channel
// (servers echo a successful JOIN, and ignore one for a channel we are
// already on).
func (c *conn) joinAnswered(fold string) {
	c.mu.Lock()
	cs := c.targets[fold]
	if cs != nil && cs.joining {
		cs.joining, cs.joined = false, true
	}
	c.mu.Unlock()
	c.kick()
}

// joined records the server's echo of our JOIN.
func (c *conn) joined(fold string) {
	c.mu.Lock()
	cs := c.targets[fold]
	if cs != nil {
		cs.joining, cs.joined = false, true
	}
	c.mu.Unlock()
	c.kick()
}

// parted records that we left a channel without asking (PART from a
// service, or SAPART).
func (c *conn) parted(fold string) {
	c.mu.Lock()
	if cs := c.targets[fold]; cs != nil {
		cs.joined = false
	}
	c.mu.Unlock()
	c.kick()
}

// kicked parks a channel we were KICKed from; its queue stays (irkerd
// throws it away, §13.9) and the channel is re-joined after the backoff.
func (c *conn) kicked(fold, by, reason string) {
	c.mu.Lock()
	cs := c.targets[fold]
	var d time.Duration
	if cs != nil {
		cs.joined, cs.joining = false, false
		d = c.r.backoff(cs.failures + 1)
		cs.park(d, time.Now())
	}
	c.mu.Unlock()
	c.r.stats.kicks.Add(1)
	if cs == nil {
		c.log.Warn("kicked from a channel we do not send to", "channel", fold, "by", by, "reason", reason)
		return
	}
	c.log.Warn("irker has been kicked from channel, will re-join", "channel", cs.name, "by", by,
		"reason", reason, "retry_in", d.Round(time.Millisecond).String(), "queued", len(cs.msgs))
	c.kick()
}

// joinFailed parks a channel whose JOIN the server refused (471 full,
// 473 invite-only, 474 banned, 475 bad key, 477 registered nicks only,
// ...); irkerd ignores these and loses the messages (§13.8).
func (c *conn) joinFailed(fold, numeric, text string) {
	c.mu.Lock()
	cs := c.targets[fold]
	if cs == nil || !cs.joining {
		c.mu.Unlock()
		return
	}
	cs.joining = false
	d := c.r.backoff(cs.failures + 1)
	cs.park(d, time.Now())
	name, n := cs.name, len(cs.msgs)
	c.mu.Unlock()
	c.r.stats.joinFailures.Add(1)
	c.log.Warn("cannot join channel, parking it", "channel", name, "numeric", numeric, "reason", text,
		"retry_in", d.Round(time.Millisecond).String(), "queued", n)
	c.kick()
}

// tooManyChannels handles 405 ERR_TOOMANYCHANNELS: the server's real
// limit is the number of channels we are on, so the channel moves to
// another connection.
func (c *conn) tooManyChannels(fold, text string) {
	c.mu.Lock()
	cs := c.targets[fold]
	if cs == nil || !cs.joining {
		c.mu.Unlock()
		return
	}
	n := 0
	for _, other := range c.targets {
		if other.joined && !other.isNick {
			if p, _ := c.limits.group(other.name); containsByte(p, cs.name[0]) {
				n++
			}
		}
	}
	if n == 0 {
		// Refused with no channel joined: nowhere better to go.
		c.mu.Unlock()
		c.joinFailed(fold, "405", text)
		return
	}
	cs.joining = false
	c.limits.capGroup(cs.name, n)
	c.mu.Unlock()
	c.log.Info("server refused another channel, lowering the channel limit", "channel", cs.name, "limit", n)
	c.r.rebalance(c)
}
