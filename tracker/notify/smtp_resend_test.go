package notify

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestSMTPNoResendAfterData: when the reply to a message's final dot is
// lost (the server closes the kept connection after reading the text), the
// message may have been delivered, so Send reports a temporary failure
// instead of sending it again at once on a fresh connection (RFC 5321
// §4.1.1.4's duplicate problem). A stale kept connection that fails
// before DATA is still retried on a fresh one.
func TestSMTPNoResendAfterData(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var texts atomic.Int32 // message texts the server read
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n := conns.Add(1)
			go fakeSMTP(c, n, &texts)
		}
	}()
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	p := 0
	for _, ch := range port {
		p = p*10 + int(ch-'0')
	}
	s := NewSMTP(SMTPConfig{Host: host, Port: p, Timeout: 5 * time.Second})
	defer s.Close()
	ctx := context.Background()
	msg := []byte("Subject: x\r\n\r\nbody\r\n")
	if err := s.Send(ctx, "a@example.com", []string{"b@example.com"}, msg); err != nil {
		t.Fatalf("first message: %v", err)
	}
	err = s.Send(ctx, "a@example.com", []string{"b@example.com"}, msg)
	if !IsTemporary(err) {
		t.Fatalf("second message with its reply lost: %v, want a temporary error", err)
	}
	if n := texts.Load(); n != 2 {
		t.Errorf("the server read %d message texts, want 2 (no immediate resend)", n)
	}
	// The next message goes out on a fresh connection.
	if err := s.Send(ctx, "a@example.com", []string{"b@example.com"}, msg); err != nil {
		t.Fatalf("third message: %v", err)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

// fakeSMTP speaks just enough SMTP; on its first connection it closes
// without replying after the second message's text.
func fakeSMTP(c net.Conn, conn int32, texts *atomic.Int32) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(s string) { c.Write([]byte(s + "\r\n")) }
	say("220 fake ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 fake")
		case strings.HasPrefix(cmd, "DATA"):
			say("354 go ahead")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			if texts.Add(1) == 2 && conn == 1 {
				return // the reply to the final dot is lost
			}
			say("250 queued")
		case strings.HasPrefix(cmd, "QUIT"):
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}
