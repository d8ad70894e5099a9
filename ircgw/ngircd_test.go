package ircgw

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/corral-tracker/corral/ircgw/ircdtest"
)

// ngURL is an irc:// URL on the ngircd under test.
func ngURL(n *ircdtest.Ngircd, path string) string {
	return fmt.Sprintf("irc://%s/%s", n.Addr, path)
}

// TestNgircdText sends the edge cases of specs/irkerd.md §6 through a real
// ngIRCd: long ASCII and long multi-byte lines arrive cut to what the
// server relays whole (no "[CUT]", no "Request too long" disconnect), a
// multi-line message arrives as separate lines, and a lone "\r" injects
// nothing.
func TestNgircdText(t *testing.T) {
	t.Parallel()
	ng := ircdtest.StartNgircd(t, ircdtest.NgircdConfig{})
	obs := ircdtest.NewObserver(t, ng.Addr, "watcher", "#edge", "#other")
	r, _ := newRelay(t, fastOptions())

	long := strings.Repeat("abcdefghij", 200)
	wide := strings.Repeat("é", 2000)
	send := func(text string) {
		t.Helper()
		if err := r.Send(context.Background(), []string{ngURL(ng, "edge")}, text); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	send(long)
	send(wide)
	send("first\nsecond\r\nthird")
	send("x\rPRIVMSG #other :injected")
	send("\x0303green\x0f and \x02bold\x02")
	send("last")

	got := obs.WaitTexts(t, "#edge", 8, wait)
	if len(got) != 8 {
		t.Fatalf("got %d lines, want 8: %q", len(got), got)
	}
	if !strings.HasPrefix(long, got[0]) || strings.Contains(got[0], "[CUT]") || len(got[0]) < 400 {
		t.Errorf("long line arrived as %d bytes %q..., want a prefix of the text without [CUT]", len(got[0]), got[0][:min(40, len(got[0]))])
	}
	if !utf8.ValidString(got[1]) || !strings.HasPrefix(wide, got[1]) || len(got[1]) < 400 {
		t.Errorf("wide line arrived as %d bytes (valid UTF-8: %v), want a long valid prefix", len(got[1]), utf8.ValidString(got[1]))
	}
	want := []string{"first", "second", "third", "x PRIVMSG #other :injected", "\x0303green\x0f and \x02bold\x02", "last"}
	if !equal(got[2:], want) {
		t.Errorf("lines = %q, want %q", got[2:], want)
	}
	if other := obs.Texts("#other"); len(other) != 0 {
		t.Errorf("#other received %q, want nothing (no injection)", other)
	}
	if s := r.Stats(); s.Reconnects != 0 || s.Connections != 1 {
		t.Errorf("stats = %+v, want one connection and no reconnect", s)
	}
	t.Logf("long line: %d bytes, wide line: %d bytes", len(got[0]), len(got[1]))
}

// TestNgircdKickBan: an operator KICKs and bans the relay on a real
// ngIRCd; the queued lines wait (the JOIN fails with 474, the channel is
// parked) and arrive, in order, once the ban is lifted.
func TestNgircdKickBan(t *testing.T) {
	t.Parallel()
	ng := ircdtest.StartNgircd(t, ircdtest.NgircdConfig{})
	op := ircdtest.NewObserver(t, ng.Addr, "chanop", "#op") // creator: channel operator
	r, logs := newRelay(t, fastOptions())
	r.Send(context.Background(), []string{ngURL(ng, "op")}, "before")
	op.WaitTexts(t, "#op", 1, wait)

	op.Send("MODE #op +b irker*!*@*")
	op.Send("KICK #op " + relayNick(t, op) + " :out")
	logs.waitFor(t, "irker has been kicked from channel")
	for i := range 5 {
		r.Send(context.Background(), []string{ngURL(ng, "op")}, fmt.Sprintf("queued %d", i))
	}
	logs.waitFor(t, "cannot join channel, parking it")
	op.Send("MODE #op -b irker*!*@*")
	got := op.WaitTexts(t, "#op", 6, wait)
	want := []string{"before", "queued 0", "queued 1", "queued 2", "queued 3", "queued 4"}
	if !equal(got, want) {
		t.Errorf("texts = %q, want %q", got, want)
	}
}

// relayNick finds the relay's nick from what the observer saw.
func relayNick(t *testing.T, o *ircdtest.Observer) string {
	t.Helper()
	for _, m := range o.Messages() {
		if strings.HasPrefix(m.From, "irker") {
			return m.From
		}
	}
	t.Fatalf("no message from the relay seen")
	return ""
}

// TestNgircdChannelLimit: with ngIRCd's MaxJoins = 2 (advertised as
// CHANLIMIT=#&+:2, a form irkerd ignores) four channels need two
// connections.
func TestNgircdChannelLimit(t *testing.T) {
	t.Parallel()
	ng := ircdtest.StartNgircd(t, ircdtest.NgircdConfig{MaxJoins: 2})
	o1 := ircdtest.NewObserver(t, ng.Addr, "watch1", "#c0", "#c1")
	o2 := ircdtest.NewObserver(t, ng.Addr, "watch2", "#c2", "#c3")
	r, _ := newRelay(t, fastOptions())
	var to []string
	for i := range 4 {
		to = append(to, ngURL(ng, fmt.Sprintf("c%d", i)))
	}
	for i := range 3 {
		if err := r.Send(context.Background(), to, fmt.Sprintf("m%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"m0", "m1", "m2"}
	for i, o := range []*ircdtest.Observer{o1, o1, o2, o2} {
		ch := fmt.Sprintf("#c%d", i)
		if got := o.WaitTexts(t, ch, 3, wait); !equal(got, want) {
			t.Errorf("%s texts = %q, want %q", ch, got, want)
		}
	}
	if n := r.Stats().Connections; n != 2 {
		t.Errorf("connections = %d, want 2", n)
	}
}

// TestNgircdDefaultPacing: with the default pacing (irkerd's 1 line/s, a
// burst of 3) a burst of announcements gets through ngIRCd's default flood
// protection without a disconnect.
func TestNgircdDefaultPacing(t *testing.T) {
	t.Parallel()
	ng := ircdtest.StartNgircd(t, ircdtest.NgircdConfig{FloodLimits: true})
	obs := ircdtest.NewObserver(t, ng.Addr, "watcher", "#paced")
	r, _ := newRelay(t, Options{})
	for i := range 5 {
		r.Send(context.Background(), []string{ngURL(ng, "paced")}, fmt.Sprintf("announcement %d", i))
	}
	got := obs.WaitTexts(t, "#paced", 5, wait)
	for i, g := range got {
		if want := fmt.Sprintf("announcement %d", i); g != want {
			t.Errorf("line %d = %q, want %q", i, g, want)
		}
	}
	if s := r.Stats(); s.Reconnects != 0 {
		t.Errorf("Reconnects = %d, want 0", s.Reconnects)
	}
}
