package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/ircgw"
	"github.com/corral-tracker/corral/ircgw/ircdtest"
)

const wait = 15 * time.Second

func TestEncodeRequest(t *testing.T) {
	// Python 3: json.dumps({"to": "irc://h/c", "privmsg": ...})
	got := encodeRequest("irc://h/c", "café ☕ \"q\" \\ \n\t\r\x03\x7f 😀 </")
	want := `{"to": "irc://h/c", "privmsg": "caf\u00e9 \u2615 \"q\" \\ \n\t\r\u0003\u007f \ud83d\ude00 </"}` + "\n"
	if got != want {
		t.Errorf("encodeRequest = %s, want %s", got, want)
	}
}

func TestChunks(t *testing.T) {
	tests := []struct {
		in   string
		want []int
	}{
		{"", nil},
		{"short", []int{5}},
		{strings.Repeat("é", 1200), []int{511, 511, 178}},
	}
	for _, tt := range tests {
		var got []int
		for _, c := range chunks(tt.in, chunkSize) {
			got = append(got, len([]rune(c)))
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("chunks(%d runes) = %v, want %v", len([]rune(tt.in)), got, tt.want)
		}
	}
}

// fakeIrkerd records the requests irk sends, one slice per connection.
func fakeIrkerd(t *testing.T) (string, <-chan []string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	conns := make(chan []string, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			var lines []string
			sc := bufio.NewScanner(c)
			for sc.Scan() {
				lines = append(lines, sc.Text())
			}
			c.Close()
			conns <- lines
		}
	}()
	return ln.Addr().String(), conns
}

func TestRunRequests(t *testing.T) {
	addr, conns := fakeIrkerd(t)
	next := func() []string {
		select {
		case l := <-conns:
			return l
		case <-time.After(wait):
			t.Fatal("no connection")
			return nil
		}
	}
	if err := run([]string{"-s", addr, "irc://h/chan", "two", "words"}, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got := next(); len(got) != 1 || got[0] != `{"to": "irc://h/chan", "privmsg": "two words"}` {
		t.Errorf("request = %q", got)
	}
	if err := run([]string{"-s", addr, "#python-dev", "hi"}, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got := next(); got[0] != `{"to": "irc://chat.freenode.net/#python-dev", "privmsg": "hi"}` {
		t.Errorf("bare channel request = %q, want irk's default network", got)
	}
	if err := run([]string{"-s", addr, "irc://h/chan", "-"}, strings.NewReader("a\nb\n"), io.Discard); err != nil {
		t.Fatal(err)
	}
	if got := next(); len(got) != 2 || !strings.Contains(got[1], `"privmsg": "b"`) {
		t.Errorf("stdin requests = %q, want two on one connection", got)
	}
	if err := run([]string{"-s", addr, "irc://h/chan", strings.Repeat("x", 600)}, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	if a, b := next(), next(); len(a) != 1 || len(b) != 1 {
		t.Errorf("600 characters sent as %q and %q, want two connections", a, b)
	}
	if err := run(nil, nil, io.Discard); err == nil || err.Error() != "a URL argument is required" {
		t.Errorf("run() = %v, want irk's usage error", err)
	}
	if err := run([]string{"-s", "127.0.0.1:1", "irc://h/c", "x"}, nil, io.Discard); err == nil ||
		!strings.HasPrefix(err.Error(), "write to server failed") {
		t.Errorf("run(no daemon) = %v, want write to server failed", err)
	}
}

// TestIrkThroughNgircd is the end-to-end path of the issue: cmd/irk →
// the relay (ircgw, as cmd/irkerd runs it) → Debian's ngIRCd → a user in
// the channel.
func TestIrkThroughNgircd(t *testing.T) {
	ng := ircdtest.StartNgircd(t, ircdtest.NgircdConfig{})
	obs := ircdtest.NewObserver(t, ng.Addr, "watcher", "#irk")
	var logs bytes.Buffer
	relay, err := ircgw.New(ircgw.Options{LineRate: -1}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ls, err := ircgw.Listen("tcp", "udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go relay.Serve(ls)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		relay.Shutdown(ctx)
	}()
	daemon := ls.Stream[0].Addr().String()
	url := fmt.Sprintf("irc://%s/irk", ng.Addr)
	if err := run([]string{"-s", daemon, url, "hello", "from", "cmd/irk"}, nil, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-s", daemon, url, "-"}, strings.NewReader("naïve ☕\n\x02bold\x02\n"), io.Discard); err != nil {
		t.Fatal(err)
	}
	got := obs.WaitTexts(t, "#irk", 3, wait)
	want := []string{"hello from cmd/irk", "naïve ☕", "\x02bold\x02"}
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Errorf("texts = %q, want %q\n%s", got, want, logs.String())
	}
}
