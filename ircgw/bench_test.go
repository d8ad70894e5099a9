package ircgw

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"github.com/corral-tracker/corral/ircgw/ircdtest"
)

// Benchmarks against Debian's ngIRCd with its flood penalties off, the
// relay unpaced (LineRate -1): what the relay itself can carry. Run with
//
//	go test ./ircgw -run '^$' -bench Ngircd -benchtime 2000x
//
// (BenchmarkNgircdMemory200 does one round per iteration; -benchtime 1x
// is enough for it.)

func benchRelay(b *testing.B, opts Options) *Relay {
	b.Helper()
	r, err := New(opts, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.Shutdown(ctx)
	})
	return r
}

// BenchmarkNgircdThroughput measures lines per second delivered, seen by
// a user in the channels, over one warm connection.
func BenchmarkNgircdThroughput(b *testing.B) {
	for _, nch := range []int{1, 20} {
		b.Run(fmt.Sprintf("channels=%d", nch), func(b *testing.B) {
			ng := ircdtest.StartNgircd(b, ircdtest.NgircdConfig{MaxJoins: -1})
			var chans, urls []string
			for i := range nch {
				chans = append(chans, fmt.Sprintf("#bench%d", i))
				urls = append(urls, ngURL(ng, fmt.Sprintf("bench%d", i)))
			}
			obs := ircdtest.NewObserver(b, ng.Addr, "watcher", chans...)
			r := benchRelay(b, Options{LineRate: -1})
			// Warm up: connect and join every channel.
			r.Send(context.Background(), urls, "warm")
			waitCount(b, obs, nch)
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				r.Send(context.Background(), []string{urls[i%nch]}, fmt.Sprintf("line %d", i))
			}
			waitCount(b, obs, nch+b.N)
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "lines/s")
		})
	}
}

// BenchmarkNgircdColdLatency measures the time from a request to the
// first line arriving in the channel, with no connection open: connect,
// register, JOIN, PRIVMSG.
func BenchmarkNgircdColdLatency(b *testing.B) {
	ng := ircdtest.StartNgircd(b, ircdtest.NgircdConfig{})
	obs := ircdtest.NewObserver(b, ng.Addr, "watcher", "#cold")
	u := ngURL(ng, "cold")
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r := benchRelay(b, Options{LineRate: -1})
		b.StartTimer()
		start := time.Now()
		r.Send(context.Background(), []string{u}, fmt.Sprintf("cold %d", i))
		waitCount(b, obs, i+1)
		total += time.Since(start)
		b.StopTimer()
		stopNow(r)
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/first-line")
}

// BenchmarkNgircdMemory200 opens 200 IRC connections (ngIRCd allows one
// channel per user here, so 200 channels need 200 connections) and
// reports the relay's heap and goroutines per connection.
func BenchmarkNgircdMemory200(b *testing.B) {
	const n = 200
	ng := ircdtest.StartNgircd(b, ircdtest.NgircdConfig{MaxJoins: 1})
	var urls []string
	for i := range n {
		urls = append(urls, ngURL(ng, fmt.Sprintf("mem%d", i)))
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		before := heapInUse()
		g0 := runtime.NumGoroutine()
		b.StartTimer()
		r := benchRelay(b, Options{LineRate: -1, MaxConnections: n})
		r.Send(context.Background(), urls, "hello")
		deadline := time.Now().Add(2 * time.Minute)
		for r.Stats().LinesDelivered < n {
			if time.Now().After(deadline) {
				b.Fatalf("delivered %d of %d: %+v", r.Stats().LinesDelivered, n, r.Stats())
			}
			time.Sleep(20 * time.Millisecond)
		}
		b.StopTimer()
		if c := r.Stats().Connections; c != n {
			b.Fatalf("connections = %d, want %d", c, n)
		}
		after := heapInUse()
		b.ReportMetric(float64(after-before)/n/1024, "KiB/conn")
		b.ReportMetric(float64(runtime.NumGoroutine()-g0)/n, "goroutines/conn")
		stopNow(r)
		b.StartTimer()
	}
}

func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse)
}

func waitCount(b *testing.B, o *ircdtest.Observer, n int) {
	b.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		c := 0
		for _, m := range o.Messages() {
			if m.Command == "PRIVMSG" {
				c++
			}
		}
		if c >= n {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("observer got %d of %d lines", c, n)
		}
		time.Sleep(time.Millisecond)
	}
}
