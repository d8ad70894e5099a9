package e2e

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	_ "modernc.org/sqlite" // the test holds the tracker's database locked
)

// sendSMTP delivers msg to the tracker over one new SMTP connection.
func sendSMTP(addr string, msg []byte) error {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	conn.SetDeadline(time.Now().Add(2 * time.Minute)) // a 451 takes the busy timeout
	c := smtp.NewClient(conn)
	defer c.Close()
	if err := c.Hello("e2e.test"); err != nil {
		return err
	}
	if err := c.Mail(aliceAddr, nil); err != nil {
		return err
	}
	if err := c.Rcpt(trackerAddr, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// TestSMTPLockedDatabase: corral-mailgw smtp against a tracker whose
// SQLite database another connection holds in a write transaction:
// unknown recipients still get 550 at RCPT, DATA gets 451 (and nothing
// is lost: the client keeps the message); after the lock is released the
// retry gets 250, and a second retry of the same message is a duplicate.
func TestSMTPLockedDatabase(t *testing.T) {
	tr := newTracker(t)
	addr := freeAddr(t)
	d := startMailgw(t, nil, tr.home, "smtp", addr)
	waitListening(t, d, addr)

	if err := sendSMTP(addr, mailMessage(1)); err != nil {
		t.Fatalf("first message = %v, want 250", err)
	}

	// RCPT for a stranger is refused before DATA.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := smtp.NewClient(conn)
	c.Hello("e2e.test")
	c.Mail(aliceAddr, nil)
	if err := c.Rcpt("someone@else.example", nil); smtpCode(err) != 550 {
		t.Errorf("RCPT someone@else.example = %v, want 550", err)
	}
	c.Close()

	// Another connection takes the write lock and keeps it.
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(tr.home, "db", "db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lock, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("locking the database: %v", err)
	}
	err = sendSMTP(addr, mailMessage(2))
	if code := smtpCode(err); code < 400 || code > 499 {
		t.Errorf("DATA with the database locked = %v, want a 4xx reply", err)
	}
	if _, err := lock.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	lock.Close()

	if err := sendSMTP(addr, mailMessage(2)); err != nil {
		t.Errorf("retry after the lock = %v, want 250", err)
	}
	if err := sendSMTP(addr, mailMessage(2)); err != nil {
		t.Errorf("second retry = %v, want 250 (a duplicate)", err)
	}
	if err := d.stop(); err != nil {
		t.Error(err)
	}
	titles := tr.titles()
	if len(titles) != 2 || titles["e2e message 1"] != 1 || titles["e2e message 2"] != 1 {
		t.Errorf("issues = %v, want messages 1 and 2 once each", titles)
	}
}

// BenchmarkSMTPIngestGateway: 8 senders on their own connections deliver
// new-issue messages to corral-mailgw smtp (the real gateway on SQLite).
func BenchmarkSMTPIngestGateway(b *testing.B) {
	const senders = 8
	tr := newTracker(b)
	addr := freeAddr(b)
	d := startMailgw(b, nil, "--queue-only", tr.home, "smtp", addr)
	waitListening(b, d, addr)

	clients := make([]*smtp.Client, senders)
	for i := range clients {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		clients[i] = smtp.NewClient(conn)
		if err := clients[i].Hello("bench.test"); err != nil {
			b.Fatal(err)
		}
		defer clients[i].Close()
	}
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				// A new envelope sender each time keeps the per-sender
				// rate limit out of the measurement.
				from := fmt.Sprintf("sender%d@example.org", n)
				msg := mailMessage(int(n))
				if err := c.Mail(from, nil); err != nil {
					failed.Add(1)
					return
				}
				if err := c.Rcpt(trackerAddr, nil); err != nil {
					failed.Add(1)
					return
				}
				w, err := c.Data()
				if err != nil {
					failed.Add(1)
					return
				}
				w.Write(msg)
				if err := w.Close(); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d deliveries failed", n)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
