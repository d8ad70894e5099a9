package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"github.com/corral-tracker/corral/internal/lockedbuf"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// TestMain removes the binaries built for the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binaries builds corral-admin and corral-mailgw once per test run.
func binaries(t testing.TB) (admin, mailgw string) {
	t.Helper()
	buildOnce.Do(func() {
		out, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			buildErr = fmt.Errorf("go env GOMOD: %w", err)
			return
		}
		root := filepath.Dir(strings.TrimSpace(string(out)))
		if binDir, buildErr = os.MkdirTemp("", "corral-e2e-bin-"); buildErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", binDir+"/", "./cmd/corral-admin", "./cmd/corral-mailgw")
		cmd.WaitDelay = 10 * time.Second
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, "corral-admin"), filepath.Join(binDir, "corral-mailgw")
}

// tracker is a python-dev home on SQLite with a user alice
// (alice@example.org, role User) who may open issues by mail.
type tracker struct {
	t     testing.TB
	admin string
	home  string
}

const (
	trackerAddr = "issues@tracker.example"
	aliceAddr   = "alice@example.org"
)

var (
	templateOnce sync.Once
	templateDir  string
)

// newTracker returns a copy of a home made once per test run.
func newTracker(t testing.TB) *tracker {
	t.Helper()
	admin, _ := binaries(t)
	templateOnce.Do(func() {
		tr := &tracker{t: t, admin: admin, home: filepath.Join(binDir, "template")}
		tr.run("install", "python-dev", "sqlite",
			"mail_domain=tracker.example,tracker_email=issues,mail_debug=outgoing.mbox,tracker_web=http://tracker.example/,rdbms_sqlite_timeout=3")
		tr.run("initialise", "secret")
		tr.run("create", "user", "username=alice", "address="+aliceAddr, "roles=User", "password=alice")
		templateDir = tr.home
	})
	if templateDir == "" {
		t.Fatal("the template home could not be made")
	}
	tr := &tracker{t: t, admin: admin, home: filepath.Join(t.TempDir(), "home")}
	if err := os.CopyFS(tr.home, os.DirFS(templateDir)); err != nil {
		t.Fatalf("copying the template home: %v", err)
	}
	return tr
}

// run runs corral-admin on the home and returns its standard output.
func (tr *tracker) run(args ...string) string {
	tr.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tr.admin, append([]string{"-i", tr.home}, args...)...)
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tr.t.Fatalf("corral-admin %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

var listLine = regexp.MustCompile(`^\s*(\d+): (.*)$`)

// titles returns title → how many issues have it.
func (tr *tracker) titles() map[string]int {
	tr.t.Helper()
	m := map[string]int{}
	for _, l := range strings.Split(tr.run("list", "issue", "title"), "\n") {
		if sm := listLine.FindStringSubmatch(l); sm != nil {
			m[sm[2]]++
		}
	}
	return m
}

// count returns the number of items of class.
func (tr *tracker) count(class string) int {
	tr.t.Helper()
	n := 0
	for _, l := range strings.Split(tr.run("list", class), "\n") {
		if listLine.MatchString(l) {
			n++
		}
	}
	return n
}

// mailMessage is message n from alice opening an issue titled
// "e2e message n".
func mailMessage(n int) []byte {
	return fmt.Appendf(nil, "From: Alice Example <%s>\r\n"+
		"To: %s\r\n"+
		"Subject: e2e message %d\r\n"+
		"Message-Id: <e2e-%d@example.org>\r\n"+
		"Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n"+
		"\r\n"+
		"This is message %d of the end-to-end test.\r\n", aliceAddr, trackerAddr, n, n, n)
}

// daemon is a running corral-mailgw.
type daemon struct {
	cmd    *exec.Cmd
	exited chan struct{}
	log    *syncBuffer
}

// syncBuffer is the shared concurrency-safe output buffer.
type syncBuffer = lockedbuf.Buffer

// startMailgw starts corral-mailgw with args and env added to ours; the
// process is killed at the end of the test if still running.
func startMailgw(t testing.TB, env []string, args ...string) *daemon {
	t.Helper()
	_, bin := binaries(t)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 10 * time.Second // never wait for a pipe forever
	d := &daemon{cmd: cmd, exited: make(chan struct{}), log: &syncBuffer{}}
	cmd.Stdout, cmd.Stderr = d.log, d.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting corral-mailgw: %v", err)
	}
	go func() { cmd.Wait(); close(d.exited) }()
	t.Cleanup(func() {
		d.kill()
		if t.Failed() {
			t.Logf("corral-mailgw %s output (tail):\n%s", strings.Join(args, " "), tail(d.log.String(), 40))
		}
	})
	return d
}

// kill sends SIGKILL and waits for the process to end.
func (d *daemon) kill() {
	d.cmd.Process.Signal(syscall.SIGKILL)
	<-d.exited
}

// stop sends SIGTERM and waits (then SIGKILL after 20 s).
func (d *daemon) stop() error {
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.exited:
	case <-time.After(20 * time.Second):
		d.kill()
		return fmt.Errorf("corral-mailgw did not stop within 20 s of SIGTERM")
	}
	return nil
}

// failExited fails the test because corral-mailgw ended by itself.
func (d *daemon) failExited(t testing.TB) {
	t.Helper()
	t.Fatalf("corral-mailgw exited: %s", tail(d.log.String(), 20))
}

func (d *daemon) running() bool {
	select {
	case <-d.exited:
		return false
	default:
		return true
	}
}

func tail(s string, n int) string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}

// waitListening waits until addr accepts connections while d runs.
func waitListening(t testing.TB, d *daemon, addr string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if !d.running() {
			d.failExited(t)
		}
		if time.Now().After(deadline) {
			t.Fatalf("corral-mailgw does not listen on %s", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freeAddr returns a free 127.0.0.1 address.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
