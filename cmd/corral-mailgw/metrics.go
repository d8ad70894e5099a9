package main

import (
	"context"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/metrics"
	"github.com/corral-tracker/corral/mailgw"
)

// instrumented counts messages by source and outcome and times them
// (corral_mailgw_messages_total, corral_mailgw_handle_seconds); it passes
// RecipientChecker through for the listeners.
type instrumented struct {
	gw       *mailgw.Gateway
	messages *metrics.CounterVec
	duration *metrics.Histogram
}

func instrument(gw *mailgw.Gateway, reg *metrics.Registry) *instrumented {
	return &instrumented{
		gw: gw,
		messages: reg.CounterVec("corral_mailgw_messages_total",
			"Incoming messages by source and outcome (accepted, bounced, duplicate, refused, deferred).", "source", "outcome"),
		duration: reg.Histogram("corral_mailgw_handle_seconds", "Time to handle one incoming message.", nil),
	}
}

// Handle implements mailgw.Handler.
func (i *instrumented) Handle(ctx context.Context, env mailgw.Envelope, raw []byte) mailgw.Outcome {
	start := time.Now()
	out := i.gw.Handle(ctx, env, raw)
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
	return i.gw.CheckRecipient(ctx, rcpt)
}
