package main

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/metrics"
	"github.com/corral-tracker/corral/mailgw"
)

// instrumented counts messages by source and outcome and times them
// (corral_mailgw_messages_total, corral_mailgw_handle_seconds); it passes
// RecipientChecker through for the listeners. The gateway can be swapped
// (SIGHUP re-reads config.ini).
type instrumented struct {
	gw       atomic.Pointer[mailgw.Gateway]
	messages *metrics.CounterVec
	duration *metrics.Histogram
}

func instrument(gw *mailgw.Gateway, reg *metrics.Registry) *instrumented {
	i := &instrumented{
		messages: reg.CounterVec("corral_mailgw_messages_total",
			"Incoming messages by source and outcome (accepted, bounced, duplicate, refused, deferred).", "source", "outcome"),
		duration: reg.Histogram("corral_mailgw_handle_seconds", "Time to handle one incoming message.", nil),
	}
	i.gw.Store(gw)
	return i
}

// Handle implements mailgw.Handler.
func (i *instrumented) Handle(ctx context.Context, env mailgw.Envelope, raw []byte) mailgw.Outcome {
	start := time.Now()
	out := i.gw.Load().Handle(ctx, env, raw)
	i.duration.ObserveDuration(time.Since(start))
	outcome := out.Status.String()
	switch {
	case out.Duplicate:
		outcome = "duplicate"
	case out.Bounced:
		outcome = "bounced"
	}
	i.messages.With(env.Source, outcome).Inc()
	return out
}

// CheckRecipient implements mailgw.RecipientChecker.
func (i *instrumented) CheckRecipient(ctx context.Context, rcpt string) error {
	return i.gw.Load().CheckRecipient(ctx, rcpt)
}
