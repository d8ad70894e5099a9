package poll

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// pop3Error is a -ERR reply (RFC 1939 §3). Text keeps any RFC 2449
// response code, e.g. "[AUTH] Authentication failed.".
type pop3Error struct {
	Cmd, Text string
}

func (e *pop3Error) Error() string { return e.Cmd + ": -ERR " + e.Text }

// pop3Client is a small POP3 client: RFC 1939 (USER/PASS, STAT, UIDL,
// LIST, RETR, DELE, QUIT), RFC 2449 CAPA and RFC 2595 STLS. One command at
// a time; every exchange has a deadline.
type pop3Client struct {
	conn    net.Conn
	r       *bufio.Reader
	timeout time.Duration
	maxSize int64
	caps    map[string]string // CAPA tag → arguments; nil when unknown
}

// pop3MessageInfo is one message of the maildrop: its number in this
// session, its size (LIST) and its unique id (UIDL, RFC 1939 §7), when
// the server has one.
type pop3MessageInfo struct {
	Num  int
	Size int64
	UID  string
}

// errTooLarge is returned by retr for a message over the size limit; the
// session cannot go on (the rest of the reply is unread).
var errTooLarge = errors.New("message larger than the limit")

// dialPOP3 connects to addr and reads the greeting, upgrading with STLS
// or starting with TLS as security says. maxSize bounds one RETR reply
// (0: unbounded).
func dialPOP3(ctx context.Context, addr string, security Security, tlsConfig *tls.Config, timeout time.Duration, maxSize int64) (*pop3Client, error) {
	d := &net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", addr, err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	cfg := tlsConfigFor(tlsConfig, addr)
	if security == ImplicitTLS {
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("connecting to %s: TLS: %w", addr, err)
		}
		conn = tc
	}
	c := &pop3Client{conn: conn, r: bufio.NewReader(conn), timeout: timeout, maxSize: maxSize}
	if _, err := c.reply("greeting"); err != nil {
		conn.Close()
		return nil, ctxErr(ctx, fmt.Errorf("connecting to %s: %w", addr, err))
	}
	if security == StartTLS || security == StartTLSIfOffered {
		if err := c.capa(); err != nil && security == StartTLS {
			conn.Close()
			return nil, ctxErr(ctx, fmt.Errorf("connecting to %s: %w", addr, err))
		}
		if _, ok := c.caps["STLS"]; ok {
			if err := c.stls(cfg); err != nil {
				conn.Close()
				return nil, ctxErr(ctx, fmt.Errorf("connecting to %s: %w", addr, err))
			}
		} else if security == StartTLS {
			conn.Close()
			return nil, fmt.Errorf("connecting to %s: the server does not offer STLS", addr)
		}
	}
	return c, nil
}

// guard closes the connection when ctx ends before the returned stop is
// called, so that a command waiting for the server returns.
func (c *pop3Client) guard(ctx context.Context) (stop func() bool) {
	conn := c.conn
	return context.AfterFunc(ctx, func() { conn.Close() })
}

// stls upgrades the connection (RFC 2595 §4) and forgets the capabilities
// learnt in plaintext.
func (c *pop3Client) stls(cfg *tls.Config) error {
	if _, err := c.cmd("STLS"); err != nil {
		return err
	}
	if c.r.Buffered() > 0 {
		return errors.New("STLS: the server sent data before the TLS handshake")
	}
	tc := tls.Client(c.conn, cfg)
	tc.SetDeadline(time.Now().Add(c.timeout))
	if err := tc.Handshake(); err != nil {
		return fmt.Errorf("STLS: %w", err)
	}
	tc.SetDeadline(time.Time{})
	c.conn = tc
	c.r = bufio.NewReader(tc)
	c.caps = nil
	return nil
}

// capa asks for the capabilities (RFC 2449 §5).
func (c *pop3Client) capa() error {
	lines, err := c.multi("CAPA")
	if err != nil {
		return err
	}
	c.caps = map[string]string{}
	for _, l := range strings.Split(strings.TrimRight(string(lines), "\r\n"), "\n") {
		tag, args, _ := strings.Cut(strings.TrimRight(l, "\r"), " ")
		c.caps[strings.ToUpper(tag)] = args
	}
	return nil
}

// login authenticates with USER and PASS (RFC 1939 §7).
func (c *pop3Client) login(user, pass string) error {
	if strings.ContainsAny(user, "\r\n") || strings.ContainsAny(pass, "\r\n") {
		return errors.New("user name or password contains a line break")
	}
	if _, err := c.cmd("USER " + user); err != nil {
		return err
	}
	if _, err := c.cmdSecret("PASS "+pass, "PASS"); err != nil {
		return err
	}
	return nil
}

// stat returns the number of messages and their total size (RFC 1939 §5).
func (c *pop3Client) stat() (count int, size int64, err error) {
	line, err := c.cmd("STAT")
	if err != nil {
		return 0, 0, err
	}
	f := strings.Fields(line)
	if len(f) < 2 {
		return 0, 0, fmt.Errorf("STAT: malformed reply %q", line)
	}
	if count, err = strconv.Atoi(f[0]); err == nil {
		size, err = strconv.ParseInt(f[1], 10, 64)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("STAT: malformed reply %q", line)
	}
	return count, size, nil
}

