package ircgw

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/ircgw/ircdtest"
)

// TestTCPBadLinesKeepConnection: bad requests are logged and dropped, the
// TCP connection stays open and later lines still work (specs/irkerd.md
// §2.2) — including after invalid UTF-8, which makes irkerd close it.
func TestTCPBadLinesKeepConnection(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	r, logs := newRelay(t, fastOptions())
	c := dialRelay(t, serveRelay(t, r))
	u := url(srv, "chan")
	fmt.Fprintf(c, `{"to":%q,"privmsg":"first"}`+"\n", u)
	fmt.Fprintf(c, "not json\n")
	fmt.Fprintf(c, "{\"to\":%q,\"privmsg\":\"bad \xff utf8\"}\n", u)
	fmt.Fprintf(c, `{"to":5,"privmsg":"x"}`+"\n")
	fmt.Fprintf(c, `{"to":%q}`+"\n", u)
	fmt.Fprintf(c, `{"to":["irc://nohost",%q],"privmsg":"second"}`+"\r\n", u)
	fmt.Fprintf(c, `{"to":%q,"privmsg":"third"}`, u) // no newline: handled at EOF
	c.(*net.TCPConn).CloseWrite()

	got := srv.WaitTexts(t, "#chan", 3, wait)
	if want := []string{"first", "second", "third"}; !equal(got, want) {
		t.Errorf("texts = %q, want %q", got, want)
	}
	for _, msg := range []string{
		"can't recognize JSON on input",
		"invalid UTF-8 on input",
		"malformed request - unexpected channel type",
		"malformed request - 'to' or 'privmsg' missing",
		"target URL missing a channel",
	} {
		logs.waitFor(t, msg)
	}
	st := r.Stats()
	if st.RequestsRejected != 4 || st.TargetsRejected != 1 {
		t.Errorf("stats rejected = %d requests, %d targets, want 4, 1", st.RequestsRejected, st.TargetsRejected)
	}
}

// TestTCPConcurrentClients: an idle client does not block others (irkerd
// serves one TCP client at a time, §13.1), and is dropped after the read
// timeout.
func TestTCPConcurrentClients(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	opts := fastOptions()
	opts.ReadTimeout = 300 * time.Millisecond
	r, logs := newRelay(t, opts)
	addr := serveRelay(t, r)
	idle := dialRelay(t, addr)
	fmt.Fprintf(idle, `{"to":"%s","privmsg":"partial`, url(srv, "chan")) // never finished

	for i := range 5 {
		c := dialRelay(t, addr)
		fmt.Fprintf(c, `{"to":%q,"privmsg":"msg %d"}`+"\n", url(srv, "chan"), i)
		c.Close()
	}
	if got := srv.WaitTexts(t, "#chan", 5, wait); len(got) != 5 {
		t.Errorf("texts = %q, want 5", got)
	}
	logs.waitFor(t, "closing idle client")
	idle.SetReadDeadline(time.Now().Add(wait))
	if _, err := idle.Read(make([]byte, 1)); err == nil {
		t.Errorf("idle client: read succeeded, want the relay to close it")
	}
}

// TestUDP: one request per datagram, newline optional.
func TestUDP(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	r, logs := newRelay(t, fastOptions())
	addr := serveRelay(t, r)
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, `{"to":%q,"privmsg":"by udp"}`, url(srv, "chan"))
	got := srv.WaitTexts(t, "#chan", 1, wait)
	fmt.Fprintf(c, "garbage\n")
	logs.waitFor(t, "can't recognize JSON on input")
	fmt.Fprintf(c, `{"to":%q,"privmsg":"again"}`+"\n", url(srv, "chan"))
	got = srv.WaitTexts(t, "#chan", 2, wait)
	if want := []string{"by udp", "again"}; !equal(got, want) {
		t.Errorf("texts = %q, want %q", got, want)
	}
}

// TestLongRequestLine: a request line longer than MaxRequestBytes is
// refused without closing the connection.
func TestLongRequestLine(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	opts := fastOptions()
	opts.MaxRequestBytes = 1000
	r, logs := newRelay(t, opts)
	c := dialRelay(t, serveRelay(t, r))
	fmt.Fprintf(c, `{"to":%q,"privmsg":%q}`+"\n", url(srv, "chan"), strings.Repeat("x", 5000))
	fmt.Fprintf(c, `{"to":%q,"privmsg":"short"}`+"\n", url(srv, "chan"))
	got := srv.WaitTexts(t, "#chan", 1, wait)
	if !equal(got, []string{"short"}) {
		t.Errorf("texts = %q, want [short]", got)
	}
	logs.waitFor(t, "request too long")
}

// TestServeAfterShutdown: Serve on a closed relay returns ErrClosed.
func TestServeAfterShutdown(t *testing.T) {
	r, _ := newRelay(t, fastOptions())
	addr := serveRelay(t, r)
	shutdown(t, r)
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Errorf("dial after Shutdown succeeded, want the listener closed")
	}
	ls, err := Listen("tcp", "udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Serve(ls); err != ErrClosed {
		t.Errorf("Serve after Shutdown = %v, want ErrClosed", err)
	}
}

// TestTCPOrderAcrossConnections: a sender that opens one connection per
// message (bpo's detector, irk) gets its messages delivered in the order
// it sent them, although clients are served concurrently.
func TestTCPOrderAcrossConnections(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	r, _ := newRelay(t, fastOptions())
	addr := serveRelay(t, r)
	want := seqTexts("n", 40)
	for _, tx := range want {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, `{"to":[%q],"privmsg":%q}`, url(srv, "order"), tx)
		c.Close()
	}
	if got := srv.WaitTexts(t, "#order", 40, wait); !equal(got, want) {
		t.Errorf("texts = %q, want %q", got, want)
	}
}
