package ircgw

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corral-tracker/corral/ircgw/ircdtest"
)

// gate is a TCP proxy between the relay and ngIRCd that can refuse new
// connections: after a restart it stays shut until the observer is back
// in its channels, so that what the relay delivers is seen. It does not
// change what the relay sends or when.
type gate struct {
	ln       net.Listener
	upstream string
	open     atomic.Bool
	wg       sync.WaitGroup
}

func newGate(t *testing.T, upstream string) *gate {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &gate{ln: ln, upstream: upstream}
	g.open.Store(true)
	go g.serve()
	t.Cleanup(func() { ln.Close() })
	return g
}

func (g *gate) addr() string { return g.ln.Addr().String() }

func (g *gate) serve() {
	for {
		c, err := g.ln.Accept()
		if err != nil {
			return
		}
		if !g.open.Load() {
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", g.upstream)
		if err != nil {
			c.Close()
			continue
		}
		pipe := func(dst, src net.Conn) {
			io.Copy(dst, src)
			dst.(*net.TCPConn).CloseWrite()
		}
		go func() {
			pipe(up, c)
		}()
		go func() {
			pipe(c, up)
			c.Close()
			up.Close()
		}()
	}
}

// TestNgircdRestartReliability is the reliability test: ngIRCd is
// stopped (SIGTERM) or killed (SIGKILL) and restarted while 500
// announcements flow to five channels; every one arrives exactly once, in
// order per channel.
func TestNgircdRestartReliability(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		stop func(*ircdtest.Ngircd)
	}{
		{"SIGTERM", (*ircdtest.Ngircd).Stop},
		{"SIGKILL", (*ircdtest.Ngircd).Kill},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			restartUnderLoad(t, tt.stop)
		})
	}
}

func restartUnderLoad(t *testing.T, stop func(*ircdtest.Ngircd)) {
	ng := ircdtest.StartNgircd(t, ircdtest.NgircdConfig{})
	channels := []string{"#rel0", "#rel1", "#rel2", "#rel3", "#rel4"}
	obs := ircdtest.NewObserver(t, ng.Addr, "watcher", channels...)
	g := newGate(t, ng.Addr)
	opts := fastOptions()
	opts.LineRate, opts.LineBurst = 2000, 20 // fast, but paced
	r, logs := newRelay(t, opts)
	c := dialRelay(t, serveRelay(t, r))

	const total = 500
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for i := range total {
			ch := channels[i%len(channels)]
			fmt.Fprintf(c, `{"to":["irc://%s/%s"],"privmsg":"ann %d"}`+"\n", g.addr(), ch[1:], i)
			time.Sleep(3 * time.Millisecond)
		}
	}()

	// Stop the server once a good part has been delivered.
	deadline := time.Now().Add(wait)
	for len(obs.Messages()) < 120 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d announcements before the restart", len(obs.Messages()))
		}
		time.Sleep(5 * time.Millisecond)
	}
	g.open.Store(false)
	stop(ng)
	before := len(obs.Messages())
	if err := ng.Start(); err != nil {
		t.Fatalf("restarting ngircd: %v", err)
	}
	if err := obs.Reconnect(wait); err != nil {
		t.Fatalf("observer: %v", err)
	}
	g.open.Store(true)
	<-sent

	deadline = time.Now().Add(2 * wait)
	privmsgs := func() int {
		n := 0
		for _, m := range obs.Messages() {
			if m.Command == "PRIVMSG" {
				n++
			}
		}
		return n
	}
	for privmsgs() < total && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // a duplicate would arrive now
	msgs := obs.Messages()
	t.Logf("%d announcements before the restart, %d after; relay stats %+v", before, len(msgs)-before, r.Stats())
	seen := map[int]int{}
	last := map[string]int{}
	for _, m := range msgs {
		if m.Command != "PRIVMSG" {
			continue // the server's notices
		}
		n, err := strconv.Atoi(strings.TrimPrefix(m.Text, "ann "))
		if err != nil {
			t.Errorf("unexpected message %q", m.Text)
			continue
		}
		seen[n]++
		if p, ok := last[m.Target]; ok && n <= p {
			t.Errorf("%s: %d after %d, want increasing order", m.Target, n, p)
		}
		last[m.Target] = n
		if want := channels[n%len(channels)]; m.Target != want {
			t.Errorf("ann %d went to %s, want %s", n, m.Target, want)
		}
	}
	var lost, dup []int
	for i := range total {
		switch seen[i] {
		case 0:
			lost = append(lost, i)
		case 1:
		default:
			dup = append(dup, i)
		}
	}
	if len(lost) > 0 || len(dup) > 0 {
		t.Errorf("lost %v, duplicated %v (of %d)", lost, dup, total)
	}
	if !strings.Contains(logs.String(), "will reconnect") {
		t.Errorf("the relay never saw the restart")
	}
}
