package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/corral-tracker/corral/mailgw"
	"github.com/corral-tracker/corral/tracker/notify"
)

// Benchmarks (issue 8): mbox ingest of 1,000 replies on SQLite (target
// ≥ 500 messages/s; Roundup 2.6: 63/s on the same machine), one message
// on stdin from process start to commit (target ≤ 30 ms; Roundup ~350
// ms), and SMTP ingest with 8 parallel senders (listen_test.go). Homes are
// copies of the test fixture.
//
//	go test ./cmd/corral-mailgw -run '^$' -bench . -benchtime 1x

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// replyMbox writes n replies spread over the fixture's open issues.
func replyMbox(n int) []byte {
	var b bytes.Buffer
	titles := map[int]string{1: "json.loads crashes on deeply nested input", 2: "IDLE freezes", 4: "Duplicate title", 6: "Pending thing"}
	ids := []int{1, 2, 4, 6}
	for i := 0; i < n; i++ {
		id := ids[i%len(ids)]
		from := []string{"Alice Liddell <alice@example.com>", "Bob <bob@example.com>", "Carol <carol@example.com>"}[i%3]
		msg := fmt.Sprintf("From: %s\nTo: issues@tracker.example\nSubject: Re: [issue%d] %s\nMessage-Id: <bench-%d@example.com>\nIn-Reply-To: <fixture-msg%d@example.com>\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\nReply number %d.\n\nSome text that explains the problem in more detail,\nover a few lines, as replies do.\n\n> quoted text from the previous message\n> and more of it\n\n-- \nsignature\n",
			from, id, titles[id], i, id, i)
		b.Write(mboxOf([]byte(msg)))
	}
	return b.Bytes()
}

func BenchmarkMboxIngest1000(b *testing.B) {
	data := replyMbox(1000)
	for _, deliver := range []bool{false, true} {
		name := "queue-only"
		if deliver {
			name = "with-delivery"
		}
		b.Run(name, func(b *testing.B) {
			var total, cpu time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				home := copyHome(b)
				_, gw, mailer := caseGateway(b, home, nil)
				box := filepath.Join(b.TempDir(), "inbox")
				os.WriteFile(box, data, 0o600)
				b.StartTimer()
				start, cpu0 := time.Now(), cpuTime()
				res, err := mailgw.ProcessMbox(context.Background(), gw, box)
				if err != nil || res.Handled != 1000 {
					b.Fatalf("ProcessMbox = %+v, %v", res, err)
				}
				if deliver {
					if _, err := notify.NewWorker(mailer, "bench").Drain(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
				total += time.Since(start)
				cpu += cpuTime() - cpu0
			}
			b.ReportMetric(float64(1000*b.N)/total.Seconds(), "msgs/s")
			// On a shared machine wall time says little: CPU seconds used
			// per message say what one free core would do.
			b.ReportMetric(float64(1000*b.N)/cpu.Seconds(), "msgs/cpu-s")
		})
	}
}

// BenchmarkStdinStartToCommit runs the binary on one reply. ms/msg is
// the process's wall time, fork and exec to exit (--queue-only: the
// notification stays queued for the server's worker; with-delivery also
// mails it into the [mail] debug file before exiting); commit-ms is from
// the start of run() to the commit, as the binary logs it.
func BenchmarkStdinStartToCommit(b *testing.B) {
	bin := binary(b)
	for _, queueOnly := range []bool{true, false} {
		name := "queue-only"
		if !queueOnly {
			name = "with-delivery"
		}
		b.Run(name, func(b *testing.B) {
			home := copyHome(b)
			var total time.Duration
			var commit float64
			for i := 0; i < b.N; i++ {
				msg := fmt.Sprintf("From: Bob <bob@example.com>\nSubject: Re: [issue2] IDLE freezes\nMessage-Id: <stdin-bench-%s-%d@example.com>\n\nOne more reply.\n", name, i)
				args := []string{"--log-level", "debug", "--log-format", "json", home}
				if queueOnly {
					args = append([]string{"--queue-only"}, args...)
				}
				cmd := exec.Command(bin, args...)
				cmd.Stdin = bytes.NewReader([]byte(msg))
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				start := time.Now()
				if err := cmd.Run(); err != nil {
					b.Fatalf("%v\n%s", err, stderr.String())
				}
				total += time.Since(start)
				commit += sinceStart(stderr.Bytes())
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/msg")
			b.ReportMetric(commit/float64(b.N), "commit-ms")
		})
	}
}

// sinceStart reads since_start_ms from the binary's JSON debug log.
func sinceStart(log []byte) float64 {
	for _, line := range bytes.Split(log, []byte("\n")) {
		var rec struct {
			Msg string  `json:"msg"`
			MS  float64 `json:"since_start_ms"`
		}
		if json.Unmarshal(line, &rec) == nil && rec.Msg == "stdin message done" {
			return rec.MS
		}
	}
	return 0
}
