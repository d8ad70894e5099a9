package listen

import (
	"crypto/tls"
	"net"
	"sync"
	"time"
)

// drainConn wraps an accepted connection so that Shutdown can end it
// between messages: once draining, a read outside DATA fails as a timeout
// (go-smtp then answers "421 4.4.2" and closes), while a message being
// received or handled is finished and answered first.
type drainConn struct {
	net.Conn
	srv *Server

	mu       sync.Mutex
	busy     bool // inside DATA: reading or handling a message
	draining bool
	closed   bool
}

// errDraining is what a read returns once the server drains: a timeout,
// so that go-smtp answers 421 rather than logging a connection error.
type errDraining struct{}

func (errDraining) Error() string   { return "smtp server shutting down" }
func (errDraining) Timeout() bool   { return true }
func (errDraining) Temporary() bool { return true }

var pastDeadline = time.Unix(1, 0)

func (c *drainConn) Read(b []byte) (int, error) {
	c.mu.Lock()
	stop := c.draining && !c.busy
	c.mu.Unlock()
	if stop {
		return 0, errDraining{}
	}
	return c.Conn.Read(b)
}

// SetReadDeadline keeps the past deadline that drain set, unless a
// message is in progress.
func (c *drainConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.draining && !c.busy {
		return nil
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *drainConn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.Conn.SetWriteDeadline(t)
}

func (c *drainConn) Close() error {
	c.mu.Lock()
	first := !c.closed
	c.closed = true
	c.mu.Unlock()
	if first {
		c.srv.forget(c)
	}
	return c.Conn.Close()
}

// drain makes the connection end at its next command; a read blocked
// waiting for one is woken.
func (c *drainConn) drain() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.draining = true
	if !c.busy {
		c.Conn.SetReadDeadline(pastDeadline)
	}
}

// setBusy marks the start and end of a message. At the start, a past
// deadline set by a drain that came between the DATA command and the
// message is replaced, so that the message can still be read.
func (c *drainConn) setBusy(busy bool, readTimeout time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy = busy
	if busy && c.draining {
		var t time.Time
		if readTimeout > 0 {
			t = time.Now().Add(readTimeout)
		}
		c.Conn.SetReadDeadline(t)
	}
}

// drainConnOf finds our wrapper under a go-smtp connection, which is a
// *tls.Conn after STARTTLS.
func drainConnOf(c net.Conn) *drainConn {
	for {
		switch x := c.(type) {
		case *drainConn:
			return x
		case *tls.Conn:
			c = x.NetConn()
		default:
			return nil
		}
	}
}

// trackingListener wraps every accepted connection in a drainConn.
type trackingListener struct {
	net.Listener
	srv *Server
}

func (l trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	dc := &drainConn{Conn: c, srv: l.srv}
	l.srv.track(dc)
	return dc, nil
}
