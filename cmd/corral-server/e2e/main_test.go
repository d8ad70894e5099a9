// Package e2e holds Corral's browser tests: a real corral-server process
// (built once per run) serving a python-dev tracker made with
// trackerhome.Install and Initialise, driven by headless Debian Chromium
// through chromedp, over loopback only.
//
// The suite is skipped when Chromium is missing, unless CI=true (then it
// fails). Steps whose web handlers still answer 501 Not Implemented
// (tracker/web/pending.go) are reported as skipped ("pending"); set
// CORRAL_E2E_STRICT=1 to make them fail instead. On failure, screenshots
// of the page where a step failed, of the issue index and of the issue
// page are saved as PNG files in a directory named in the failure
// message ($TMPDIR/corral-e2e-TIME/).
package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/tracker"
)

// chromiumPath is Debian's chromium (CI installs the package).
const chromiumPath = "/usr/bin/chromium"

var (
	serverBin string // built in TestMain
	skipAll   string // why the suite does not run
)

func TestMain(m *testing.M) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "true" {
			skipAll = chromiumPath + " is missing (apt-get install chromium); the browser tests are skipped"
		}
	}
	dir, err := os.MkdirTemp("", "corral-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	serverBin = filepath.Join(dir, "corral-server")
	code := 0
	if skipAll == "" {
		if out, err := exec.Command("go", "build", "-o", serverBin, "..").CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building corral-server: %v\n%s", err, out)
			code = 1
		}
	}
	if code == 0 {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// trackerEnv is a tracker home served by a corral-server process.
type trackerEnv struct {
	home string
	base string // http://127.0.0.1:PORT/python-dev/
	logs *logBuffer
	// users maps the pre-made users to their passwords.
	users map[string]string
}

// logBuffer collects the server's log.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
	l.b.WriteByte('\n')
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listenRE = regexp.MustCompile(`msg="corral-server listening" addr=(\S+)`)

// startTracker installs a python-dev home (mail to HOME/mail.mbox, no
// registration delay, a generous login rate limit), adds bob (Developer)
// and one open issue, and runs corral-server on a free loopback port.
func startTracker(t *testing.T) *trackerEnv {
	t.Helper()
	home := filepath.Join(t.TempDir(), "python-dev")
	settings := map[string]string{
		"mail_debug":                     "mail.mbox",
		"password_pbkdf2_default_rounds": "1000",
		"web_registration_delay":         "0",
		"web_login_attempts_min":         "100",
		"instant_registration":           "no",
	}
	if err := trackerhome.Install(home, "python-dev", "sqlite", settings); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	h, err := trackerhome.Initialise(ctx, home, "admin-pw", false, trackerhome.Options{})
	if err != nil {
		t.Fatal(err)
	}
	env := &trackerEnv{home: home, logs: &logBuffer{}, users: map[string]string{"bob": "bob-pw"}}
	err = h.Service.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		pw, err := tracker.HashPassword("bob-pw", 1000)
		if err != nil {
			return err
		}
		bob, err := tx.Create("user", tracker.Values{"username": "bob", "password": pw, "roles": "User,Developer", "address": "bob@example.com"})
		if err != nil {
			return err
		}
		m, err := tx.Create("msg", tracker.Values{"content": "The dependency: still open.", "author": bob})
		if err != nil {
			return err
		}
		_, err = tx.Create("issue", tracker.Values{"title": "A blocking issue", "messages": []string{m}})
		return err
	})
	h.Close()
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(serverBin, "-n", "127.0.0.1", "-p", "0", "--log-level", "debug", "python-dev="+home)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("corral-server log:\n%s", env.logs)
		}
	})
	addr := make(chan string, 1)
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			env.logs.add(sc.Text())
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
		cmd.Wait()
	}()
	select {
	case a := <-addr:
		env.base = "http://" + a + "/python-dev/"
	case <-time.After(2 * time.Minute):
		t.Fatalf("corral-server did not start; log:\n%s", env.logs)
	}
	return env
}

// mailLink waits for a mail in the [mail] debug file containing a link
// with marker (e.g. "@action=confrego&otk=") and returns the link.
func (e *trackerEnv) mailLink(t *testing.T, marker string) string {
	t.Helper()
	re := regexp.MustCompile(`https?://\S*` + regexp.QuoteMeta(marker) + `[A-Za-z0-9_\-]+`)
	deadline := time.Now().Add(time.Minute)
	for {
		b, _ := os.ReadFile(filepath.Join(e.home, "mail.mbox"))
		if l := re.FindString(string(b)); l != "" {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail with a %q link in %s:\n%s", marker, filepath.Join(e.home, "mail.mbox"), b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
