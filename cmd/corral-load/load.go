package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// loadOptions describe one run.
type loadOptions struct {
	URLs     []string
	Clients  int
	Duration time.Duration
	// Warmup runs the clients this long before measuring.
	Warmup time.Duration
	// Header is added to every request (e.g. Authorization, Cookie).
	Header http.Header
	// Status is the answer that counts as a success (default 200).
	Status int
}

// result is what a run measured.
type result struct {
	Requests int
	Errors   int
	// FirstError describes one failure, for the report.
	FirstError string
	Bytes      int64
	Elapsed    time.Duration
	Latencies  []time.Duration // sorted
	// units names what was counted, for String (zero: HTTP requests).
	units units
}

// units are the words of a report: what one operation is, its rate, and
// what happened to the bytes.
type units struct{ noun, rate, bytes string }

var (
	httpUnits = units{"requests", "req/s", "read"}
	mailUnits = units{"messages", "msgs/s", "sent"}
)

// RPS is successful and failed requests per second.
func (r *result) RPS() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// Quantile returns the q-quantile latency (nearest rank).
func (r *result) Quantile(q float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(q*float64(len(r.Latencies))+0.5) - 1
	return r.Latencies[min(max(i, 0), len(r.Latencies)-1)]
}

// String is the one-line report.
func (r *result) String() string {
	u := r.units
	if u == (units{}) {
		u = httpUnits
	}
	s := fmt.Sprintf("%d %s in %.1fs: %.0f %s, latency p50 %s p90 %s p99 %s max %s, %d errors, %.1f MiB %s",
		r.Requests, u.noun, r.Elapsed.Seconds(), r.RPS(), u.rate, ms(r.Quantile(.5)), ms(r.Quantile(.9)), ms(r.Quantile(.99)),
		ms(r.Quantile(1)), r.Errors, float64(r.Bytes)/(1<<20), u.bytes)
	if r.FirstError != "" {
		s += " (first: " + r.FirstError + ")"
	}
	return s
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) + "ms" }

// run drives Clients concurrent keep-alive clients, each requesting the
// URLs in turn (client i starts at URL i), for Warmup and then Duration.
func load(ctx context.Context, o loadOptions) (*result, error) {
	if len(o.URLs) == 0 || o.Clients <= 0 || o.Duration <= 0 {
		return nil, errors.New("need URLs, clients > 0 and a duration")
	}
	if o.Status == 0 {
		o.Status = http.StatusOK
	}
	tr := &http.Transport{MaxIdleConns: o.Clients, MaxIdleConnsPerHost: o.Clients, DisableCompression: true,
		IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	httpClient := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	buf := make([][]byte, o.Clients)
	for i := range buf {
		buf[i] = make([]byte, 32<<10)
	}

	return drive(ctx, o.Clients, o.Warmup, o.Duration, func(ctx context.Context, client, n int) (string, int64, error) {
		u := o.URLs[(client+n)%len(o.URLs)]
		nb, err := fetch(ctx, httpClient, u, o.Header, o.Status, buf[client])
		return u, nb, err
	}), ctx.Err()
}

// drive runs clients goroutines, each calling do(ctx, client, n) for its
// n-th operation in a loop: for warmup (not counted), then for duration
// (each call's latency, bytes and error counted). label names the
// operation in the first error of the report.
func drive(ctx context.Context, clients int, warmup, duration time.Duration,
	do func(ctx context.Context, client, n int) (label string, bytes int64, err error)) *result {
	var measuring sync.WaitGroup
	type clientResult struct {
		lat        []time.Duration
		errs       int
		firstError string
		bytes      int64
	}
	results := make([]clientResult, clients)
	startAt := time.Now().Add(warmup)
	stopAt := startAt.Add(duration)
	for i := range clients {
		measuring.Add(1)
		go func() {
			defer measuring.Done()
			res := &results[i]
			for n := 0; ; n++ {
				if ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				if !t0.Before(stopAt) {
					return
				}
				label, nb, err := do(ctx, i, n)
				t1 := time.Now()
				if t0.Before(startAt) {
					continue
				}
				res.bytes += nb
				res.lat = append(res.lat, t1.Sub(t0))
				if err != nil {
					res.errs++
					if res.firstError == "" {
						res.firstError = label + ": " + err.Error()
					}
				}
			}
		}()
	}
	measuring.Wait()
	r := &result{Elapsed: duration}
	for _, c := range results {
		r.Latencies = append(r.Latencies, c.lat...)
		r.Errors += c.errs
		r.Bytes += c.bytes
		if r.FirstError == "" {
			r.FirstError = c.firstError
		}
	}
	r.Requests = len(r.Latencies)
	slices.Sort(r.Latencies)
	return r
}

// fetch makes one request and reads the whole body (so that the
// connection is reused).
func fetch(ctx context.Context, c *http.Client, u string, h http.Header, want int, buf []byte) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	n, err := io.CopyBuffer(io.Discard, resp.Body, buf)
	resp.Body.Close()
	if err != nil {
		return n, err
	}
	if resp.StatusCode != want {
		return n, fmt.Errorf("status %d", resp.StatusCode)
	}
	return n, nil
}

// peakRSS reads a process's peak resident set size (VmHWM) from
// /proc/PID/status, in bytes.
func peakRSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v)
			if len(f) == 2 && f[1] == "kB" {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb << 10, err
			}
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no VmHWM", pid)
}