// list returns the messages of the maildrop in number order with their
// sizes (LIST) and, when the server supports the optional UIDL (RFC 1939
// §7), their unique ids.
func (c *pop3Client) list() ([]pop3MessageInfo, error) {
	body, err := c.multi("LIST")
	if err != nil {
		return nil, err
	}
	var msgs []pop3MessageInfo
	index := map[int]int{}
	for _, l := range strings.Split(string(body), "\n") {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		n, err1 := strconv.Atoi(f[0])
		size, err2 := int64(0), error(nil)
		if len(f) > 1 {
			size, err2 = strconv.ParseInt(f[1], 10, 64)
		}
		if err1 != nil || err2 != nil || n < 1 {
			return nil, fmt.Errorf("LIST: malformed line %q", l)
		}
		index[n] = len(msgs)
		msgs = append(msgs, pop3MessageInfo{Num: n, Size: size})
	}
	body, err = c.multi("UIDL")
	var perr *pop3Error
	if errors.As(err, &perr) {
		return msgs, nil // no UIDL: numbers only
	}
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(string(body), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		n, err := strconv.Atoi(f[0])
		if i, ok := index[n]; err == nil && ok {
			msgs[i].UID = f[1]
		}
	}
	return msgs, nil
}

// retr returns message n with dot-stuffing removed and its CRLF line
// endings kept (RFC 1939 §7 RETR).
func (c *pop3Client) retr(n int) ([]byte, error) {
	return c.multi("RETR " + strconv.Itoa(n))
}

// dele marks message n deleted; the deletion takes effect at QUIT
// (RFC 1939 §6).
func (c *pop3Client) dele(n int) error {
	_, err := c.cmd("DELE " + strconv.Itoa(n))
	return err
}

// quit ends the session, committing the deletions (UPDATE state).
func (c *pop3Client) quit() error {
	_, err := c.cmd("QUIT")
	c.conn.Close()
	return err
}

// close drops the connection without QUIT: deletions are not committed.
func (c *pop3Client) close() error { return c.conn.Close() }

// cmd sends one command and reads its single-line reply, returning the
// text after "+OK".
func (c *pop3Client) cmd(line string) (string, error) {
	name, _, _ := strings.Cut(line, " ")
	return c.cmdSecret(line, name)
}

// cmdSecret is cmd with the name to use in errors (PASS's argument is not
// repeated).
func (c *pop3Client) cmdSecret(line, name string) (string, error) {
	c.conn.SetWriteDeadline(time.Now().Add(c.timeout))
	if _, err := io.WriteString(c.conn, line+"\r\n"); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return c.reply(name)
}

// reply reads one status line (RFC 1939 §3: "+OK" or "-ERR").
func (c *pop3Client) reply(name string) (string, error) {
	c.conn.SetReadDeadline(time.Now().Add(c.timeout))
	line, err := c.readLine(4096)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	s := strings.TrimRight(string(line), "\r\n")
	switch {
	case s == "+OK" || strings.HasPrefix(s, "+OK "):
		return strings.TrimPrefix(strings.TrimPrefix(s, "+OK"), " "), nil
	case s == "-ERR" || strings.HasPrefix(s, "-ERR "):
		return "", &pop3Error{Cmd: name, Text: strings.TrimPrefix(strings.TrimPrefix(s, "-ERR"), " ")}
	}
	return "", fmt.Errorf("%s: malformed reply %q", name, s)
}

// multi sends a command with a multi-line reply and returns its body:
// the lines up to the terminating ".", dot-stuffing removed, line endings
// as sent (RFC 1939 §3).
func (c *pop3Client) multi(line string) ([]byte, error) {
	name, _, _ := strings.Cut(line, " ")
	if _, err := c.cmd(line); err != nil {
		return nil, err
	}
	var body bytes.Buffer
	for {
		c.conn.SetReadDeadline(time.Now().Add(c.timeout))
		l, err := c.readLine(int(c.maxSize))
		if errors.Is(err, errLineTooLong) {
			err = errTooLarge
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if bytes.Equal(bytes.TrimRight(l, "\r\n"), []byte(".")) {
			return body.Bytes(), nil
		}
		if l[0] == '.' {
			l = l[1:]
		}
		if c.maxSize > 0 && int64(body.Len()+len(l)) > c.maxSize {
			return nil, fmt.Errorf("%s: %w (%d bytes)", name, errTooLarge, c.maxSize)
		}
		body.Write(l)
	}
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line including its ending; limit > 0 bounds it.
func (c *pop3Client) readLine(limit int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := c.r.ReadSlice('\n')
		line = append(line, chunk...)
		if limit > 0 && len(line) > limit {
			return nil, errLineTooLong
		}
		switch {
		case err == nil:
			return line, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return nil, io.ErrUnexpectedEOF
		default:
			return nil, err
		}
	}
}
