package scaleout

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/corral-tracker/corral/internal/lockedbuf"
	"github.com/corral-tracker/corral/internal/smtpclient"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jackc/pgx/v5"
)

// The binaries under test, built once per test run (go build -o, as
// cmd/corral-server's process tests do).
var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

var binaries = []string{"corral-server", "corral-mailgw", "corral-admin"}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary returns the path of one of the binaries, building them all on
// first use.
func binary(t *testing.T, name string) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "corral-scaleout-"); binErr != nil {
			return
		}
		args := []string{"build", "-o", binDir + string(filepath.Separator)}
		for _, b := range binaries {
			args = append(args, "github.com/corral-tracker/corral/cmd/"+b)
		}
		if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return filepath.Join(binDir, name)
}

// pgDatabase names a fresh database on the CORRAL_TEST_POSTGRES server
// (the test skips without it) and drops it when the test ends. It returns
// the [rdbms] settings for corral-admin install and a DSN of the new
// database.
func pgDatabase(t *testing.T) (settings []string, dsn string) {
	t.Helper()
	base := os.Getenv("CORRAL_TEST_POSTGRES")
	if base == "" {
		t.Skip("CORRAL_TEST_POSTGRES not set (a PostgreSQL DSN whose role may create databases, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("CORRAL_TEST_POSTGRES: %v", err)
	}
	name := fmt.Sprintf("corral_scaleout_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	settings = []string{"rdbms_name=" + name}
	for k, v := range map[string]string{"rdbms_host": u.Hostname(), "rdbms_port": u.Port(), "rdbms_user": u.User.Username()} {
		if v != "" {
			settings = append(settings, k+"="+v)
		}
	}
	if pw, ok := u.User.Password(); ok {
		settings = append(settings, "rdbms_password="+pw)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("dropping database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping database %s: %v", name, err)
		}
	})
	v := *u
	v.Path = "/" + name
	return settings, v.String()
}

// lockedBuffer is the shared concurrency-safe output buffer.
type lockedBuffer = lockedbuf.Buffer

// proc is one running binary; its standard output and error go to log.
type proc struct {
	name    string
	cmd     *exec.Cmd
	log     *lockedBuffer
	exited  chan struct{}
	err     error // valid once exited is closed
	stopped bool  // by stop or kill
	killed  bool  // by kill
}

func startProc(t *testing.T, name, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, cmd: exec.Command(bin, args...), log: &lockedBuffer{}, exited: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// waitLog waits for re in the process's log and returns its first
// submatch.
func (p *proc) waitLog(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		if m := re.FindStringSubmatch(p.log.String()); m != nil {
			return m[1]
		}
		select {
		case <-p.exited:
			t.Fatalf("%s exited (%v) before logging %s; log:\n%s", p.name, p.err, re, p.log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not log %s within a minute; log:\n%s", p.name, re, p.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends SIGTERM and expects a clean exit within the 10 s DESIGN.md
// promises (plus slack for a loaded machine).
func (p *proc) stop(t *testing.T) {
	t.Helper()
	p.stopped = true
	start := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		if d := time.Since(start); d > time.Second {
			t.Logf("%s took %v to stop; its log ends:\n%s", p.name, d.Round(time.Millisecond), tail(p.log.String(), 15))
		}
		if p.err != nil {
			t.Errorf("%s: exit after SIGTERM: %v; log:\n%s", p.name, p.err, tail(p.log.String(), 60))
		}
	case <-time.After(20 * time.Second):
		t.Errorf("%s: no exit within 20 s of SIGTERM; log:\n%s", p.name, tail(p.log.String(), 60))
		p.cmd.Process.Kill()
		<-p.exited
	}
}

// kill ends the process with SIGKILL.
func (p *proc) kill() {
	p.stopped, p.killed = true, true
	p.cmd.Process.Kill()
	<-p.exited
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d lines before)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// runAdmin runs corral-admin with stdin and returns its standard output.
func runAdmin(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary(t, "corral-admin"), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("corral-admin %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// delivery is one message the sink accepted.
type delivery struct {
	from string
	to   []string
	data []byte
}

// sink is the SMTP server the trackers' [mail] host points at; it
// accepts and records everything.
type sink struct {
	addr  string
	delay time.Duration // per message, so that deliveries overlap
	srv   *smtp.Server
	mu    sync.Mutex
	got   []delivery
}

func startSink(t *testing.T, delay time.Duration) *sink {
	t.Helper()
	s := &sink{delay: delay}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }))
	s.srv.Domain = "sink.localhost"
	s.srv.ErrorLog = sinkLog{t}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *sink) deliveries() []delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]delivery(nil), s.got...)
}

func (s *sink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

type sinkSession struct {
	s    *sink
	from string
	to   []string
}

func (ss *sinkSession) Reset()        { ss.from, ss.to = "", nil }
func (ss *sinkSession) Logout() error { return nil }
func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	time.Sleep(ss.s.delay)
	ss.s.mu.Lock()
	ss.s.got = append(ss.s.got, delivery{from: ss.from, to: append([]string(nil), ss.to...), data: b})
	ss.s.mu.Unlock()
	return nil
}

// log routes go-smtp's server errors to the test log.
type sinkLog struct{ t *testing.T }

func (l sinkLog) Printf(format string, v ...any) { l.t.Logf("sink: "+format, v...) }
func (l sinkLog) Println(v ...any)               { l.t.Log(append([]any{"sink:"}, v...)...) }

// sendMail hands raw to the gateway at addr over SMTP or LMTP, once, and
// returns the reply as an error (nil for 250).
func sendMail(addr string, lmtp bool, from, to string, raw []byte) error {
	c, err := smtpclient.Dial(addr, lmtp, "client.localhost", 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.CommandTimeout = 30 * time.Second
	c.SubmissionTimeout = 30 * time.Second
	if err := smtpclient.Send(c, from, to, raw); err != nil {
		return err
	}
	return c.Quit()
}

// temporary reports whether an SMTP/LMTP reply asks to try again later.
func temporary(err error) bool {
	var lerr smtp.LMTPDataError
	if errors.As(err, &lerr) {
		for _, e := range lerr {
			if !e.Temporary() {
				return false
			}
		}
		return len(lerr) > 0
	}
	var se *smtp.SMTPError
	return errors.As(err, &se) && se.Temporary()
}

// webClient logs in on a server and keeps the session cookie.
func webLogin(base, user, pw string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base, url.Values{"@action": {"login"}, "__login_name": {user}, "__login_password": {pw}})
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("login as %s: status %d, want 303", user, resp.StatusCode)
	}
	return c, nil
}

var issueLocationRE = regexp.MustCompile(`issue(\d+)`)

// webPost posts a form and expects a 303 to an issue; it returns the
// issue id of the Location.
func webPost(c *http.Client, u string, form url.Values) (string, int, error) {
	resp, err := c.PostForm(u, form)
	if err != nil {
		return "", 0, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", resp.StatusCode, fmt.Errorf("POST %s: status %d: %.300s", u, resp.StatusCode, errorText(body))
	}
	m := issueLocationRE.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		return "", resp.StatusCode, fmt.Errorf("POST %s: redirect to %q, not an issue", u, resp.Header.Get("Location"))
	}
	return m[1], resp.StatusCode, nil
}

var errorRE = regexp.MustCompile(`(?s)class="error[^"]*"[^>]*>(.*?)</`)

// errorText pulls the error box out of a page, or returns the start of it.
func errorText(body []byte) string {
	if m := errorRE.FindSubmatch(body); m != nil {
		return strings.TrimSpace(string(m[1]))
	}
	return string(body)
}
