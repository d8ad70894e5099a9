package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// RawMail is the payload of a tracker.EventMail outbox event: a mail
// rendered when it was queued (bounce, registration, password reset),
// delivered as it is.
type RawMail struct {
	From string   `json:"from"`
	To   []string `json:"to"`
	Data []byte   `json:"data"`
}

// Queue adds a rendered mail to the outbox inside tx: it is delivered
// only if tx commits (a registration mail for a rolled-back sign-up never
// leaves). key orders it among other events (e.g. the sender's address).
func Queue(tx *tracker.Tx, key string, mail RawMail) error {
	b, err := json.Marshal(mail)
	if err != nil {
		return err
	}
	return tx.Enqueue(tracker.EventMail, key, b)
}

// Simple builds Roundup's Mailer.standard_message: a text mail from
// "TRACKER NAME <admin_email>" with the standard headers. Account mail
// (registration, password reset) uses a 7bit/8bit body so links can be
// copied from the `[mail] debug` file (DESIGN.md §2.1).
func (m *Mailer) Simple(to []string, subject, body string) RawMail {
	return m.SimpleFrom(m.cfg.TrackerName, m.cfg.AdminEmail, to, subject, body)
}

// Bounce builds Roundup's bounce (Mailer.bounce_message): Subject
// "Failed issue tracker submission", from the tracker name and admin
// address to the sender, multipart/mixed with the error text and the
// original message as a text part. help, when not empty, is appended
// after two blank lines under "Mail Gateway Help" (usage errors).
func (m *Mailer) Bounce(to []string, errText, help string, original []byte) RawMail {
	msg := &Message{}
	msg.Set("From", Address(m.cfg.TrackerName, m.cfg.AdminEmail))
	msg.Set("To", strings.Join(to, ", "))
	msg.Set("Subject", "Failed issue tracker submission")
	m.standardHeaders(msg)
	id := m.newMessageID("bounce")
	msg.Set("Message-Id", id)
	text := "\n" + errText
	if help != "" {
		text += "\n\n\nMail Gateway Help\n=================\n" + help
	}
	msg.setMultipart(text, false, []Attachment{{Name: "original message", Type: "text/plain", Data: original}}, boundaryFor(id))
	return RawMail{From: m.cfg.AdminEmail, To: to, Data: msg.Bytes()}
}

// ErrorMessagesTo picks bounce recipients per [main] error_messages_to:
// "user" the sender, "dispatcher" [main] dispatcher_email, "both" both.
func ErrorMessagesTo(mode, sender, dispatcher string) []string {
	switch mode {
	case "dispatcher":
		return []string{dispatcher}
	case "both":
		if dispatcher != "" && dispatcher != sender {
			return []string{sender, dispatcher}
		}
	}
	return []string{sender}
}

// Copy mails a busybody/tellteam copy of a change (bpo's busybody.py,
// tellteam.py: send_message(nodeid, msgid, note, sendto)) to fixed
// addresses; nothing is recorded on the message.
func (m *Mailer) Copy(ctx context.Context, to []string, msgID string, ev *tracker.ChangeEvent) error {
	var r *rendered
	err := m.svc.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		r, err = m.render(tx, ev, msgID)
		return err
	})
	if err != nil {
		return fmt.Errorf("rendering copy of %s%s: %w", ev.Class, ev.ItemID, err)
	}
	batch := make([]recipient, len(to))
	for i, a := range to {
		batch[i] = recipient{address: a, reason: "busybody"}
	}
	msg := m.compose(ev, r, batch)
	msg.Set("X-Corral-Reason", "busybody")
	return m.send(ctx, to, msg)
}
