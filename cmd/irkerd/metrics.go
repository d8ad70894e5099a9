package main

import (
	"fmt"
	"os"
	"sync"

	"github.com/corral-tracker/corral/cmd/internal/metrics"
	"github.com/corral-tracker/corral/ircgw"
)

// registerMetrics exposes the relay's counters (read at scrape time) on
// reg, for --metrics.
func registerMetrics(reg *metrics.Registry, r *ircgw.Relay) {
	metrics.RegisterProcess(reg)
	counter := func(name, help string, f func(ircgw.Stats) uint64, labels ...metrics.Label) {
		reg.CounterFunc(name, help, func() float64 { return float64(f(r.Stats())) }, labels...)
	}
	gauge := func(name, help string, f func(ircgw.Stats) int) {
		reg.GaugeFunc(name, help, func() float64 { return float64(f(r.Stats())) })
	}
	counter("irkerd_requests_received_total", "irker requests read from TCP, UDP or in-process, valid or not.",
		func(s ircgw.Stats) uint64 { return s.RequestsReceived })
	counter("irkerd_requests_rejected_total", "Requests dropped whole (bad JSON or UTF-8, missing or mistyped keys).",
		func(s ircgw.Stats) uint64 { return s.RequestsRejected })
	counter("irkerd_targets_rejected_total", "Target URLs skipped inside otherwise valid requests.",
		func(s ircgw.Stats) uint64 { return s.TargetsRejected })
	counter("irkerd_lines_queued_total", "Message lines accepted for delivery.",
		func(s ircgw.Stats) uint64 { return s.LinesQueued })
	counter("irkerd_lines_delivered_total", "PRIVMSG lines the IRC server accepted.",
		func(s ircgw.Stats) uint64 { return s.LinesDelivered })
	const dropped = "Queued lines given up, by reason."
	counter("irkerd_lines_dropped_total", dropped, func(s ircgw.Stats) uint64 { return s.DroppedQueueFull }, metrics.L("reason", "queue_full"))
	counter("irkerd_lines_dropped_total", dropped, func(s ircgw.Stats) uint64 { return s.DroppedExpired }, metrics.L("reason", "expired"))
	counter("irkerd_lines_dropped_total", dropped, func(s ircgw.Stats) uint64 { return s.DroppedShutdown }, metrics.L("reason", "shutdown"))
	counter("irkerd_lines_dropped_total", dropped, func(s ircgw.Stats) uint64 { return s.DroppedNoConnection }, metrics.L("reason", "no_connection"))
	counter("irkerd_join_failures_total", "JOINs refused by the server (channel parked and retried).",
		func(s ircgw.Stats) uint64 { return s.JoinFailures })
	counter("irkerd_kicks_total", "KICKs of the relay from a channel.",
		func(s ircgw.Stats) uint64 { return s.Kicks })
	counter("irkerd_reconnects_total", "IRC connection attempts after the first.",
		func(s ircgw.Stats) uint64 { return s.Reconnects })
	gauge("irkerd_connections", "IRC connections, connected or reconnecting.",
		func(s ircgw.Stats) int { return s.Connections })
	gauge("irkerd_queue_depth", "Lines waiting to be delivered.",
		func(s ircgw.Stats) int { return s.QueueDepth })
	gauge("irkerd_clients", "Connected TCP submitters.",
		func(s ircgw.Stats) int { return s.Clients })
}

// reopener is the -l traffic log: an append-only file that SIGHUP
// reopens, so that logrotate can move it away.
type reopener struct {
	path string
	mu   sync.Mutex
	f    *os.File
}

func openTraffic(path string) (*reopener, error) {
	r := &reopener{path: path}
	if path == "" {
		return r, nil
	}
	return r, r.Reopen()
}

// Reopen closes the file and opens path again.
func (r *reopener) Reopen() error {
	if r.path == "" {
		return nil
	}
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("opening traffic log: %w", err)
	}
	r.mu.Lock()
	old := r.f
	r.f = f
	r.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

func (r *reopener) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return len(p), nil
	}
	return r.f.Write(p)
}

// Close closes the file.
func (r *reopener) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	return r.f.Close()
}
