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
