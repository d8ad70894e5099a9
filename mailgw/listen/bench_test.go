package listen

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/corral-tracker/corral/mailgw"
	"github.com/emersion/go-smtp"
)

// BenchmarkSMTPIngest measures the listener alone: 8 senders, each on its
// own connection, deliver messages to a handler that accepts at once.
// The msgs/s metric is the ingest rate; the tracker's own cost comes on
// top (see the end-to-end benchmark in mailgw/poll/internal/e2e).
func BenchmarkSMTPIngest(b *testing.B) {
	for _, lmtp := range []bool{false, true} {
		name := "smtp"
		if lmtp {
			name = "lmtp"
		}
		b.Run(name+"/senders=8", func(b *testing.B) { benchIngest(b, lmtp, 8) })
	}
}

type acceptAll struct{ n atomic.Int64 }

func (a *acceptAll) Handle(context.Context, mailgw.Envelope, []byte) mailgw.Outcome {
	a.n.Add(1)
	return mailgw.Outcome{Status: mailgw.Accepted}
}

func benchIngest(b *testing.B, lmtp bool, senders int) {
	h := &acceptAll{}
	s := New(h, nil, Options{LMTP: lmtp, Domain: "bench.test", SenderRate: -1})
	ln, err := s.Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go s.Serve(ln)
	defer s.Close()

	clients := make([]*smtp.Client, senders)
	for i := range clients {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		if lmtp {
			clients[i] = smtp.NewClientLMTP(conn)
		} else {
			clients[i] = smtp.NewClient(conn)
		}
		if err := clients[i].Hello("bench.client"); err != nil {
			b.Fatal(err)
		}
		defer clients[i].Close()
	}
	msg := []byte(testMessage(0) + "Some body text of an ordinary length for a tracker reply,\r\n" +
		"about five lines long, quoting nothing.\r\n\r\n-- \r\nAlice\r\n")

	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, senders)
	b.SetBytes(int64(len(msg)))
	b.ResetTimer()
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from := fmt.Sprintf("sender%d@example.org", i)
			for next.Add(1) <= int64(b.N) {
				if err := send(c, from, []string{"tracker@example.org"}, string(msg)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	if got := h.n.Load(); got != int64(b.N) {
		b.Fatalf("handled %d of %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
