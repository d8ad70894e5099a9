package main

import (
	"context"
	"github.com/corral-tracker/corral/internal/lockedbuf"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
)

// lockedBuffer is the shared concurrency-safe output buffer.
type lockedBuffer = lockedbuf.Buffer

// TestBinarySMTPDaemon runs `corral-mailgw HOME smtp ADDR`: a message
// over SMTP is applied and its notification mailed by the daemon's
// worker; SIGHUP re-reads config.ini; SIGTERM drains and exits 0.
func TestBinarySMTPDaemon(t *testing.T) {
	bin := binary(t)
	home := copyHome(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--log-format", "json", home, "smtp", addr)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer cmd.Process.Kill()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the daemon does not listen on %s:\n%s", addr, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	raw := []byte("From: Bob <bob@example.com>\nTo: issues@tracker.example\nSubject: Re: [issue2] IDLE freezes\nMessage-Id: <daemon@example.com>\n\nOver SMTP.\n")
	if err := sendSMTP(t, addr, false, "bob@example.com", []string{"issues@tracker.example"}, raw); err != nil {
		t.Fatalf("SMTP delivery: %v", err)
	}
	cmd.Process.Signal(syscall.SIGHUP)
	waitLog(t, out, `"msg":"configuration reloaded"`)
	// The daemon's worker mails the notification after the commit.
	deadline = time.Now().Add(15 * time.Second)
	for !anyMail(readMails(t, home+"/mail.mbox"), "bob@example.com", "Over SMTP.") {
		if time.Now().After(deadline) {
			t.Fatalf("no notification mailed by the daemon:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	terminate(t, cmd, done, out)
	h, err := trackerhome.Open(context.Background(), home, trackerhome.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if got := readValue(t, h, "issue2.messages"); got != "2,7" {
		t.Errorf("issue2.messages = %q, want 2,7", got)
	}
}

func waitLog(t *testing.T, out *lockedBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(out.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s in the log:\n%s", s, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// terminate sends SIGTERM and waits for a clean exit within 15 s (the
// 10 s drain and closing).
func terminate(t *testing.T, cmd *exec.Cmd, done <-chan error, out *lockedBuffer) {
	t.Helper()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, out.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("no exit within 15 s of SIGTERM:\n%s", out.String())
	}
}
