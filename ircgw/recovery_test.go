package ircgw

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/ircgw/ircdtest"
)

// seqTexts returns "prefix-0" ... "prefix-(n-1)".
func seqTexts(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return out
}

// TestBannedChannelParked: a JOIN refused with 474 is logged, the channel
// is parked and retried, other channels are not held back, and nothing is
// lost once the ban is lifted (irkerd loses them, §13.8).
func TestBannedChannelParked(t *testing.T) {
	for _, code := range []string{"471", "473", "474", "475", "477"} {
		t.Run(code, func(t *testing.T) {
			srv := ircdtest.NewServer(t, ircdtest.Config{})
			banned := true
			srv.Configure(func(c *ircdtest.Config) {
				c.JoinError = func(_, ch, _ string) string {
					if ch == "#closed" && banned {
						return code
					}
					return ""
				}
			})
			r, logs := newRelay(t, fastOptions())
			submit(r, `{"to":%q,"privmsg":"held 1"}`, url(srv, "closed"))
			submit(r, `{"to":%q,"privmsg":"free"}`, url(srv, "open"))
			submit(r, `{"to":%q,"privmsg":"held 2"}`, url(srv, "closed"))
			srv.WaitTexts(t, "#open", 1, wait)
			logs.waitFor(t, "cannot join channel, parking it")
			if r.Stats().JoinFailures == 0 {
				t.Errorf("JoinFailures = 0, want counted")
			}
			srv.Configure(func(*ircdtest.Config) { banned = false })
			if got := srv.WaitTexts(t, "#closed", 2, wait); !equal(got, []string{"held 1", "held 2"}) {
				t.Errorf("texts = %q, want both held lines in order", got)
			}
		})
	}
}

// TestKickKeepsQueue: after a KICK the relay re-joins and delivers
// everything (irkerd discards the channel's queue, §13.9).
func TestKickKeepsQueue(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	r, logs := newRelay(t, fastOptions())
	submit(r, `{"to":%q,"privmsg":"before"}`, url(srv, "k"))
	srv.WaitTexts(t, "#k", 1, wait)
	nick := srv.Clients()[0].Nick
	srv.Configure(func(c *ircdtest.Config) { c.Banned["#k"] = true })
	srv.Kick("#k", nick, "go away")
	logs.waitFor(t, "irker has been kicked from channel")
	for _, tx := range seqTexts("after", 5) {
		submit(r, `{"to":%q,"privmsg":%q}`, url(srv, "k"), tx)
	}
	logs.waitFor(t, "cannot join channel, parking it")
	srv.Configure(func(c *ircdtest.Config) { c.Banned["#k"] = false })
	got := srv.WaitTexts(t, "#k", 6, wait)
	if want := append([]string{"before"}, seqTexts("after", 5)...); !equal(got, want) {
		t.Errorf("texts = %q, want %q", got, want)
	}
	if r.Stats().Kicks != 1 {
		t.Errorf("Kicks = %d, want 1", r.Stats().Kicks)
	}
}

// TestRefusedLineRetried: a PRIVMSG refused with 404 (muted, banned while
// on the channel) is kept and sent again later, in order.
func TestRefusedLineRetried(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	r, logs := newRelay(t, fastOptions())
	submit(r, `{"to":%q,"privmsg":"one"}`, url(srv, "m"))
	srv.WaitTexts(t, "#m", 1, wait)
	srv.Configure(func(c *ircdtest.Config) { c.Muted["#m"] = true })
	submit(r, `{"to":%q,"privmsg":"two\nthree"}`, url(srv, "m"))
	logs.waitFor(t, "server refused line, parking target")
	srv.Configure(func(c *ircdtest.Config) { c.Muted["#m"] = false })
	if got := srv.WaitTexts(t, "#m", 3, wait); !equal(got, []string{"one", "two", "three"}) {
		t.Errorf("texts = %q, want [one two three]", got)
	}
}

// TestNickTargetOffline: 401 for a ,isnick target parks it until the nick
// is back.
func TestNickTargetOffline(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	r, logs := newRelay(t, fastOptions())
	submit(r, `{"to":%q,"privmsg":"psst"}`, url(srv, "carol,isnick"))
	logs.waitFor(t, "401")
	carol := ircdtest.NewObserver(t, srv.Addr, "carol")
	if got := carol.WaitTexts(t, "carol", 1, wait); !equal(got, []string{"psst"}) {
		t.Errorf("carol got %q, want [psst]", got)
	}
}

// TestChannelLimit: past the server's CHANLIMIT a second connection is
// opened (irkerd 2.23 crashes at the 19th channel, §13.7), in every
// ISUPPORT form; with no ISUPPORT the 405 reply does the same.
func TestChannelLimit(t *testing.T) {
	tests := []struct {
		name     string
		isupport []string
		max      int
		conns    int
	}{
		{"CHANLIMIT ngircd form", []string{"CHANLIMIT=#&+:2"}, 2, 3},
		{"CHANLIMIT irkerd form", []string{"CHANLIMIT=#:3"}, 3, 2},
		{"MAXCHANNELS", []string{"MAXCHANNELS=4"}, 4, 2},
		{"405 only", nil, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ircdtest.NewServer(t, ircdtest.Config{ISupport: tt.isupport, MaxChannels: tt.max})
			r, _ := newRelay(t, fastOptions())
			var to []string
			for i := range 5 {
				to = append(to, fmt.Sprintf("%q", url(srv, fmt.Sprintf("ch%d", i))))
			}
			for i := range 3 {
				submit(r, `{"to":[%s],"privmsg":"m%d"}`, strings.Join(to, ","), i)
			}
			for i := range 5 {
				if got := srv.WaitTexts(t, fmt.Sprintf("#ch%d", i), 3, wait); !equal(got, []string{"m0", "m1", "m2"}) {
					t.Errorf("#ch%d texts = %q, want [m0 m1 m2]", i, got)
				}
			}
			if n := len(srv.Clients()); n != tt.conns {
				t.Errorf("connections = %d, want %d", n, tt.conns)
			}
			for _, c := range srv.Clients() {
				if len(c.Channels) > tt.max {
					t.Errorf("%s is on %d channels, want ≤ %d", c.Nick, len(c.Channels), tt.max)
				}
			}
		})
	}
}

