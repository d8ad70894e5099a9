package ircgw

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// IrkerPort is irker's port, for TCP and UDP alike.
const IrkerPort = 6659

// Listeners are the sockets a relay serves: irker JSON lines on stream
// sockets, one request per datagram on packet sockets.
type Listeners struct {
	Stream []net.Listener
	Packet []net.PacketConn
}

// Close closes all the sockets.
func (l Listeners) Close() error {
	var errs []error
	for _, s := range l.Stream {
		errs = append(errs, s.Close())
	}
	for _, p := range l.Packet {
		errs = append(errs, p.Close())
	}
	return errors.Join(errs...)
}

// Listen opens TCP and UDP on addr (host:port) with the given networks
// ("tcp"/"udp", or "tcp4"/"udp4", "tcp6"/"udp6"), like irkerd's paired
// servers. With port 0 the UDP socket takes the port the system chose for
// TCP.
func Listen(streamNet, packetNet, addr string) (Listeners, error) {
	ln, err := net.Listen(streamNet, addr)
	if err != nil {
		return Listeners{}, fmt.Errorf("listening on %s %s: %w", streamNet, addr, err)
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		ln.Close()
		return Listeners{}, fmt.Errorf("listening on %s: %w", addr, err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	pc, err := net.ListenPacket(packetNet, net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		ln.Close()
		return Listeners{}, fmt.Errorf("listening on %s %s: %w", packetNet, addr, err)
	}
	return Listeners{Stream: []net.Listener{ln}, Packet: []net.PacketConn{pc}}, nil
}

// Serve accepts requests on the given sockets until Shutdown, which closes
// them; it then returns nil. TCP clients are served concurrently (irkerd
// serves one at a time, so one idle client blocks all, §13.1), each line
// is a request, a client idle for ReadTimeout is disconnected, and nothing
// is ever written back, as with irkerd.
func (r *Relay) Serve(l Listeners) error {
	r.srvMu.Lock()
	r.mu.Lock()
	draining := r.draining
	r.mu.Unlock()
	if draining {
		r.srvMu.Unlock()
		l.Close()
		return ErrClosed
	}
	r.listeners = append(r.listeners, l.Stream...)
	r.packets = append(r.packets, l.Packet...)
	r.serving.Add(len(l.Stream) + len(l.Packet))
	r.srvMu.Unlock()

	for _, ln := range l.Stream {
		go r.acceptLoop(ln)
	}
	for _, pc := range l.Packet {
		go r.packetLoop(pc)
	}
	<-r.serveDone
	return nil
}

func (r *Relay) closeListeners() {
	r.srvMu.Lock()
	defer r.srvMu.Unlock()
	close(r.serveDone)
	for _, ln := range r.listeners {
		ln.Close()
	}
	for _, pc := range r.packets {
		pc.Close()
	}
	for c := range r.clients {
		// Let a client finish the line it is sending, then stop.
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	}
}

// Cross-connection ordering (see serveClient): a client's first request
// waits at most orderWait for the client accepted before it, and a client
// that sends nothing within firstReadWait stops holding its successor.
const (
	orderWait     = time.Second
	firstReadWait = 20 * time.Millisecond
)

func (r *Relay) acceptLoop(ln net.Listener) {
	defer r.serving.Done()
	sem := make(chan struct{}, r.opts.MaxClients)
	prev := make(chan struct{})
	close(prev)
	for {
		sem <- struct{}{}
		nc, err := ln.Accept()
		if err != nil {
			<-sem
			if errors.Is(err, net.ErrClosed) {
				return
			}
			r.log.Error("accepting a client", "error", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		r.srvMu.Lock()
		r.clients[nc] = struct{}{}
		r.serving.Add(1)
		r.srvMu.Unlock()
		done := make(chan struct{})
		go func(prev <-chan struct{}) {
			defer func() { <-sem }()
			r.serveClient(nc, prev, done)
		}(prev)
		prev = done
	}
}

// serveClient reads request lines from one TCP submitter. A bad line is
// logged and skipped; the connection stays open (irkerd closes it on bad
// UTF-8, §13.3). A final line without newline is handled at EOF, which is
// how irk sends.
//
// Clients are served concurrently, yet a sender that opens one connection
// per message (bpo's detector, irk) must see its messages in order, as
// irkerd's one-at-a-time server gave. So the first request of a client
// waits until the client accepted just before it has handed over its own
// first request (prev), or has sent nothing for firstReadWait, or ended,
// or orderWait has passed; done is this client's signal to the next.
func (r *Relay) serveClient(nc net.Conn, prev <-chan struct{}, done chan struct{}) {
	accepted := time.Now()
	var once sync.Once
	release := func() { once.Do(func() { close(done) }) }
	timer := time.AfterFunc(orderWait, release)
	defer timer.Stop()
	defer release()
	r.stats.clients.Add(1)
	defer func() {
		nc.Close()
		r.srvMu.Lock()
		delete(r.clients, nc)
		r.srvMu.Unlock()
		r.stats.clients.Add(-1)
		r.serving.Done()
	}()
	source := "tcp:" + nc.RemoteAddr().String()
	br := bufio.NewReaderSize(nc, 4096)
	first, probing := true, true
	var line []byte
	for {
		wait := r.opts.ReadTimeout
		if probing {
			wait = firstReadWait
		}
		nc.SetReadDeadline(time.Now().Add(wait))
		var tooLong bool
		var err error
		line, tooLong, err = readLine(br, r.opts.MaxRequestBytes, line)
		if probing && isTimeout(err) {
			// Nothing complete yet: this client is not racing the next
			// one; keep what came and read on normally.
			probing = false
			if len(line) == 0 {
				release()
			}
			continue
		}
		probing = false
		switch {
		case tooLong:
			r.stats.received.Add(1)
			r.stats.rejected.Add(1)
			r.log.Error("request too long", "bytes", len(line), "max_bytes", r.opts.MaxRequestBytes, "source", source)
		case len(bytes.TrimSpace(line)) > 0:
			if first {
				select {
				case <-prev:
				case <-time.After(time.Until(accepted.Add(orderWait))):
				}
			}
			_ = r.submit(line, source)
			if first {
				release()
				first = false
			}
		}
		line = nil
		if err != nil {
			if isTimeout(err) {
				r.log.Info("closing idle client", "source", source)
			} else if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				r.log.Info("client read error", "source", source, "error", err)
			}
			return
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// readLine appends to line up to and including "\n". A line longer than
// max is consumed to its end and reported as tooLong (its first max bytes
// are returned for the log).
func readLine(br *bufio.Reader, max int, line []byte) ([]byte, bool, error) {
	tooLong := len(line) > max
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > max {
			tooLong = true
			if len(line) < max {
				line = append(line, chunk[:max-len(line)]...)
			}
		} else {
			line = append(line, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return line, tooLong, err
	}
}

// packetLoop handles UDP: one request per datagram (irkerd reads at most
// 8192 bytes of one; here up to 64 KiB).
func (r *Relay) packetLoop(pc net.PacketConn) {
	defer r.serving.Done()
	buf := make([]byte, 65536)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			r.log.Error("reading a datagram", "error", err)
			continue
		}
		_ = r.submit(append([]byte(nil), buf[:n]...), "udp:"+from.String())
	}
}

// logTraffic appends one line received from an IRC server to irkerd's -l
// traffic log as "<unix time>|<server>|<line>".
func (r *Relay) logTraffic(server, line string) {
	r.trafficMu.Lock()
	defer r.trafficMu.Unlock()
	now := time.Now()
	fmt.Fprintf(r.opts.TrafficLog, "%d.%06d|%s|%s\n", now.Unix(), now.Nanosecond()/1000, server, line)
}
