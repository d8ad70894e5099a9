package ircgw

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/corral-tracker/corral/ircgw/ircdtest"
)

// TestURLForms delivers to each URL form of specs/irkerd.md §5 and checks
// what reached the server: channel names, keys, nick targets.
func TestURLForms(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	srv.Configure(func(c *ircdtest.Config) {
		c.Keys["#locked"] = "sesame"
		c.Keys["#bare"] = "open"
	})
	bob := ircdtest.NewObserver(t, srv.Addr, "bob")
	r, _ := newRelay(t, fastOptions())
	send := func(path, text string) {
		t.Helper()
		if err := r.Send(context.Background(), []string{url(srv, path)}, text); err != nil {
			t.Fatalf("Send(%s): %v", path, err)
		}
	}
	send("plain", "1")
	send("MixedCase", "2")
	send("%23KeepCase", "x") // %23 is not decoded: #%23keepcase
	send("locked?key=sesame", "3")
	send("bare?open", "4")
	send("Bob,isnick", "5")
	send("&amp", "6")

	srv.WaitTexts(t, "#plain", 1, wait)
	srv.WaitTexts(t, "#mixedcase", 1, wait)
	srv.WaitTexts(t, "#%23keepcase", 1, wait)
	srv.WaitTexts(t, "#locked", 1, wait)
	srv.WaitTexts(t, "#bare", 1, wait)
	srv.WaitTexts(t, "&amp", 1, wait)
	if got := bob.WaitTexts(t, "bob", 1, wait); !equal(got, []string{"5"}) {
		t.Errorf("bob got %q, want [5]", got)
	}
	joins := rawLines(srv, "JOIN ")
	want := map[string]bool{"JOIN #plain": true, "JOIN #mixedcase": true, "JOIN #%23keepcase": true,
		"JOIN #locked sesame": true, "JOIN #bare open": true, "JOIN &amp": true}
	for _, j := range joins {
		if !want[j] {
			t.Errorf("unexpected %q (a ,isnick target must not be JOINed)", j)
		}
		delete(want, j)
	}
	if len(want) != 0 {
		t.Errorf("missing JOINs %v; got %q", want, joins)
	}
}

// TestOneConnectionPerServer: channels of a server share one connection,
// each channel is JOINed once, lazily; messages keep their order.
func TestOneConnectionPerServer(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	r, _ := newRelay(t, fastOptions())
	for i := range 10 {
		submit(r, `{"to":[%q,%q],"privmsg":"m%d"}`, url(srv, "a"), url(srv, "b"), i)
	}
	a := srv.WaitTexts(t, "#a", 10, wait)
	b := srv.WaitTexts(t, "#b", 10, wait)
	for i := range 10 {
		if w := fmt.Sprintf("m%d", i); a[i] != w || b[i] != w {
			t.Fatalf("#a[%d], #b[%d] = %q, %q, want %q", i, i, a[i], b[i], w)
		}
	}
	if n := len(srv.Clients()); n != 1 {
		t.Errorf("connections = %d, want 1", n)
	}
	if j := rawLines(srv, "JOIN "); len(j) != 2 {
		t.Errorf("JOINs = %q, want one per channel", j)
	}
}

// TestEmptyMessageOnlyJoins: an empty privmsg JOINs and sends nothing
// (irkerd's keep-alive).
func TestEmptyMessageOnlyJoins(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	r, _ := newRelay(t, fastOptions())
	submit(r, `{"to":%q,"privmsg":""}`, url(srv, "quiet"))
	srv.WaitFor(t, wait, "JOIN #quiet", func() bool { return len(rawLines(srv, "JOIN #quiet")) == 1 })
	submit(r, `{"to":%q,"privmsg":"\n\n"}`, url(srv, "quiet"))
	submit(r, `{"to":%q,"privmsg":"after"}`, url(srv, "quiet"))
	if got := srv.WaitTexts(t, "#quiet", 1, wait); !equal(got, []string{"after"}) {
		t.Errorf("texts = %q, want [after] (no empty PRIVMSG)", got)
	}
	if p := rawLines(srv, "PRIVMSG #quiet"); len(p) != 1 {
		t.Errorf("PRIVMSGs = %q, want 1", p)
	}
}

// TestUserPassword: user:pass@ in the URL gives PASS and USER.
func TestUserPassword(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{Password: "hunter2"})
	r, logs := newRelay(t, fastOptions())
	submit(r, `{"to":"irc://relay:hunter2@%s/chan","privmsg":"authed"}`, srv.Addr)
	srv.WaitTexts(t, "#chan", 1, wait)
	cl := srv.Clients()
	if len(cl) != 1 || cl[0].User != "relay" || cl[0].Pass != "hunter2" {
		t.Errorf("client = %+v, want USER relay, PASS hunter2", cl)
	}
	if strings.Contains(logs.String(), "hunter2") {
		t.Errorf("the log shows the password")
	}
}

