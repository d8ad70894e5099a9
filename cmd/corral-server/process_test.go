package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/smtp"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary builds corral-server once per test run.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "corral-server-test-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "corral-server")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// proc is a corral-server process.
type proc struct {
	cmd    *exec.Cmd
	stdout chan string
	stderr *syncBuffer
	exited chan error
}

func start(t *testing.T, dir string, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	p := &proc{cmd: cmd, stdout: make(chan string, 100), stderr: &syncBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.stdout <- sc.Text()
		}
		close(p.stdout)
		p.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// line returns the next line of standard output.
func (p *proc) line(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-p.stdout:
		if !ok {
			t.Fatalf("standard output closed; log:\n%s", p.stderr)
		}
		return l
	case <-time.After(2 * time.Minute):
		t.Fatalf("no output; log:\n%s", p.stderr)
	}
	return ""
}

// addr waits for the listening log line.
func (p *proc) addr(t *testing.T) string {
	t.Helper()
	var a string
	waitFor(t, "the listening log line", func() bool {
		if m := addrRE.FindStringSubmatch(p.stderr.String()); m != nil {
			a = m[1]
			return true
		}
		return false
	})
	return a
}

// stop sends sig and waits for a clean exit.
func (p *proc) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	p.cmd.Process.Signal(sig)
	for range p.stdout {
	}
	select {
	case err := <-p.exited:
		if err != nil {
			t.Errorf("exit after %v: %v; log:\n%s", sig, err, p.stderr)
		}
	case <-time.After(time.Minute):
		t.Fatalf("no exit after %v; log:\n%s", sig, p.stderr)
	}
}

func login(t *testing.T, base, user, pw string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base, neturl.Values{"@action": {"login"}, "__login_name": {user}, "__login_password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as %s with %q: status %d, want 303", user, pw, resp.StatusCode)
	}
	return c
}

