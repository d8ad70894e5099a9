package tracker

import "context"

type traceKey struct{}

// WithTrace returns ctx carrying the id of the request that does the
// work (a web request id, a mail's Message-ID): outbox events queued by
// transactions begun with it record the id, and their delivery logs it,
// so a notification or IRC line can be traced to its cause.
func WithTrace(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, traceKey{}, id)
}

// TraceFrom returns the id WithTrace stored ("" when none).
func TraceFrom(ctx context.Context) string {
	id, _ := ctx.Value(traceKey{}).(string)
	return id
}
