package notify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/corral-tracker/corral/tracker"
)

// sink is a real SMTP server on 127.0.0.1:0 that records what it
// accepts; failFirst makes the first N DATA commands answer 451.
type sink struct {
	mu        sync.Mutex
	got       []sent
	failFirst atomic.Int64
	rejectTo  string // answered 550 at RCPT
	addr      string
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
	if to == ss.s.rejectTo {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	ss.to = append(ss.to, to)
	return nil
}
func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if ss.s.failFirst.Add(-1) >= 0 {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	ss.s.mu.Lock()
	ss.s.got = append(ss.s.got, sent{ss.from, ss.to, bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))})
	ss.s.mu.Unlock()
	return nil
}

func newSink(t testing.TB) *sink {
	s := &sink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *sink) transport() *SMTP {
	host, port, _ := net.SplitHostPort(s.addr)
	p, _ := strconv.Atoi(port)
	return NewSMTP(SMTPConfig{Host: host, Port: p, Timeout: 5 * time.Second})
}

func (s *sink) mails() []sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sent(nil), s.got...)
}

// TestSMTPRetriesInOrder: the server refuses the first attempts with 451;
// every mail still arrives exactly once and in commit order per issue.
func TestSMTPRetriesInOrder(t *testing.T) {
	tt := newTracker(t, map[string]string{"add_author": "yes"}, nil)
	s := newSink(t)
	tt.mailer.tr = s.transport()
	defer tt.mailer.tr.Close()
	s.failFirst.Store(3)
	alice := tt.user(t, "alice")
	iss := tt.post(t, "bob", "", "message 0", "", tracker.Values{"title": "t", "nosy": []string{alice}})
	for i := 1; i < 5; i++ {
		tt.post(t, "bob", iss, fmt.Sprintf("message %d", i), "", nil)
	}
	for round := 0; round < 10; round++ {
		tt.drain(t)
	}
	var order []string
	for _, m := range s.mails() {
		if len(m.to) == 1 && m.to[0] == "alice@example.com" {
			order = append(order, strings.TrimSpace(strings.SplitN(body(t, m.data), "\n", 5)[3]))
		}
	}
	want := []string{"message 0", "message 1", "message 2", "message 3", "message 4"}
	if strings.Join(order, "|") != strings.Join(want, "|") {
		t.Errorf("alice received %v, want %v each once in order", order, want)
	}
	if left, _ := tt.store.Outbox().List(tt.ctx, "pending", 10); len(left) != 0 {
		t.Errorf("%d events still pending", len(left))
	}
}

// TestPermanentFailureParked: a 550 recipient is refused for good: the
// event is parked as failed with the error, visible, and others still
// get their mail.
func TestPermanentFailureParked(t *testing.T) {
	tt := newTracker(t, nil, nil)
	s := newSink(t)
	s.rejectTo = "alice@example.com"
	tt.mailer.tr = s.transport()
	tt.post(t, "carol", "", "hello", "", tracker.Values{"title": "t", "nosy": []string{tt.user(t, "alice"), tt.user(t, "bob")}})
	tt.drain(t)
	if got := s.mails(); len(got) != 1 || got[0].to[0] != "bob@example.com" {
		t.Errorf("delivered %v, want one mail to bob", got)
	}
	failed, _ := tt.store.Outbox().List(tt.ctx, "failed", 10)
	if len(failed) != 1 || !strings.Contains(failed[0].LastErr, "550") {
		t.Fatalf("failed events = %+v, want one with the 550", failed)
	}
}

func TestMboxDebugFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "mail.mbox")
	mb := &Mbox{Path: p, Now: func() time.Time { return fixedNow }}
	msg := []byte("Subject: x\n\nFrom the start\n>From quoted\nplain\n")
	if err := mb.Send(context.Background(), "admin@example.com", []string{"a@x", "b@y"}, msg); err != nil {
		t.Fatal(err)
	}
	mb.Send(context.Background(), "admin@example.com", []string{"c@z"}, []byte("Subject: y\n\nsecond"))
	got, _ := os.ReadFile(p)
	want := "From admin@example.com Wed Nov 25 15:29:41 2026\nX-Corral-Envelope-To: a@x, b@y\nSubject: x\n\n>From the start\n>>From quoted\nplain\n\n" +
		"From admin@example.com Wed Nov 25 15:29:41 2026\nX-Corral-Envelope-To: c@z\nSubject: y\n\nsecond\n\n"
	if string(got) != want {
		t.Errorf("mbox =\n%q\nwant\n%q", got, want)
	}
}

