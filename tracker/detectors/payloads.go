package detectors

import (
	"encoding/json"
	"fmt"

	"github.com/corral-tracker/corral/tracker"
)

// The outbox payloads the reactors of this package enqueue. Every event's
// Key is the designator ("issue42"), so the outbox delivers the
// events of one issue in order.
//
//   - tracker.EventNosy (nosyreaction): the JSON of a tracker.ChangeEvent
//     built by tracker.NewChangeEvent for the change; its Messages are
//     the msg ids to mail (none = a change note alone, Roundup's "system
//     message"). One event per change; the nosy mailer picks the
//     recipients and builds the mail (roundupdb.py nosymessage).
//   - tracker.EventIrker (irker): IrkerAnnouncement.
//   - tracker.EventCopy (busybody, tellteam): MailCopy.

// IrkerAnnouncement is the payload of a tracker.EventIrker event: one
// line for IRC, in bpo's detectors/irker.py format, and the channel URLs
// to send it to. The announcer turns it into irker's JSON
// {"to": Channels, "privmsg": Message} (specs/irkerd.md §1, §14).
type IrkerAnnouncement struct {
	// Channels are irc:// or ircs:// URLs ([irker] channels).
	Channels []string `json:"channels"`
	// Message is the line, mIRC colour codes included.
	Message string `json:"message"`
}

// MailCopy is the payload of the tracker.EventCopy events that busybody
// and tellteam enqueue: "send the notification of this change to these
// fixed addresses", as bpo's busybody.py and tellteam.py called
// IssueClass.send_message(nodeid, msgid, note, sendto). One event is one
// mail. The mailer builds it like a nosy notification of Event: the
// message Msg (none: a "system message" carrying only the note) followed
// by the create note (Event.Action "create") or the change note.
// Consumers of tracker.EventCopy tell these events from other mail by a
// non-empty Detector.
type MailCopy struct {
	// Detector is "busybody" or "tellteam".
	Detector string `json:"detector"`
	// To are the addresses from detectors/config.ini ([main]
	// busybody_email or triage_email).
	To []string `json:"to"`
	// Msg is the id of the msg this mail carries; "" for a change
	// without (a non-spam) new message.
	Msg string `json:"msg,omitempty"`
	// Event is the change, as tracker.NewChangeEvent describes it.
	Event *tracker.ChangeEvent `json:"event"`
}

// enqueueJSON encodes payload and adds it to the outbox.
func enqueueJSON(tx *tracker.Tx, kind, key string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("encoding %s event: %w", kind, err)
	}
	if err := tx.Enqueue(kind, key, b); err != nil {
		return fmt.Errorf("enqueueing %s event: %w", kind, err)
	}
	return nil
}

// designator returns "issue42" for the item a reactor sees.
func designator(ch *tracker.Change) string { return ch.Class.Name + ch.ID }
