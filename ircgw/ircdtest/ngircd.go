package ircdtest

import (
	"fmt"
	"github.com/corral-tracker/corral/internal/lockedbuf"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RequireBinary returns the path of an external program tests need
// (ngircd, irk). When it is missing the test is skipped — except in CI
// (CI=true), where it must be installed and the test fails instead.
func RequireBinary(t testing.TB, name string, fallbacks ...string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, f := range fallbacks {
		if st, err := os.Stat(f); err == nil && !st.IsDir() {
			return f
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed (CI must install it: Debian package)", name)
	}
	t.Skipf("%s is not installed", name)
	return ""
}

// NgircdConfig is the part of ngircd.conf(5) tests vary.
type NgircdConfig struct {
	// MaxJoins is [Limits] MaxJoins, channels per user (default 10 as in
	// ngircd; -1 for no limit).
	MaxJoins int
	// FloodLimits keeps ngIRCd's penalties; by default they are off
	// ([Limits] MaxPenaltyTime = 0) so tests can send fast.
	FloodLimits bool
	// MaxNickLength is [Limits] MaxNickLength (default 9).
	MaxNickLength int
	// Extra is appended to the configuration as is.
	Extra string
}

// Ngircd is a Debian ngircd run in the foreground on a free 127.0.0.1
// port, with a configuration file in a test temporary directory. It is
// stopped at the end of the test.
type Ngircd struct {
	Addr string
	Port int

	t    testing.TB
	bin  string
	conf string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	out    lockedBuffer
}

// StartNgircd starts ngircd (or skips the test, see RequireBinary).
func StartNgircd(t testing.TB, cfg NgircdConfig) *Ngircd {
	t.Helper()
	bin := RequireBinary(t, "ngircd", "/usr/sbin/ngircd")
	n := &Ngircd{t: t, bin: bin}
	dir := t.TempDir()
	n.conf = filepath.Join(dir, "ngircd.conf")
	var err error
	for try := 0; try < 5; try++ {
		n.Port = freePort(t)
		n.Addr = fmt.Sprintf("127.0.0.1:%d", n.Port)
		if err = os.WriteFile(n.conf, []byte(cfg.render(n.Port)), 0o644); err != nil {
			t.Fatalf("writing ngircd.conf: %v", err)
		}
		if err = n.Start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("starting ngircd: %v", err)
	}
	t.Cleanup(func() {
		n.Kill()
		if t.Failed() {
			t.Logf("ngircd output:\n%s", n.out.String())
		}
	})
	return n
}

func (cfg NgircdConfig) render(port int) string {
	maxJoins := cfg.MaxJoins
	switch {
	case maxJoins == 0:
		maxJoins = 10
	case maxJoins < 0:
		maxJoins = 0
	}
	nickLen := cfg.MaxNickLength
	if nickLen == 0 {
		nickLen = 9
	}
	penalty := "MaxPenaltyTime = 0\n"
	if cfg.FloodLimits {
		penalty = ""
	}
	return fmt.Sprintf(`[Global]
Name = irc.test.local
Info = Corral test server
AdminInfo1 = test
AdminInfo2 = test
AdminEMail = test@localhost
Listen = 127.0.0.1
Ports = %d
MotdPhrase = test server
[Limits]
MaxConnectionsIP = 0
MaxJoins = %d
MaxNickLength = %d
PingTimeout = 120
PongTimeout = 20
%s[Options]
DNS = no
Ident = no
PAM = no
%s
`, port, maxJoins, nickLen, penalty, cfg.Extra)
}

// Start (re)starts the server on its port and waits until it accepts
// connections.
func (n *Ngircd) Start() error {
	cmd := exec.Command(n.bin, "-n", "-f", n.conf)
	cmd.Stdout, cmd.Stderr = &n.out, &n.out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("running %s: %w", n.bin, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	n.mu.Lock()
	n.cmd, n.exited = cmd, exited
	n.mu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("ngircd exited at start: %s", n.out.String())
		default:
		}
		if c, err := net.DialTimeout("tcp", n.Addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	return fmt.Errorf("ngircd did not listen on %s within 10s", n.Addr)
}

// Stop ends the server gracefully (SIGTERM: ngIRCd flushes what it has
// processed and closes every connection) and waits for it to exit.
func (n *Ngircd) Stop() { n.signal(syscall.SIGTERM) }

// Kill ends the server with SIGKILL.
func (n *Ngircd) Kill() { n.signal(syscall.SIGKILL) }

func (n *Ngircd) signal(sig syscall.Signal) {
	n.mu.Lock()
	cmd, exited := n.cmd, n.exited
	n.cmd = nil
	n.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(sig)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
}

// lockedBuffer is the shared concurrency-safe output buffer.
type lockedBuffer = lockedbuf.Buffer

// freePort returns a TCP port that was free on 127.0.0.1 a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// FreePort is freePort for tests of other packages.
func FreePort(t testing.TB) int { return freePort(t) }

// Quote returns s with IRC control characters made visible, for failure
// messages.
func Quote(s string) string { return strings.ReplaceAll(fmt.Sprintf("%q", s), `\\`, `\`) }