// TestKillReconnects: KILLed while lines are queued, the relay reconnects
// with a new nick and delivers the rest: none lost, none repeated, order
// kept (irkerd D3).
func TestKillReconnects(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	opts := fastOptions()
	opts.LineRate, opts.LineBurst = 100, 1
	r, logs := newRelay(t, opts)
	want := seqTexts("line", 40)
	for _, tx := range want {
		submit(r, `{"to":%q,"privmsg":%q}`, url(srv, "kill"), tx)
	}
	srv.WaitTexts(t, "#kill", 5, wait)
	first := srv.Clients()[0].Nick
	srv.Kill(first, "bye")
	got := srv.WaitTexts(t, "#kill", 40, wait)
	if !equal(got, want) {
		t.Errorf("texts = %q, want %q", got, want)
	}
	logs.waitFor(t, "server disconnected, will reconnect")
	if n := srv.Clients()[0].Nick; n == first {
		t.Errorf("nick after reconnect = %q, want a new one", n)
	}
}

// TestServerRestart: lines queued while the server is down are delivered
// after it comes back.
func TestServerRestart(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	r, _ := newRelay(t, fastOptions())
	submit(r, `{"to":%q,"privmsg":"up"}`, url(srv, "r"))
	srv.WaitTexts(t, "#r", 1, wait)
	go srv.Restart(300 * time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	submit(r, `{"to":%q,"privmsg":"while down 1\nwhile down 2"}`, url(srv, "r"))
	if got := srv.WaitTexts(t, "#r", 3, wait); !equal(got, []string{"up", "while down 1", "while down 2"}) {
		t.Errorf("texts = %q", got)
	}
	if r.Stats().Reconnects == 0 {
		t.Errorf("Reconnects = 0, want counted")
	}
}

// TestQueueBounds: lines are dropped only past MaxQueue or MaxAge, each
// with a log line.
func TestQueueBounds(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	addr := srv.Addr
	srv.Close() // nothing listens: the relay keeps retrying
	opts := fastOptions()
	opts.MaxQueue = 3
	opts.MaxAge = 500 * time.Millisecond
	r, logs := newRelay(t, opts)
	submit(r, `{"to":"irc://%s/q","privmsg":"1\n2\n3\n4"}`, addr)
	logs.waitFor(t, "queue full, dropping lines")
	logs.waitFor(t, "dropping lines that waited too long")
	st := r.Stats()
	if st.DroppedQueueFull != 1 || st.DroppedExpired != 3 || st.QueueDepth != 0 {
		t.Errorf("stats = %+v, want 1 dropped full, 3 expired, empty queue", st)
	}
}

// TestShutdownDrainsAndQuits: Shutdown delivers what is queued, then
// QUITs.
func TestShutdownDrainsAndQuits(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	opts := fastOptions()
	opts.LineRate, opts.LineBurst = 200, 1
	r, _ := newRelay(t, opts)
	for _, tx := range seqTexts("d", 20) {
		submit(r, `{"to":%q,"privmsg":%q}`, url(srv, "s"), tx)
	}
	shutdown(t, r)
	if got := srv.Texts("#s"); !equal(got, seqTexts("d", 20)) {
		t.Errorf("texts after Shutdown = %q, want all 20", got)
	}
	if q := rawLines(srv, "QUIT"); !equal(q, []string{"QUIT :irkerd shutting down"}) {
		t.Errorf("QUIT = %q", q)
	}
	if err := r.Submit([]byte(`{"to":"irc://h/x","privmsg":"late"}`)); err == nil || !strings.Contains(err.Error(), ErrClosed.Error()) {
		t.Errorf("Submit after Shutdown = %v, want ErrClosed", err)
	}
}

// TestRegisterTimeout: a server that never welcomes us (here: every nick
// is refused) is dropped and retried, and the line stays queued.
func TestRegisterTimeout(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{NickLen: 1})
	opts := fastOptions()
	opts.RegisterTimeout = 200 * time.Millisecond
	r, logs := newRelay(t, opts)
	submit(r, `{"to":%q,"privmsg":"x"}`, url(srv, "t"))
	logs.waitFor(t, "no welcome (001) from the server in time")
	if q := r.Stats().QueueDepth; q != 1 {
		t.Errorf("QueueDepth = %d, want the line kept", q)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := r.Shutdown(ctx); err == nil {
		t.Errorf("Shutdown with an undeliverable line = nil, want a deadline error")
	}
	if st := r.Stats(); st.DroppedShutdown != 1 {
		t.Errorf("DroppedShutdown = %d, want 1", st.DroppedShutdown)
	}
}