func TestAttachmentsAndSizeLimit(t *testing.T) {
	tt := newTracker(t, nil, func(c *Config) { c.MaxAttachmentSize = 100 })
	alice := tt.user(t, "alice")
	err := tt.svc.Update(tt.ctx, tt.user(t, "bob"), func(tx *tracker.Tx) error {
		small, _ := tx.Create("file", tracker.Values{"name": "fix.patch", "type": "text/plain", "content": "--- a\n+++ b\n"})
		bin, _ := tx.Create("file", tracker.Values{"name": "dump ü.bin", "type": "application/octet-stream", "content": "\x00\x01\x02"})
		big, _ := tx.Create("file", tracker.Values{"name": "big.txt", "type": "text/plain", "content": strings.Repeat("x", 200)})
		m, err := tx.Create("msg", tracker.Values{"content": "see files", "author": tx.UserID(), "files": []string{small, bin, big}})
		if err != nil {
			return err
		}
		_, err = tx.Create("issue", tracker.Values{"title": "t", "messages": []string{m}, "nosy": []string{alice}, "files": []string{small, bin, big}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tt.drain(t)
	got := tt.cap.to("alice@example.com")
	if len(got) != 1 {
		t.Fatalf("alice got %d mails", len(got))
	}
	d := string(got[0].data)
	for _, w := range []string{
		"Content-Type: multipart/mixed; boundary=",
		`Content-Type: text/plain; charset="us-ascii"`,
		"Content-Disposition: attachment; filename=fix.patch",
		"Content-Disposition: attachment; filename*=utf-8''dump%20%C3%BC.bin",
		"Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64",
		"AAEC\n",
		"File 'big.txt' not attached - you can download it from https://tracker.example/file",
	} {
		if !strings.Contains(strings.ReplaceAll(d, "=\n", ""), w) {
			t.Errorf("mail lacks %q:\n%s", w, d)
		}
	}
}

func TestBounceAndSimple(t *testing.T) {
	tt := newTracker(t, nil, nil)
	b := tt.mailer.Bounce([]string{"eve@example.com"}, "You are not a registered user.", "help text", []byte("Subject: hi\n\nbody\n"))
	d := string(b.Data)
	for _, w := range []string{"Subject: Failed issue tracker submission\n", "From: Python tracker <roundup-admin@tracker.example>\n",
		"To: eve@example.com\n", "X-Roundup-Loop: hello\n", "Precedence: bulk\n", "multipart/mixed",
		"\nYou are not a registered user.\n\n\nMail Gateway Help\n=================\nhelp text", "Subject: hi\n\nbody"} {
		if !strings.Contains(d, w) {
			t.Errorf("bounce lacks %q:\n%s", w, d)
		}
	}
	if b.From != "roundup-admin@tracker.example" {
		t.Errorf("bounce envelope sender %q", b.From)
	}
	s := tt.mailer.Simple([]string{"new@example.com"}, "Complete your registration to Python tracker -- key abc",
		"To complete your registration visit:\nhttps://tracker.example/?@action=confrego&otk=abc\n")
	if sd := string(s.Data); !strings.Contains(sd, "Content-Transfer-Encoding: 7bit") || !strings.Contains(sd, "\n\nTo complete your registration visit:\nhttps://tracker.example/?@action=confrego&otk=abc\n") {
		t.Errorf("registration mail link not copyable:\n%s", sd)
	}
	// Queued account mail goes out through the worker only on commit.
	tt.svc.Update(tt.ctx, tracker.AdminID, func(tx *tracker.Tx) error { return Queue(tx, "new@example.com", s) })
	tt.svc.Update(tt.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		Queue(tx, "x@example.com", tt.mailer.Simple([]string{"x@example.com"}, "s", "b"))
		return fmt.Errorf("rolled back")
	})
	tt.drain(t)
	if len(tt.cap.mails) != 1 || tt.cap.mails[0].to[0] != "new@example.com" {
		t.Errorf("account mails sent %v, want only the committed one", tt.cap.mails)
	}
}
