package main

import (
	"bytes"
	"context"
	"github.com/corral-tracker/corral/internal/lockedbuf"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/metrics"
	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/tracker"
)

func newRegistry() *metrics.Registry { return metrics.NewRegistry() }

// syncBuffer is the shared concurrency-safe output buffer.
type syncBuffer = lockedbuf.Buffer

// newHome installs and initialises a python-dev home writing mail to
// HOME/mail.mbox, with a user alice (password "secret") and one issue.
func newHome(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	settings := map[string]string{"mail_debug": "mail.mbox", "password_pbkdf2_default_rounds": "1000"}
	if err := trackerhome.Install(dir, "python-dev", "sqlite", settings); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	h, err := trackerhome.Initialise(ctx, dir, "admin-secret", false, trackerhome.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	err = h.Service.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		pw, err := tracker.HashPassword("secret", 1000)
		if err != nil {
			return err
		}
		u, err := tx.Create("user", tracker.Values{"username": "alice", "password": pw, "roles": "User", "address": "alice@example.com"})
		if err != nil {
			return err
		}
		m, err := tx.Create("msg", tracker.Values{"content": "first words", "author": u})
		if err != nil {
			return err
		}
		_, err = tx.Create("issue", tracker.Values{"title": "the first issue", "messages": []string{m}, "nosy": []string{u}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

var addrRE = regexp.MustCompile(`msg="corral-server listening" addr=(\S+)`)

// waitFor polls f every 50 ms until it is true or a minute passes (a
// loaded CI machine may be slow; nothing here asserts on elapsed time).
func waitFor(t *testing.T, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServe runs the server in-process on two trackers: pages under
// /NAME/, the operations endpoints at the root, request metrics, login
// and the notification worker delivering to the [mail] debug file.
func TestServe(t *testing.T) {
	a, b := newHome(t, "a"), newHome(t, "b")
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-n", "127.0.0.1", "-p", "0", "alpha=" + a, "beta=" + b}, io.Discard, &logs)
	}()
	var base string
	waitFor(t, "the listening log line", func() bool {
		if m := addrRE.FindStringSubmatch(logs.String()); m != nil {
			base = "http://" + m[1]
			return true
		}
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v\n%s", err, logs.String())
		default:
		}
		return false
	})

	for _, c := range []struct {
		path, want string
		code       int
	}{
		{"/healthz", "ok", 200},
		{"/readyz", "ready", 200},
		{"/", `href="/alpha/"`, 200},
		{"/alpha/issue1", "the first issue", 200},
		{"/beta/issue?@columns=id,title", "the first issue", 200},
		{"/gamma/", "", 404},
	} {
		code, body := get(t, nil, base+c.path)
		if code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("GET %s = %d %.200q, want %d with %q", c.path, code, body, c.code, c.want)
		}
	}
	_, m := get(t, nil, base+"/metrics")
	for _, want := range []string{`corral_http_requests_total{code="200",route="item"} 1`,
		`corral_http_requests_total{code="404",route="other"} 1`,
		`corral_http_request_duration_seconds_count{route="index"} 1`, "go_goroutines"} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, m)
		}
	}

	// Log in as alice and comment: the worker mails the change to the
	// nosy list... alice is the author and python-dev mails authors too.
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(base+"/alpha/", url.Values{"@action": {"login"}, "__login_name": {"alice"}, "__login_password": {"secret"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.PostForm(base+"/alpha/issue1", url.Values{"@action": {"edit"}, "@note": {"a comment from the web"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "a comment from the web") {
		t.Fatalf("comment not shown after the edit (status %d):\n%s", resp.StatusCode, body)
	}
	waitFor(t, "the notification in alpha's mail.mbox", func() bool {
		b, _ := os.ReadFile(filepath.Join(a, "mail.mbox"))
		return bytes.Contains(b, []byte("a comment from the web"))
	})

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("run did not return after its context ended")
	}
}
