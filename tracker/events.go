package tracker

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// Outbox event kinds produced by the built-in reactors.
const (
	// EventNosy asks the nosy mailer (tracker/notify) to mail a new
	// message and/or change note to an item's nosy list.
	EventNosy = "nosy"
	// EventIrker asks the IRC announcer to send a line (bpo's irker.py).
	EventIrker = "irker"
	// EventMail is a ready-made mail (bounce, registration, reset).
	EventMail = "mail"
	// EventCopy asks the mailer for a copy of a new-issue or change
	// notification to fixed addresses (bpo's busybody and tellteam).
	EventCopy = "copy"
)

// ChangeEvent describes one committed change of an item for the outbox
// consumers: what Roundup's reactors receive as (db, cl, nodeid,
// oldvalues), captured at commit time so a later change cannot alter the
// notification.
type ChangeEvent struct {
	Class  string    `json:"class"`
	ItemID string    `json:"id"`
	Action string    `json:"action"` // "create" or "set"
	Actor  string    `json:"actor"`
	Date   time.Time `json:"date"`
	// Messages are the msg ids this change added (each is notified).
	Messages []string `json:"messages,omitempty"`
	// Changed lists the changed properties (set) in name order; Old and
	// New hold their values before and after (Multilinks as id lists).
	Changed []string `json:"changed,omitempty"`
	Old     Values   `json:"-"`
	New     Values   `json:"-"`
	// Extra carries consumer-specific data (e.g. the IRC line).
	Extra map[string]string `json:"extra,omitempty"`
}

func encodeValues(v Values) [][3]any {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out [][3]any
	for _, k := range keys {
		tag, x := encodeTagged(v[k])
		out = append(out, [3]any{k, tag, x})
	}
	return out
}

func decodeValues(l [][3]any) (Values, error) {
	if len(l) == 0 {
		return nil, nil
	}
	v := Values{}
	for _, t := range l {
		name, _ := t[0].(string)
		tag, _ := t[1].(string)
		x, err := decodeTagged(tag, t[2])
		if err != nil {
			return nil, err
		}
		v[name] = x
	}
	return v, nil
}

// MarshalJSON keeps typed Old/New values.
func (e ChangeEvent) MarshalJSON() ([]byte, error) {
	type plain ChangeEvent
	return json.Marshal(struct {
		plain
		Old [][3]any `json:"old,omitempty"`
		New [][3]any `json:"new,omitempty"`
	}{plain(e), encodeValues(e.Old), encodeValues(e.New)})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (e *ChangeEvent) UnmarshalJSON(b []byte) error {
	type plain ChangeEvent
	var j struct {
		plain
		Old [][3]any `json:"old,omitempty"`
		New [][3]any `json:"new,omitempty"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("decoding change event: %w", err)
	}
	*e = ChangeEvent(j.plain)
	var err error
	if e.Old, err = decodeValues(j.Old); err != nil {
		return err
	}
	e.New, err = decodeValues(j.New)
	return err
}

// NewChangeEvent builds the event for a hook's Change as seen by a
// reactor: on "set", Old holds the previous values of the changed
// properties; new messages are those added to "messages".
func NewChangeEvent(tx *Tx, ch *Change) *ChangeEvent {
	ev := &ChangeEvent{Class: ch.Class.Name, ItemID: ch.ID, Action: ch.Action, Actor: tx.UserID(),
		Date: tx.Service().Now(), New: Values{}}
	for k, v := range ch.New {
		if k == "content" {
			continue
		}
		ev.Changed = append(ev.Changed, k)
		ev.New[k] = v
	}
	sort.Strings(ev.Changed)
	if ch.Old != nil {
		ev.Old = Values{}
		for _, k := range ev.Changed {
			ev.Old[k] = ch.Old.Values[k]
		}
	}
	if ms, ok := ch.New["messages"].([]string); ok {
		var old []string
		if ch.Old != nil {
			old = ch.Old.IDs("messages")
		}
		ev.Messages, _ = delta(old, ms)
	}
	return ev
}
