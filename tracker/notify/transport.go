package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Transport delivers one rendered message (LF line ends) to envelope
// recipients from an envelope sender.
type Transport interface {
	Send(ctx context.Context, from string, to []string, msg []byte) error
	Close() error
}

// SendError is a delivery failure, temporary (retry later: SMTP 4xx,
// network trouble) or permanent (SMTP 5xx: never retried, recorded).
type SendError struct {
	Temporary bool
	// Rejected lists recipients refused permanently while others were
	// accepted (the mail went to the rest).
	Rejected []string
	Err      error
}

func (e *SendError) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	if len(e.Rejected) > 0 {
		return fmt.Sprintf("%s delivery failure for %s: %v", kind, strings.Join(e.Rejected, ", "), e.Err)
	}
	return fmt.Sprintf("%s delivery failure: %v", kind, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// IsTemporary reports whether err is worth retrying: a temporary
// SendError, or any error that is not a permanent SendError.
func IsTemporary(err error) bool {
	var se *SendError
	if errors.As(err, &se) {
		return se.Temporary
	}
	return err != nil
}
