package daemon

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/metrics"
)

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in   string
		want slog.Level
		ok   bool
	}{
		{"debug", slog.LevelDebug, true},
		{"INFO", slog.LevelInfo, true},
		{"warning", slog.LevelWarn, true},
		{"warn", slog.LevelWarn, true},
		{"error", slog.LevelError, true},
		{"critical", LevelCritical, true},
		{"loud", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseLevel(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseLevel(%q) = %v, %v, want %v (ok %v)", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestNewLogger(t *testing.T) {
	var b bytes.Buffer
	l, err := NewLogger(&b, "json", slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	l.Debug("hidden")
	l.Info("shown", "queue_depth", 3)
	l.Log(context.Background(), LevelCritical, "bad")
	out := b.String()
	if strings.Contains(out, "hidden") || !strings.Contains(out, `"queue_depth":3`) || !strings.Contains(out, `"level":"CRITICAL"`) {
		t.Errorf("NewLogger(json) wrote %s", out)
	}
	if _, err := NewLogger(io.Discard, "xml", slog.LevelInfo); err == nil {
		t.Errorf("NewLogger(xml) succeeded, want an error")
	}
}

// listenNotify is a fake systemd notification socket.
func listenNotify(t *testing.T, name string) (*net.UnixConn, string) {
	t.Helper()
	addr := name
	if !strings.HasPrefix(name, "@") {
		addr = filepath.Join(t.TempDir(), name)
	}
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, addr
}

func readDatagram(t *testing.T, c *net.UnixConn) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 1024)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("reading notification: %v", err)
	}
	return string(buf[:n])
}

func TestNotifier(t *testing.T) {
	for _, name := range []string{"notify.sock", "@corral-test-notify-" + strings.ReplaceAll(t.Name(), "/", "-")} {
		c, addr := listenNotify(t, name)
		n := newNotifier(func(k string) string {
			return map[string]string{"NOTIFY_SOCKET": addr}[k]
		})
		steps := []struct {
			send func() error
			want string
		}{
			{n.Ready, "READY=1"},
			{n.Stopping, "STOPPING=1"},
			{n.Watchdog, "WATCHDOG=1"},
			{func() error { return n.Status("42 lines queued") }, "STATUS=42 lines queued"},
		}
		for _, s := range steps {
			if err := s.send(); err != nil {
				t.Fatalf("%s: %v", s.want, err)
			}
			if got := readDatagram(t, c); got != s.want {
				t.Errorf("notification = %q, want %q", got, s.want)
			}
		}
		if err := n.Reloading(); err != nil {
			t.Fatal(err)
		}
		if got := readDatagram(t, c); !strings.HasPrefix(got, "RELOADING=1\nMONOTONIC_USEC=") {
			t.Errorf("notification = %q, want RELOADING=1 with MONOTONIC_USEC", got)
		}
	}
	off := newNotifier(func(string) string { return "" })
	if off.Enabled() || off.Ready() != nil {
		t.Errorf("a notifier without NOTIFY_SOCKET must do nothing")
	}
}

func TestWatchdog(t *testing.T) {
	c, addr := listenNotify(t, "wd.sock")
	n := newNotifier(func(k string) string {
		return map[string]string{"NOTIFY_SOCKET": addr, "WATCHDOG_USEC": "100000"}[k]
	})
	if d, ok := n.WatchdogInterval(); !ok || d != 100*time.Millisecond {
		t.Fatalf("WatchdogInterval = %v, %v, want 100ms", d, ok)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go n.RunWatchdog(ctx, func() bool { return true })
	if got := readDatagram(t, c); got != "WATCHDOG=1" {
		t.Errorf("notification = %q, want WATCHDOG=1", got)
	}
	other := newNotifier(func(k string) string {
		return map[string]string{"WATCHDOG_USEC": "100000", "WATCHDOG_PID": "1"}[k]
	})
	if _, ok := other.WatchdogInterval(); ok {
		t.Errorf("WatchdogInterval for another PID = ok, want off")
	}
}

func TestSignals(t *testing.T) {
	c, addr := listenNotify(t, "sig.sock")
	n := newNotifier(func(k string) string { return map[string]string{"NOTIFY_SOCKET": addr}[k] })
	var logs bytes.Buffer
	s := NewSignals(slog.New(slog.NewTextHandler(&logs, nil)), n)
	defer s.Stop()

	reloads := make(chan struct{}, 2)
	reload := func(context.Context) error {
		reloads <- struct{}{}
		if len(reloads) == 2 {
			return errors.New("bad config")
		}
		return nil
	}
	got := make(chan any, 1)
	go func() { got <- s.Wait(context.Background(), reload) }()
	syscall.Kill(syscall.Getpid(), syscall.SIGHUP)
	<-reloads
	if d := readDatagram(t, c); !strings.HasPrefix(d, "RELOADING=1") {
		t.Errorf("notification = %q, want RELOADING=1", d)
	}
	if d := readDatagram(t, c); d != "READY=1" {
		t.Errorf("notification = %q, want READY=1", d)
	}
	syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
	select {
	case sig := <-got:
		if sig != syscall.SIGTERM {
			t.Errorf("Wait = %v, want SIGTERM", sig)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait did not return on SIGTERM")
	}

	ctx, cancel := s.DrainContext(time.Minute)
	defer cancel()
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a second signal did not end the drain context")
	}

	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if sig := s.Wait(ctx2, nil); sig != nil {
		t.Errorf("Wait(cancelled) = %v, want nil", sig)
	}
}

func TestOps(t *testing.T) {
	reg := metrics.NewRegistry()
	reg.Counter("test_total", "A test counter.").Add(7)
	var readyErr error
	var logs bytes.Buffer
	o, err := ServeOps("127.0.0.1:0", OpsHandler(reg, func(context.Context) error { return readyErr }),
		slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Shutdown(context.Background())
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + o.Addr() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := []struct {
		path     string
		notReady bool
		code     int
		body     string
	}{
		{"/metrics", false, 200, "test_total 7\n"},
		{"/healthz", false, 200, "ok\n"},
		{"/readyz", false, 200, "ready\n"},
		{"/readyz", true, 503, "not ready: database down\n"},
		{"/healthz", true, 200, "ok\n"},
		{"/nothing", false, 404, ""},
	}
	for _, tt := range tests {
		readyErr = nil
		if tt.notReady {
			readyErr = errors.New("database down")
		}
		code, body := get(tt.path)
		if code != tt.code || !strings.Contains(body, tt.body) {
			t.Errorf("GET %s = %d %q, want %d containing %q", tt.path, code, body, tt.code, tt.body)
		}
	}
}
