package ircgw

import "sync/atomic"

// Stats is a snapshot of the relay's counters, for /metrics. Counters only
// grow; Connections, QueueDepth and Clients are current values.
type Stats struct {
	// RequestsReceived counts irker requests read from TCP, UDP or
	// Send, valid or not.
	RequestsReceived uint64
	// RequestsRejected counts requests dropped whole (bad JSON, bad
	// UTF-8, missing keys, wrong types).
	RequestsRejected uint64
	// TargetsRejected counts target URLs skipped inside otherwise valid
	// requests.
	TargetsRejected uint64
	// LinesQueued counts message lines accepted for delivery (not the
	// JOIN-only requests of an empty privmsg).
	LinesQueued uint64
	// LinesDelivered counts PRIVMSGs the server accepted (confirmed by
	// the PING that followed them, unless NoConfirm).
	LinesDelivered uint64
	// Dropped counts queued lines given up, by reason.
	DroppedQueueFull, DroppedExpired, DroppedShutdown, DroppedNoConnection uint64
	// JoinFailures counts JOINs the server refused (471/473/474/475/477
	// and friends); the channel is parked and retried.
	JoinFailures uint64
	// Kicks counts KICKs of the relay from a channel.
	Kicks uint64
	// Reconnects counts connection attempts after the first.
	Reconnects uint64
	// Connections is the number of IRC connections (connected or
	// reconnecting).
	Connections int
	// QueueDepth is the number of lines waiting, over all connections.
	QueueDepth int
	// Clients is the number of connected TCP submitters.
	Clients int
}

// counters holds the atomically updated counters behind Stats.
type counters struct {
	received, rejected, targetsRejected                  atomic.Uint64
	queued, delivered                                    atomic.Uint64
	dropQueueFull, dropExpired, dropShutdown, dropNoConn atomic.Uint64
	joinFailures, kicks, reconnects                      atomic.Uint64
	clients                                              atomic.Int64
}

// Stats returns the current counters.
func (r *Relay) Stats() Stats {
	s := Stats{
		RequestsReceived:    r.stats.received.Load(),
		RequestsRejected:    r.stats.rejected.Load(),
		TargetsRejected:     r.stats.targetsRejected.Load(),
		LinesQueued:         r.stats.queued.Load(),
		LinesDelivered:      r.stats.delivered.Load(),
		DroppedQueueFull:    r.stats.dropQueueFull.Load(),
		DroppedExpired:      r.stats.dropExpired.Load(),
		DroppedShutdown:     r.stats.dropShutdown.Load(),
		DroppedNoConnection: r.stats.dropNoConn.Load(),
		JoinFailures:        r.stats.joinFailures.Load(),
		Kicks:               r.stats.kicks.Load(),
		Reconnects:          r.stats.reconnects.Load(),
		Clients:             int(r.stats.clients.Load()),
	}
	r.mu.Lock()
	s.Connections = r.nconns
	for _, srv := range r.servers {
		for _, c := range srv.conns {
			c.mu.Lock()
			s.QueueDepth += c.queued
			c.mu.Unlock()
		}
	}
	r.mu.Unlock()
	return s
}
