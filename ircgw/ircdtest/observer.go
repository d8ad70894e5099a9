package ircdtest

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Observer is a plain IRC client that sits in channels and records the
// PRIVMSGs and NOTICEs it receives — the user at the other end of the
// relay.
type Observer struct {
	Nick string

	t        testing.TB
	addr     string
	channels []string

	mu     sync.Mutex
	conn   net.Conn
	msgs   []Message
	joined map[string]bool
	lines  []string
}

// NewObserver connects to addr, registers as nick and joins the channels;
// it returns once the server confirmed every JOIN.
func NewObserver(t testing.TB, addr, nick string, channels ...string) *Observer {
	t.Helper()
	o := &Observer{Nick: nick, t: t, addr: addr, channels: channels}
	if err := o.connect(10 * time.Second); err != nil {
		t.Fatalf("observer %s: %v", nick, err)
	}
	t.Cleanup(o.Close)
	return o
}

// Reconnect connects again (after a server restart), retrying until
// timeout, and re-joins the channels.
func (o *Observer) Reconnect(timeout time.Duration) error {
	return o.connect(timeout)
}

func (o *Observer) connect(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var nc net.Conn
	var err error
	for {
		nc, err = net.DialTimeout("tcp", o.addr, time.Second)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("connecting to %s: %w", o.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	o.mu.Lock()
	o.conn = nc
	o.joined = map[string]bool{}
	o.mu.Unlock()
	go o.read(nc)
	o.Send("NICK " + o.Nick)
	o.Send("USER " + o.Nick + " 0 * :observer")
	for _, ch := range o.channels {
		o.Send("JOIN " + ch)
	}
	for time.Now().Before(deadline) {
		o.mu.Lock()
		n := 0
		for _, ch := range o.channels {
			if o.joined[casefold(ch)] {
				n++
			}
		}
		o.mu.Unlock()
		if n == len(o.channels) {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("joining %v: timed out; lines: %q", o.channels, o.Lines())
}

// Send writes one raw line (e.g. "KICK #c nick" or "MODE #c +b x!*@*").
func (o *Observer) Send(line string) {
	o.mu.Lock()
	nc := o.conn
	o.mu.Unlock()
	nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	nc.Write([]byte(line + "\r\n"))
}

func (o *Observer) read(nc net.Conn) {
	br := bufio.NewReaderSize(nc, 8192)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		from := ""
		if strings.HasPrefix(line, ":") {
			src, _, _ := strings.Cut(line[1:], " ")
			from, _, _ = strings.Cut(src, "!")
		}
		cmd, p := parse(line)
		o.mu.Lock()
		o.lines = append(o.lines, line)
		switch {
		case cmd == "PING" && len(p) > 0:
			nc.Write([]byte("PONG :" + p[0] + "\r\n"))
		case cmd == "JOIN" && len(p) > 0 && casefold(from) == casefold(o.Nick):
			o.joined[casefold(p[0])] = true
		case (cmd == "PRIVMSG" || cmd == "NOTICE") && len(p) >= 2:
			o.msgs = append(o.msgs, Message{From: from, Command: cmd, Target: p[0], Text: p[1], At: time.Now()})
		}
		o.mu.Unlock()
	}
}

// Messages returns the messages received so far.
func (o *Observer) Messages() []Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]Message(nil), o.msgs...)
}

// Texts returns the texts received on target (a channel, or our nick for
// private messages), in order.
func (o *Observer) Texts(target string) []string {
	var out []string
	for _, m := range o.Messages() {
		if casefold(m.Target) == casefold(target) {
			out = append(out, m.Text)
		}
	}
	return out
}

// WaitTexts waits until target has at least n texts and returns them.
func (o *Observer) WaitTexts(t testing.TB, target string, n int, timeout time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := o.Texts(target)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("observer %s: got %d messages on %s within %v, want %d: %q", o.Nick, len(got), target, timeout, n, got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Lines returns every raw line received.
func (o *Observer) Lines() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.lines...)
}

// Close disconnects.
func (o *Observer) Close() {
	o.mu.Lock()
	nc := o.conn
	o.mu.Unlock()
	if nc != nil {
		nc.Write([]byte("QUIT\r\n"))
		nc.Close()
	}
}
