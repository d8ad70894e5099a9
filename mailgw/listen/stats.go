package listen

import "sync/atomic"

// Stats is a snapshot of a Server's counters, for /metrics. Counters only
// grow; Open is the current number of connections.
type Stats struct {
	// Connections counts accepted connections; Open is how many are
	// open now.
	Connections uint64
	Open        int
	// Messages counts messages received completely and handed to the
	// handler; Accepted, Refused and Deferred count the outcomes, and
	// Duplicates the accepted ones the gateway had already seen (a
	// retried delivery).
	Messages, Accepted, Refused, Deferred, Duplicates uint64
	// RecipientsRejected counts 550s at RCPT, RecipientsDeferred 451s.
	RecipientsRejected, RecipientsDeferred uint64
	// RateLimited counts MAIL commands refused by the per-sender limit.
	RateLimited uint64
	// TooLarge counts messages over MaxMessageBytes.
	TooLarge uint64
	// AuthFailures counts failed AUTH attempts.
	AuthFailures uint64
}

type counters struct {
	connections                                       atomic.Uint64
	open                                              atomic.Int64
	messages, accepted, refused, deferred, duplicates atomic.Uint64
	rcptRejected, rcptDeferred                        atomic.Uint64
	rateLimited, tooLarge, authFailures               atomic.Uint64
}

// Stats returns the server's counters.
func (s *Server) Stats() Stats {
	c := &s.stats
	return Stats{
		Connections:        c.connections.Load(),
		Open:               int(c.open.Load()),
		Messages:           c.messages.Load(),
		Accepted:           c.accepted.Load(),
		Refused:            c.refused.Load(),
		Deferred:           c.deferred.Load(),
		Duplicates:         c.duplicates.Load(),
		RecipientsRejected: c.rcptRejected.Load(),
		RecipientsDeferred: c.rcptDeferred.Load(),
		RateLimited:        c.rateLimited.Load(),
		TooLarge:           c.tooLarge.Load(),
		AuthFailures:       c.authFailures.Load(),
	}
}
