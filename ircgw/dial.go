package ircgw

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"
)

// loadTLS builds the base client TLS configuration from irkerd's -c (CA
// bundle; empty means the system roots) and -e (PEM with client
// certificate and key, for CertFP and SASL EXTERNAL). Verification is
// always on; ServerName is set per connection to the URL's host.
func loadTLS(caFile, certFile string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("reading CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("reading CA file %s: no PEM certificates", caFile)
		}
		cfg.RootCAs = pool
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, certFile)
		if err != nil {
			return nil, fmt.Errorf("reading client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// dialer is the girc.Dialer of one connection attempt: it connects within
// the connect timeout, does the TLS handshake (with verification) inside
// that same timeout — girc's own dialer has neither a handshake deadline
// nor our CA settings — and wraps the socket so that every write has a
// deadline.
type dialer struct {
	ctx          context.Context // relay lifetime: shutdown aborts a dial
	timeout      time.Duration
	tls          *tls.Config // nil for plaintext
	serverName   string
	writeTimeout time.Duration
	log          *slog.Logger
	onConn       func(*wireConn)
}

// Dial implements girc.Dialer.
func (d *dialer) Dial(network, addr string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(d.ctx, d.timeout)
	defer cancel()
	var nd net.Dialer
	nc, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", addr, err)
	}
	if d.tls != nil {
		cfg := d.tls.Clone()
		cfg.ServerName = d.serverName
		tc := tls.Client(nc, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, fmt.Errorf("TLS handshake with %s: %w", addr, err)
		}
		nc = tc
	}
	w := &wireConn{Conn: nc, timeout: d.writeTimeout, log: d.log}
	if d.onConn != nil {
		d.onConn(w)
	}
	return w, nil
}

// wireConn is the socket girc reads from and both girc and the relay's
// writer write to. Writes are whole lines (girc flushes one event per
// Write; the writer sends a PRIVMSG and its PING in one Write), and
// net.Conn and tls.Conn serialise concurrent Writes, so lines never
// interleave. Every write gets a deadline, and outgoing lines are logged
// at debug level with passwords redacted.
type wireConn struct {
	net.Conn
	timeout time.Duration
	log     *slog.Logger
}

// errWriteTimeout is returned when a server stops reading from us.
var errWriteTimeout = errors.New("write timed out")

func (w *wireConn) Write(b []byte) (int, error) {
	if w.log.Enabled(context.Background(), slog.LevelDebug) {
		for line := range bytes.SplitSeq(bytes.TrimSuffix(b, []byte("\r\n")), []byte("\r\n")) {
			w.log.Debug("TO: " + redact(string(line)))
		}
	}
	if err := w.Conn.SetWriteDeadline(time.Now().Add(w.timeout)); err != nil {
		return 0, err
	}
	n, err := w.Conn.Write(b)
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return n, fmt.Errorf("%w: %w", errWriteTimeout, err)
	}
	return n, err
}

// redact hides secrets in a logged IRC line: PASS, AUTHENTICATE, OPER and
// NickServ identify (irkerd logs the latter in clear at debug level).
func redact(line string) string {
	upper := strings.ToUpper(line)
	for _, p := range []string{"PASS ", "AUTHENTICATE ", "OPER "} {
		if strings.HasPrefix(upper, p) {
			return line[:len(p)] + "<redacted>"
		}
	}
	if strings.HasPrefix(upper, "PRIVMSG NICKSERV :IDENTIFY") {
		return line[:len("PRIVMSG NickServ :identify")] + " <redacted>"
	}
	return line
}