// TestLongAndWideLines: lines are cut by bytes, UTF-8 safe, so that the
// relayed line ":nick!user@host PRIVMSG #c :text" fits 510 bytes.
func TestLongAndWideLines(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	r, _ := newRelay(t, fastOptions())
	texts := []string{strings.Repeat("a", 3000), strings.Repeat("é", 2000), strings.Repeat("😀", 1000), "tail"}
	for _, tx := range texts {
		if err := r.Send(context.Background(), []string{url(srv, "edge")}, tx); err != nil {
			t.Fatal(err)
		}
	}
	got := srv.WaitTexts(t, "#edge", 4, wait)
	cl := srv.Clients()
	prefix := len(":" + cl[0].Nick + "!~" + cl[0].User + "@127.0.0.1 ")
	for i, g := range got[:3] {
		relayed := prefix + len("PRIVMSG #edge :") + len(g)
		if relayed > 510 || relayed < 505 || !utf8.ValidString(g) || !strings.HasPrefix(texts[i], g) {
			t.Errorf("line %d: %d bytes relayed (valid UTF-8 %v), want ≤ 510 and a prefix of the text",
				i, relayed, utf8.ValidString(g))
		}
	}
	if got[3] != "tail" || len(cl) != 1 {
		t.Errorf("last = %q, clients %d, want tail on the same connection", got[3], len(cl))
	}
}

// TestWordWrap: with WordWrap a long line becomes several PRIVMSGs cut at
// spaces.
func TestWordWrap(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	opts := fastOptions()
	opts.WordWrap = true
	r, _ := newRelay(t, opts)
	words := strings.Repeat("lorem ipsum dolor sit amet ", 60)
	words = strings.TrimSpace(words)
	r.Send(context.Background(), []string{url(srv, "wrap")}, words+"\nnext")
	srv.WaitFor(t, wait, "wrapped lines", func() bool {
		tx := srv.Texts("#wrap")
		return len(tx) > 0 && tx[len(tx)-1] == "next"
	})
	got := srv.Texts("#wrap")
	if len(got) < 4 {
		t.Fatalf("got %d lines, want the text wrapped into several", len(got))
	}
	if joined := strings.Join(got[:len(got)-1], " "); joined != words {
		t.Errorf("wrapped lines rejoined = %.80q..., want the original text", joined)
	}
}

// TestPingPong: server PINGs are answered.
func TestPingPong(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	r, _ := newRelay(t, fastOptions())
	submit(r, `{"to":%q,"privmsg":"hi"}`, url(srv, "c"))
	srv.WaitTexts(t, "#c", 1, wait)
	nick := srv.Clients()[0].Nick
	srv.SendTo(nick, "PING :are-you-there")
	srv.WaitFor(t, wait, "PONG", func() bool {
		p := rawLines(srv, "PONG ")
		return len(p) == 1 && strings.HasSuffix(p[0], " are-you-there")
	})
}

// TestNickCollision: 433 and 432 move to the next irker%03d nick.
func TestNickCollision(t *testing.T) {
	var refused atomic.Int32
	srv := ircdtest.NewServer(t, ircdtest.Config{NickError: func(nick string) string {
		switch refused.Add(1) {
		case 1:
			return "433"
		case 2:
			return "432"
		}
		return ""
	}})
	r, logs := newRelay(t, fastOptions())
	submit(r, `{"to":%q,"privmsg":"hi"}`, url(srv, "c"))
	srv.WaitTexts(t, "#c", 1, wait)
	nicks := rawLines(srv, "NICK ")
	if len(nicks) != 3 || nicks[0] == nicks[1] || nicks[1] == nicks[2] {
		t.Errorf("NICKs = %q, want three different irkerNNN", nicks)
	}
	logs.waitFor(t, "nick rejected")
	logs.waitFor(t, "nick accepted")
}

// TestFixedNickTaken: a fixed -n nick that is taken falls back to a
// numbered one instead of irkerd's endless retry (§13.18).
func TestFixedNickTaken(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{TakenNicks: map[string]bool{"tracker": true}})
	opts := fastOptions()
	opts.Nick = "tracker"
	r, _ := newRelay(t, opts)
	submit(r, `{"to":%q,"privmsg":"hi"}`, url(srv, "c"))
	srv.WaitTexts(t, "#c", 1, wait)
	if n := srv.Clients()[0].Nick; !strings.HasPrefix(n, "tracke") || n == "tracker" {
		t.Errorf("nick = %q, want trackeNNN", n)
	}
}

