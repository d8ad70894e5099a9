package main

import (
	"bytes"
	"context"
	"fmt"
	"github.com/corral-tracker/corral/internal/lockedbuf"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/ircgw/ircdtest"
)

const wait = 15 * time.Second

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args  []string
		check func(*config) bool
		want  string
	}{
		{nil, func(c *config) bool {
			return c.host == "localhost" && c.host6 == "localhost" && c.nick == "irker%03d" &&
				c.timeout == 5*time.Second && c.level == slog.LevelError
		}, "irkerd defaults"},
		{[]string{"-d3"}, func(c *config) bool { return c.level == slog.LevelDebug }, "-d3 is debug"},
		{[]string{"-d", "1"}, func(c *config) bool { return c.level == slog.LevelInfo }, "-d 1 is info"},
		{[]string{"-d", "0"}, func(c *config) bool { return c.level == slog.LevelError }, "-d 0 is error"},
		{[]string{"-ddebug"}, func(c *config) bool { return c.level == slog.LevelDebug }, "-ddebug"},
		{[]string{"--log-level=warning"}, func(c *config) bool { return c.level == slog.LevelWarn }, "warning"},
		{[]string{"-d", "critical"}, func(c *config) bool { return c.level > slog.LevelError }, "critical"},
		{[]string{"-H6", "::1", "-H", "127.0.0.1"}, func(c *config) bool {
			return c.host6 == "::1" && c.host == "127.0.0.1" && c.hostSet && c.host6Set
		}, "-H and -H6"},
		{[]string{"-H6::1"}, func(c *config) bool { return c.host6 == "::1" }, "-H6 attached"},
		{[]string{"-Hlocalhost"}, func(c *config) bool { return c.host == "localhost" && c.hostSet }, "-H attached"},
		{[]string{"-n", "bot%d", "-t", "2.5"}, func(c *config) bool {
			return c.nick == "bot%d" && c.timeout == 2500*time.Millisecond
		}, "nick and float timeout"},
		{[]string{"--nic", "x"}, func(c *config) bool { return c.nick == "x" }, "abbreviated --nick"},
		{[]string{"-i", "irc://h/c", "hello world"}, func(c *config) bool {
			return c.immediate == "irc://h/c" && c.message == "hello world" && c.hasMessage
		}, "-i URL MESSAGE"},
		{[]string{"hello", "-i", "irc://h/c"}, func(c *config) bool {
			return c.immediate == "irc://h/c" && c.message == "hello"
		}, "MESSAGE before -i"},
		{[]string{"-i", "irc://h/c", "--", "-d3 looks like a flag"}, func(c *config) bool {
			return c.message == "-d3 looks like a flag" && c.level == slog.LevelError
		}, "a message starting with a dash after -- (as argparse)"},
		{[]string{"--listen", "127.0.0.1:7000", "--listen", "[::1]:7000", "--metrics", ":9100"}, func(c *config) bool {
			return len(c.listen) == 2 && c.listen[1] == "[::1]:7000" && c.metrics == ":9100"
		}, "--listen repeatable"},
		{[]string{"-V"}, func(c *config) bool { return c.version }, "-V"},
		{[]string{"-l", "/tmp/t.log", "-c", "ca.pem", "-e", "me.pem", "-p", "pw"}, func(c *config) bool {
			return c.trafficLog == "/tmp/t.log" && c.caFile == "ca.pem" && c.certFile == "me.pem" && c.password == "pw"
		}, "files and password"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			c, err := parseFlags(tt.args)
			if err != nil || !tt.check(c) {
				t.Errorf("parseFlags(%q) = %+v, %v, want %s", tt.args, c, err, tt.want)
			}
		})
	}
}

func TestParseFlagsErrors(t *testing.T) {
	tests := [][]string{
		{"-p", "a", "-P", "b"},
		{"-t", "soon"},
		{"-d", "loud"},
		{"--ho", "x"},
		{"--bogus"},
		{"a", "b"},
	}
	for _, args := range tests {
		if c, err := parseFlags(args); err == nil {
			t.Errorf("parseFlags(%q) = %+v, want a usage error", args, c)
		}
	}
}

// TestImmediate: -i URL MESSAGE sends one message, quotes and all, and
// exits once it is delivered.
func TestImmediate(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	var stderr bytes.Buffer
	u := fmt.Sprintf("irc://%s/now", srv.Addr)
	err := run(context.Background(), []string{"-i", u, `say "hi"`}, nil, io.Discard, &stderr)
	if err != nil {
		t.Fatalf("run -i: %v\n%s", err, stderr.String())
	}
	if got := srv.Texts("#now"); len(got) != 1 || got[0] != `say "hi"` {
		t.Errorf("texts = %q, want [say \"hi\"]", got)
	}
	if q := srv.Lines(); !strings.HasPrefix(q[len(q)-1].Text, "QUIT") {
		t.Errorf("last line = %q, want QUIT", q[len(q)-1].Text)
	}
	// The message from standard input.
	err = run(context.Background(), []string{"-i", u}, strings.NewReader("from stdin\n"), io.Discard, &stderr)
	if err != nil {
		t.Fatalf("run -i (stdin): %v", err)
	}
	if got := srv.Texts("#now"); len(got) != 2 || got[1] != "from stdin" {
		t.Errorf("texts = %q, want stdin's line second", got)
	}
}

// TestDaemon runs irkerd with --listen and --metrics, sends a request over
// TCP and reads the counters.
func TestDaemon(t *testing.T) {
	srv := ircdtest.NewServer(t, ircdtest.Config{})
	listen := fmt.Sprintf("127.0.0.1:%d", ircdtest.FreePort(t))
	metricsAddr := fmt.Sprintf("127.0.0.1:%d", ircdtest.FreePort(t))
	traffic := filepath.Join(t.TempDir(), "traffic.log")
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--listen", listen, "--metrics", metricsAddr, "-d", "info",
			"--rate", "0", "-l", traffic, "--log-format", "json"}, nil, io.Discard, &stderr)
	}()

	var c net.Conn
	var err error
	for deadline := time.Now().Add(wait); ; time.Sleep(10 * time.Millisecond) {
		if c, err = net.Dial("tcp", listen); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("irkerd not listening: %v\n%s", err, stderr.String())
	}
	fmt.Fprintf(c, `{"to":"irc://%s/daemon","privmsg":"via irkerd"}`+"\n", srv.Addr)
	c.Close()
	srv.WaitTexts(t, "#daemon", 1, wait)

	var body string
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get("http://" + metricsAddr + "/metrics")
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if body = string(b); strings.Contains(body, "irkerd_lines_delivered_total 1\n") {
			break
		}
	}
	for _, want := range []string{
		"irkerd_requests_received_total 1\n",
		"irkerd_lines_delivered_total 1\n",
		`irkerd_lines_dropped_total{reason="expired"} 0` + "\n",
		"irkerd_queue_depth 0\n",
		"irkerd_connections 1\n",
		"irkerd_delivery_seconds_count 1\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run = %v", err)
		}
	case <-time.After(wait):
		t.Fatal("run did not return after cancel")
	}
	if b, _ := os.ReadFile(traffic); !strings.Contains(string(b), ":irc.fake 001 ") {
		t.Errorf("traffic log lacks the server's lines:\n%s", b)
	}
	if !strings.Contains(stderr.String(), `"msg":"nick accepted"`) {
		t.Errorf("log lacks nick accepted:\n%s", stderr.String())
	}
}

// syncBuffer is the shared concurrency-safe output buffer.
type syncBuffer = lockedbuf.Buffer
