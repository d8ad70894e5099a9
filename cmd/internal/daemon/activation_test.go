package daemon

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestActivated passes a real listening socket as fd 3 to a child
// process (as systemd does) and checks the child can accept on it.
func TestActivated(t *testing.T) {
	if os.Getenv("CORRAL_ACTIVATION_CHILD") == "1" {
		ls, err := Activated()
		if err != nil || len(ls) != 1 {
			os.Stdout.WriteString("bad: " + strconv.Itoa(len(ls)))
			os.Exit(1)
		}
		l := ls["lmtp"]
		c, err := l.Accept()
		if err != nil {
			os.Exit(2)
		}
		c.Write([]byte("ok"))
		c.Close()
		os.Exit(0)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f, err := l.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestActivated$")
	cmd.ExtraFiles = []*os.File{f}
	cmd.Env = append(os.Environ(), "CORRAL_ACTIVATION_CHILD=1", "LISTEN_FDS=1", "LISTEN_FDNAMES=lmtp")
	// LISTEN_PID must be the child's pid: a tiny wrapper sets it.
	cmd.Path = "/bin/sh"
	cmd.Args = []string{"sh", "-c", `LISTEN_PID=$$ exec "$0" -test.run=^TestActivated$`, os.Args[0]}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2)
	n, _ := c.Read(buf)
	c.Close()
	if err := cmd.Wait(); err != nil || string(buf[:n]) != "ok" {
		t.Fatalf("child: %v, read %q", err, buf[:n])
	}
	// Not activated: nil, no error.
	if ls, err := activated(func(string) string { return "" }, func(string) error { return nil }, 1); ls != nil || err != nil {
		t.Errorf("activated(no env) = %v, %v", ls, err)
	}
}

// TestPickActivated: the named socket wins and the others are closed; one
// unnamed socket is taken; several without the name are refused, all
// closed.
func TestPickActivated(t *testing.T) {
	listen := func() net.Listener {
		t.Helper()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return ln
	}
	closed := func(ln net.Listener) bool {
		ln.(*net.TCPListener).SetDeadline(time.Now()) // an open one times out
		_, err := ln.Accept()
		return errors.Is(err, net.ErrClosed)
	}
	a, b := listen(), listen()
	got, err := pickActivated(map[string]net.Listener{"lmtp": a, "http": b}, "lmtp")
	if err != nil || got != a || !closed(b) {
		t.Errorf("named: got %v, %v; other closed: %v", got, err, closed(b))
	}
	a.Close()
	c := listen()
	if got, err := pickActivated(map[string]net.Listener{"unnamed": c}, "http"); err != nil || got != c {
		t.Errorf("only one: got %v, %v", got, err)
	}
	c.Close()
	d, e := listen(), listen()
	if _, err := pickActivated(map[string]net.Listener{"x": d, "y": e}, "http"); err == nil || !strings.Contains(err.Error(), `none is named "http"`) {
		t.Errorf("several without the name: err = %v", err)
	}
	if !closed(d) || !closed(e) {
		t.Error("the refused sockets were left open")
	}
}