// TestDemo runs --demo twice on one directory: the first run creates the
// tracker and prints URL and passwords, the second prints them again.
func TestDemo(t *testing.T) {
	work := t.TempDir()
	p := start(t, work, nil, "--demo", "-p", "0", "--demo-smtp", "127.0.0.1:0")
	url := p.line(t)
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/demo/") {
		t.Fatalf("first line = %q, want the tracker URL http://127.0.0.1:PORT/demo/", url)
	}
	pw := map[string]string{}
	var lines []string
	for _, who := range []string{"admin", "alice (User)", "bob (Developer)", "carol (Coordinator)"} {
		l := p.line(t)
		lines = append(lines, l)
		v, ok := strings.CutPrefix(l, who+" password: ")
		if !ok || len(v) < 10 {
			t.Fatalf("line = %q, want %q and a password", l, who+" password: ")
		}
		pw[strings.Fields(who)[0]] = v
	}
	if l := p.line(t); l != "outgoing mail (mbox): "+filepath.Join(work, "demo", "mail.mbox") {
		t.Errorf("mail line = %q", l)
	}
	in := p.line(t)
	smtpAddr, ok := strings.CutPrefix(in, "incoming mail (SMTP): ")
	smtpAddr, rcpt, ok2 := strings.Cut(smtpAddr, ", to ")
	if !ok || !ok2 || rcpt != "issue_tracker@localhost" {
		t.Fatalf("incoming mail line = %q", in)
	}
	msg := "From: alice@example.com\r\nTo: issue_tracker@localhost\r\nSubject: Mailed to the demo\r\n" +
		"Message-ID: <demo-test-1@example.com>\r\n\r\nThis issue came in by SMTP.\r\n"
	if err := smtp.SendMail(smtpAddr, nil, "alice@example.com", []string{rcpt}, []byte(msg)); err != nil {
		t.Fatalf("sending to the demo's SMTP listener: %v", err)
	}
	for _, u := range []string{"admin", "alice", "carol"} {
		c := login(t, url, u, pw[u])
		if _, body := get(t, c, url+"issue2"); !strings.Contains(body, "Hello, <b>"+u+"</b>") || !strings.Contains(body, "issue1") {
			t.Errorf("issue2 as %s: not logged in or no dependency shown", u)
		}
	}
	_, index := get(t, nil, url)
	for _, title := range []string{"Crash in PyUnicode_FromFormat()", "asyncio: cancelling", "os.path.join()", "Mailed to the demo"} {
		if !strings.Contains(index, title) {
			t.Errorf("index lacks %q", title)
		}
	}
	if code, body := get(t, nil, url+"file1/fix-format-precision.patch"); code != 200 || !strings.Contains(body, "+++ b/Objects/unicodeobject.c") {
		t.Errorf("patch download = %d %.100q", code, body)
	}
	// Demo mode logs the registration confirmation link (DESIGN.md §2.1),
	// pointing at the port really served. The form must be older than
	// [web] registration_delay (4 s).
	jar, _ := cookiejar.New(nil)
	anon := &http.Client{Jar: jar}
	_, form := get(t, anon, url+"user?@template=register")
	m := regexp.MustCompile(`name="opaqueregister" value="([^"]*)"`).FindStringSubmatch(form)
	if m == nil {
		t.Fatalf("no registration stamp in the form:\n%.500s", form)
	}
	time.Sleep(4500 * time.Millisecond)
	resp, err := anon.PostForm(url+"user", neturl.Values{"@action": {"register"}, "opaqueregister": {m[1]}, "username": {"erin"},
		"password": {"erin-secret-1"}, "@confirm@password": {"erin-secret-1"}, "address": {"erin@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	waitFor(t, "the confirmation link in the log", func() bool {
		return strings.Contains(p.stderr.String(), url+"?@action=confrego&otk=")
	})
	waitFor(t, "the example issues' notifications in mail.mbox", func() bool {
		b, _ := os.ReadFile(filepath.Join(work, "demo", "mail.mbox"))
		return strings.Contains(string(b), "Subject: [issue6]")
	})
	// No irkerd in the demo: no announcements queued, none retried.
	if strings.Contains(p.stderr.String(), "kind=irker") {
		t.Errorf("the demo announces on IRC without an irkerd:\n%s", p.stderr.String())
	}
	p.stop(t, syscall.SIGTERM)

	again := start(t, work, nil, "--demo", "-p", "0", "--demo-smtp", "off")
	again.line(t) // URL (another free port)
	for _, want := range lines {
		if l := again.line(t); l != want {
			t.Errorf("second run printed %q, want %q", l, want)
		}
	}
	again.stop(t, syscall.SIGINT)
	if strings.Contains(again.stderr.String(), "creating the demo tracker") {
		t.Errorf("second run created the demo again")
	}
	if entries, _ := filepath.Glob(filepath.Join(work, ".demo.creating-*")); len(entries) > 0 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestSignals checks sd_notify, the pid file, SIGHUP reloading config.ini
// (a broken one is refused and the old settings stay) and SIGTERM.
func TestSignals(t *testing.T) {
	home := newHome(t, "pd")
	sock := filepath.Join(t.TempDir(), "notify.sock")
	nc, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	notified := func(want string) {
		t.Helper()
		nc.SetReadDeadline(time.Now().Add(time.Minute))
		buf := make([]byte, 512)
		for {
			n, err := nc.Read(buf)
			if err != nil {
				t.Fatalf("waiting for %s: %v", want, err)
			}
			if strings.HasPrefix(string(buf[:n]), want) {
				return
			}
		}
	}
	pidFile := filepath.Join(t.TempDir(), "server.pid")
	p := start(t, t.TempDir(), []string{"NOTIFY_SOCKET=" + sock, "WATCHDOG_USEC=400000"}, "-n", "127.0.0.1", "-p", "0", "-d", pidFile, home)
	base := "http://" + p.addr(t) + "/"
	notified("READY=1")
	notified("WATCHDOG=1") // fed while the database answers
	if b, _ := os.ReadFile(pidFile); strings.TrimSpace(string(b)) != strconv.Itoa(p.cmd.Process.Pid) {
		t.Errorf("pid file = %q, want %d", b, p.cmd.Process.Pid)
	}
	if _, body := get(t, nil, base+"issue1"); !strings.Contains(body, "- Python tracker</title>") {
		t.Fatalf("issue1 page title is not the configured name:\n%.300s", body)
	}

	ini := filepath.Join(home, "config.ini")
	orig, _ := os.ReadFile(ini)
	os.WriteFile(ini, []byte(strings.Replace(string(orig), "name = Python tracker", "name = Reloaded tracker", 1)), 0o644)
	p.cmd.Process.Signal(syscall.SIGHUP)
	notified("RELOADING=1")
	notified("READY=1")
	if _, body := get(t, nil, base+"issue1"); !strings.Contains(body, "- Reloaded tracker</title>") {
		t.Errorf("after SIGHUP the page title is not the new name:\n%.300s", body)
	}

	os.WriteFile(ini, []byte(strings.Replace(string(orig), "login_attempts_min = 3", "login_attempts_min = many", 1)), 0o644)
	p.cmd.Process.Signal(syscall.SIGHUP)
	notified("RELOADING=1")
	notified("READY=1")
	// The log comes through a pipe that a goroutine copies: READY=1 can
	// arrive before the line does.
	waitFor(t, "a broken config.ini reported in the log", func() bool {
		return strings.Contains(p.stderr.String(), "reload failed")
	})
	if _, body := get(t, nil, base+"issue1"); !strings.Contains(body, "- Reloaded tracker</title>") {
		t.Errorf("after a failed reload the old settings are gone")
	}

	p.stop(t, syscall.SIGTERM)
	notified("STOPPING=1")
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Errorf("pid file left behind: %v", err)
	}
}
