// Package announce delivers the tracker's IRC announcements: the irker
// reactor (tracker/detectors, bpo's detectors/irker.py) queues one outbox
// event per announcement inside the transaction that made the change;
// a tracker.Consumer here claims them after commit and hands each line to
// a Sender — irkerd over its JSON protocol (bpo's way, [irker] mode =
// relay), or an in-process relay (mode = direct, ircgw). Nothing is
// announced before it is committed, and nothing is lost while irkerd is
// down: the event is retried with backoff, in order per issue.
package announce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/detectors"
)

// Sender delivers one line to IRC targets (irc:// URLs).
// ircgw's *Relay satisfies it for the in-process mode.
type Sender interface {
	Send(ctx context.Context, targets []string, text string) error
}

// Irkerd sends irker requests to an irkerd at Addr: one JSON object
// {"to": [...], "privmsg": "..."} and a newline per announcement, on a
// new TCP connection each time, as bpo's detector did (specs/irkerd.md
// §1, §14).
type Irkerd struct {
	Addr    string
	Timeout time.Duration
}

type irkerRequest struct {
	To      []string `json:"to"`
	Privmsg string   `json:"privmsg"`
}

// Send writes the request; any failure is temporary (irkerd may be
// restarting).
func (i *Irkerd) Send(ctx context.Context, targets []string, text string) error {
	timeout := i.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", i.Addr)
	if err != nil {
		return fmt.Errorf("connecting to irkerd at %s: %w", i.Addr, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(timeout))
	b, err := json.Marshal(irkerRequest{To: targets, Privmsg: text})
	if err != nil {
		return &Permanent{err}
	}
	if _, err := conn.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("writing to irkerd at %s: %w", i.Addr, err)
	}
	return nil
}

// Permanent marks an error not worth retrying (a malformed event).
type Permanent struct{ Err error }

func (p *Permanent) Error() string { return p.Err.Error() }
func (p *Permanent) Unwrap() error { return p.Err }

// IsTemporary: everything but Permanent is retried.
func IsTemporary(err error) bool {
	var p *Permanent
	return !errors.As(err, &p)
}

// NewWorker returns the consumer of tracker.EventIrker events (payload
// detectors.IrkerAnnouncement) sending through s.
func NewWorker(svc *tracker.Service, s Sender, name string, log *slog.Logger) *tracker.Consumer {
	handle := func(ctx context.Context, ev *tracker.OutboxEvent) error {
		var a detectors.IrkerAnnouncement
		if err := json.Unmarshal(ev.Payload, &a); err != nil {
			return &Permanent{fmt.Errorf("bad irker event: %w", err)}
		}
		if len(a.Channels) == 0 || a.Message == "" {
			return nil
		}
		return s.Send(ctx, a.Channels, a.Message)
	}
	return tracker.NewConsumer(svc, name, []string{tracker.EventIrker}, handle, IsTemporary, log)
}