// TestIdleTimeout: an idle connection QUITs ("transmission timeout"), and
// the next message reconnects.
func TestIdleTimeout(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	opts := fastOptions()
	opts.IdleTimeout = 300 * time.Millisecond
	r, _ := newRelay(t, opts)
	submit(r, `{"to":%q,"privmsg":"one"}`, url(srv, "c"))
	srv.WaitTexts(t, "#c", 1, wait)
	srv.WaitFor(t, wait, "QUIT", func() bool { return len(rawLines(srv, "QUIT :transmission timeout")) == 1 })
	srv.WaitFor(t, wait, "disconnect", func() bool { return len(srv.Clients()) == 0 })
	submit(r, `{"to":%q,"privmsg":"two"}`, url(srv, "c"))
	if got := srv.WaitTexts(t, "#c", 2, wait); !equal(got, []string{"one", "two"}) {
		t.Errorf("texts = %q, want [one two]", got)
	}
}

// TestNickServAndDeaf: -p sends identify after 001; ISUPPORT DEAF sets the
// mode unless a traffic log (-l) is kept, which records every line.
func TestNickServAndDeaf(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{ISupport: []string{"DEAF=D"}})
	opts := fastOptions()
	opts.NickServPassword = "s3cret"
	r, logs := newRelay(t, opts)
	submit(r, `{"to":%q,"privmsg":"hi"}`, url(srv, "c"))
	srv.WaitTexts(t, "#c", 1, wait)
	if got := rawLines(srv, "PRIVMSG NickServ :identify"); !equal(got, []string{"PRIVMSG NickServ :identify s3cret"}) {
		t.Errorf("identify = %q", got)
	}
	nick := srv.Clients()[0].Nick
	if got := rawLines(srv, "MODE "+nick); !equal(got, []string{"MODE " + nick + " +D"}) {
		t.Errorf("MODE = %q, want DEAF", got)
	}
	if strings.Contains(logs.String(), "s3cret") {
		t.Errorf("the debug log shows the NickServ password")
	}

	srv2 := ircdtest.NewServer(t, ircdtest.Config{ISupport: []string{"DEAF=D"}})
	var traffic lockedBuffer
	opts = fastOptions()
	opts.TrafficLog = &traffic
	r2, _ := newRelay(t, opts)
	submit(r2, `{"to":%q,"privmsg":"hi"}`, url(srv2, "c"))
	srv2.WaitTexts(t, "#c", 1, wait)
	if got := rawLines(srv2, "MODE "+srv2.Clients()[0].Nick); len(got) != 0 {
		t.Errorf("MODE = %q with a traffic log, want none", got)
	}
	srv2.WaitFor(t, wait, "traffic log", func() bool { return strings.Contains(traffic.String(), "|127.0.0.1|:irc.fake 001 ") })
}

type lockedBuffer struct{ logBuf }

// fakeClock is a pacer clock that never sleeps: sleep moves its time
// forward by d and records d, so a test reads the schedule the token
// bucket made instead of timing it.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.sleeps = append(c.sleeps, d)
	return nil
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// TestPacing: the token bucket lets LineBurst lines out at once, then
// one every 1/LineRate s. Twelve lines and the JOIN go through a relay
// whose pacer runs on a fake clock: the first three leave at once, each
// of the other ten waits exactly 100 ms (LineRate 10), all in order.
func TestPacing(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	opts := fastOptions()
	opts.LineRate, opts.LineBurst = 10, 3
	r, _ := newRelay(t, opts)
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	r.clock = clk // before the first request: connections take it when made
	for _, tx := range seqTexts("p", 12) {
		submit(r, `{"to":%q,"privmsg":%q}`, url(srv, "pace"), tx)
	}
	srv.WaitTexts(t, "#pace", 12, wait)
	if got := srv.Texts("#pace"); !equal(got, seqTexts("p", 12)) {
		t.Errorf("texts = %q", got)
	}
	slept := clk.slept()
	if len(slept) != 13-3 {
		t.Fatalf("the pacer waited %d times for 13 lines with a burst of 3, want 10: %v", len(slept), slept)
	}
	for i, d := range slept {
		if d < 100*time.Millisecond-time.Microsecond || d > 100*time.Millisecond+time.Microsecond {
			t.Errorf("wait %d = %v, want 100ms (LineRate 10)", i, d)
		}
	}
}
