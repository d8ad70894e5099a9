package jobs

import (
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// history is what roundup-summary's get_issue_attrs reads from an
// issue's journal: its status changes (the journal keeps the old value
// of each) and the messages it got in the period.
type history struct {
	item    *tracker.Item
	changes []statusChange
	// msgs is the number of messages added in the period, less those
	// removed; an issue created in the period counts its first ones.
	msgs int
}

// statusChange is one change of an issue's status.
type statusChange struct {
	at       time.Time
	from, to string
	user     string
}

// newHistory reads the journal (oldest first) for the period
// [start, end).
func newHistory(it *tracker.Item, journal []tracker.JournalEntry, start, end time.Time) *history {
	in := func(t time.Time) bool { return !t.Before(start) && t.Before(end) }
	h := &history{item: it}
	added, removed := 0, 0
	for _, e := range journal {
		if e.Action != tracker.ActSet {
			continue
		}
		if old, ok := e.Params.Old["status"]; ok {
			from, _ := old.(string)
			h.changes = append(h.changes, statusChange{at: e.Date, from: from, user: e.User})
		}
		a, r := len(e.Params.Added["messages"]), len(e.Params.Removed["messages"])
		added, removed = added+a, removed+r
		if in(e.Date) {
			h.msgs += a - r
		}
	}
	for i := range h.changes {
		if i+1 < len(h.changes) {
			h.changes[i].to = h.changes[i+1].from
		} else {
			h.changes[i].to = it.Str("status")
		}
	}
	if in(it.Creation) {
		// The messages it was created with: today's, less those added
		// since, plus those removed since.
		if first := len(it.IDs("messages")) - added + removed; first > 0 {
			h.msgs += first
		}
	}
	return h
}

// statusAt returns the status in effect at t: the old value of the
// first change at or after t, or today's when none came since.
func (h *history) statusAt(t time.Time) string {
	for _, c := range h.changes {
		if !c.at.Before(t) {
			return c.from
		}
	}
	return h.item.Str("status")
}

// lastChange returns the last change before the period's end that
// closed the issue (closing) or reopened it (!closing), or nil.
func (h *history) lastChange(b *builder, closing bool) *statusChange {
	for i := len(h.changes) - 1; i >= 0; i-- {
		c := &h.changes[i]
		if !c.at.Before(b.end) {
			continue
		}
		if from, to := b.isResolved(c.from), b.isResolved(c.to); from != closing && to == closing {
			return c
		}
	}
	return nil
}
