package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/detectors"
)

// Kinds are the outbox event kinds the Worker delivers.
var Kinds = []string{tracker.EventNosy, tracker.EventCopy, tracker.EventMail}

// NewWorker returns the outbox consumer that delivers mail events
// (nosy notifications, busybody/tellteam copies, account mail and
// bounces) through m: see tracker.Consumer for claiming, ordering,
// retries and parking. name shows in the outbox.
func NewWorker(m *Mailer, name string) *tracker.Consumer {
	w := &worker{m: m}
	return tracker.NewConsumer(m.svc, name, Kinds, w.deliver, IsTemporary, m.log)
}

type worker struct{ m *Mailer }

func (w *worker) deliver(ctx context.Context, ev *tracker.OutboxEvent) error {
	switch ev.Kind {
	case tracker.EventNosy:
		var ce tracker.ChangeEvent
		if err := json.Unmarshal(ev.Payload, &ce); err != nil {
			return &SendError{Err: fmt.Errorf("bad nosy event: %w", err)}
		}
		return w.m.Nosy(ctx, &ce)
	case tracker.EventCopy:
		var mc detectors.MailCopy
		if err := json.Unmarshal(ev.Payload, &mc); err != nil || mc.Event == nil {
			return &SendError{Err: fmt.Errorf("bad copy event: %v", err)}
		}
		return w.m.Copy(ctx, mc.To, mc.Msg, mc.Event)
	case tracker.EventMail:
		var rm RawMail
		if err := json.Unmarshal(ev.Payload, &rm); err != nil {
			return &SendError{Err: fmt.Errorf("bad mail event: %w", err)}
		}
		return w.m.sendRaw(ctx, rm)
	}
	return &SendError{Err: errors.New("unknown event kind " + ev.Kind)}
}
