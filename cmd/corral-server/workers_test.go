package main

import (
	"bufio"
	"encoding/json"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBackgroundWorkers checks that the server runs, besides the web
// site, the IRC announcer and the nosy-mail worker: an issue created on
// the web reaches an irkerd listener (a TCP socket standing in for it,
// reading irker's JSON lines) and the mbox of [mail] debug.
func TestBackgroundWorkers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	lines := make(chan string, 10)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				sc := bufio.NewScanner(c)
				for sc.Scan() {
					lines <- sc.Text()
				}
			}()
		}
	}()
	home := newHome(t, "pd")
	ini := filepath.Join(home, "config.ini")
	b, err := os.ReadFile(ini)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(b), "server = localhost:6659", "server = "+ln.Addr().String(), 1)
	i := strings.Index(cfg, "[irker]\n")
	cfg = cfg[:i] + strings.Replace(cfg[i:], "\nchannels =\n", "\nchannels = irc://localhost/python-dev\n", 1)
	if err := os.WriteFile(ini, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	p := start(t, t.TempDir(), nil, "-n", "127.0.0.1", "-p", "0", home)
	base := "http://" + p.addr(t) + "/"
	c := login(t, base, "alice", "secret")
	resp, err := c.PostForm(base+"issue", url.Values{"@action": {"new"}, "title": {"Announced on IRC"}, "@note": {"Seen by the channel."}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 {
		t.Fatalf("creating an issue: status %d", resp.StatusCode)
	}
	// issue1, made before the server started, was queued too and comes
	// first: announcements wait in the outbox for a worker.
	var got []string
	timeout := time.After(time.Minute)
	for found := false; !found; {
		select {
		case l := <-lines:
			var m struct {
				To      any    `json:"to"`
				Privmsg string `json:"privmsg"`
			}
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("irkerd got %q: %v", l, err)
			}
			got = append(got, m.Privmsg)
			found = strings.Contains(m.Privmsg, "Announced on IRC")
		case <-timeout:
			t.Fatalf("no announcement of the new issue reached irkerd (got %q); log:\n%s", got, p.stderr)
		}
	}
	waitFor(t, "the new issue's nosy mail in mail.mbox", func() bool {
		b, _ := os.ReadFile(filepath.Join(home, "mail.mbox"))
		return strings.Contains(string(b), "Announced on IRC")
	})
	// The workers' outcomes and the outbox show on /metrics.
	waitFor(t, "delivered mail and IRC events on /metrics", func() bool {
		_, m := get(t, nil, base+"metrics")
		return regexp.MustCompile(`(?m)^corral_worker_events_total\{outcome="delivered",tracker="/",worker="mail"\} [1-9]`).MatchString(m) &&
			regexp.MustCompile(`(?m)^corral_worker_events_total\{outcome="delivered",tracker="/",worker="irc"\} [1-9]`).MatchString(m)
	})
	_, m := get(t, nil, base+"metrics")
	for _, want := range []string{
		"# TYPE corral_outbox_events gauge",
		`corral_outbox_events{kind="nosy",state="failed",tracker="/"} 0`,
		`corral_outbox_oldest_seconds{tracker="/"} `,
		`corral_db_connections{pool="write",state="in_use",tracker="/"} `,
		`corral_db_wait_seconds_total{pool="read",tracker="/"} `,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	p.stop(t, syscall.SIGTERM)
	if s := p.stderr.String(); strings.Contains(s, "not started") {
		t.Errorf("a worker did not start; log:\n%s", s)
	}
}
