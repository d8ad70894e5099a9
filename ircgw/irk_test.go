package ircgw

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/ircgw/ircdtest"
)

// irkShim runs irker's own client, /usr/bin/irk, unchanged except that
// its socket goes to our port: irk has the daemon's address hard-coded
// (DEFAULT_SERVER = ("localhost", 6659), no option), so the shim wraps
// socket.create_connection before running irk's main.
const irkShim = `
import os, runpy, socket, sys
port = int(os.environ["IRK_TEST_PORT"])
real = socket.create_connection
socket.create_connection = lambda addr, *a, **k: real(("127.0.0.1", port), *a, **k)
sys.argv = ["irk"] + sys.argv[1:]
runpy.run_path(os.environ["IRK_PATH"], run_name="__main__")
`

func runIrk(t *testing.T, irk, python string, port int, stdin string, args ...string) {
	t.Helper()
	cmd := exec.Command(python, append([]string{"-c", irkShim}, args...)...)
	cmd.Env = append(cmd.Environ(), fmt.Sprintf("IRK_TEST_PORT=%d", port), "IRK_PATH="+irk)
	cmd.Stdin = strings.NewReader(stdin)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		cmd.Process.Kill()
		<-done
	}
	if err != nil {
		t.Fatalf("irk %q: %v\n%s", args, err, out)
	}
}

// TestNgircdIrk sends through irker's own client, irk, to our relay and on
// to ngIRCd: a plain message, arguments joined with spaces, non-ASCII
// (irk escapes it as \uXXXX), and irk's "-" mode, which writes one JSON
// object per stdin line back to back without newlines (irkerd rejects
// that; the relay accepts it).
func TestNgircdIrk(t *testing.T) {
	t.Parallel()
	irk := ircdtest.RequireBinary(t, "irk", "/usr/bin/irk")
	python := ircdtest.RequireBinary(t, "python3", "/usr/bin/python3")
	ng := ircdtest.StartNgircd(t, ircdtest.NgircdConfig{})
	obs := ircdtest.NewObserver(t, ng.Addr, "watcher", "#irk")
	r, _ := newRelay(t, fastOptions())
	_, portText, _ := net.SplitHostPort(serveRelay(t, r))
	var port int
	fmt.Sscan(portText, &port)
	u := ngURL(ng, "irk")

	runIrk(t, irk, python, port, "", u, "hello from irk")
	obs.WaitTexts(t, "#irk", 1, wait)
	runIrk(t, irk, python, port, "", u, "several", "words")
	obs.WaitTexts(t, "#irk", 2, wait)
	runIrk(t, irk, python, port, "", u, "café ☕ \x0303green")
	obs.WaitTexts(t, "#irk", 3, wait)
	runIrk(t, irk, python, port, "line one\nline two\n", u, "-")
	got := obs.WaitTexts(t, "#irk", 5, wait)
	want := []string{"hello from irk", "several words", "café ☕ \x0303green", "line one", "line two"}
	if !equal(got, want) {
		t.Errorf("texts = %q, want %q", got, want)
	}
	time.Sleep(50 * time.Millisecond)
	if s := r.Stats(); s.RequestsRejected != 0 {
		t.Errorf("RequestsRejected = %d, want 0", s.RequestsRejected)
	}
}
