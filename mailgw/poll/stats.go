package poll

import "sync/atomic"

// Stats is a snapshot of a poller's counters, for /metrics. Counters only
// grow; Connected is the current state.
type Stats struct {
	// Received counts messages handed to the handler (a message tried
	// again after a deferral counts again).
	Received uint64
	// Accepted, Refused and Deferred count the handler's outcomes;
	// Duplicates counts the accepted ones the gateway had already seen
	// (a re-sync or a retry after a crash).
	Accepted, Refused, Deferred, Duplicates uint64
	// Disposed counts messages marked \Seen, moved, deleted (IMAP) or
	// deleted (POP3) after the tracker committed them; DisposeFailures
	// counts disposals that failed (the message comes round again).
	Disposed, DisposeFailures uint64
	// Connections counts sessions that logged in; ConnectFailures counts
	// attempts that did not.
	Connections, ConnectFailures uint64
	// Connected is true while a session is logged in.
	Connected bool
}

// counters holds the atomically updated values behind Stats.
type counters struct {
	received, accepted, refused, deferred, duplicates atomic.Uint64
	disposed, disposeFailures                         atomic.Uint64
	connections, connectFailures                      atomic.Uint64
	connected                                         atomic.Bool
}

func (c *counters) snapshot() Stats {
	return Stats{
		Received:        c.received.Load(),
		Accepted:        c.accepted.Load(),
		Refused:         c.refused.Load(),
		Deferred:        c.deferred.Load(),
		Duplicates:      c.duplicates.Load(),
		Disposed:        c.disposed.Load(),
		DisposeFailures: c.disposeFailures.Load(),
		Connections:     c.connections.Load(),
		ConnectFailures: c.connectFailures.Load(),
		Connected:       c.connected.Load(),
	}
}
