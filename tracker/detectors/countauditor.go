package detectors

import (
	"github.com/corral-tracker/corral/tracker"
)

// installCountAuditor is `countauditor`, bpo's detectors/countauditor.py
// (count_nosy_msg): an auditor on issue create and set at priority 120,
// after the auditors that add users and messages, keeping
// issue.nosy_count and issue.message_count equal to the number of users
// on the nosy list and of messages. bpo set a count only when the change
// set the list, so an issue created without nosy list had no nosy_count;
// here a new issue always gets both counts (0 for an empty list).
//
// bpo hid the two counters from the history and the change notes (its
// templates and mailer filtered "_count" lines); declare them
// quiet=True in schema.py for the same effect.
//
// Needs: issue.nosy_count and issue.message_count (Number or Integer),
// issue.nosy and issue.messages.
func installCountAuditor(s *tracker.Service) (func(), error) {
	n := newNeeds("countauditor", s)
	nosyCount := n.prop("issue", "nosy_count", tracker.Number, tracker.Integer)
	msgCount := n.prop("issue", "message_count", tracker.Number, tracker.Integer)
	n.prop("issue", "nosy", tracker.Multilink)
	n.prop("issue", "messages", tracker.Multilink)
	if err := n.err(); err != nil {
		return nil, err
	}
	audit := func(tx *tracker.Tx, ch *tracker.Change) error {
		creating := ch.Old == nil
		if l, ok := newIDs(ch, "nosy"); ok || creating {
			ch.New["nosy_count"] = number(nosyCount, len(withIDs(l)))
		}
		if l, ok := newIDs(ch, "messages"); ok || creating {
			ch.New["message_count"] = number(msgCount, len(withIDs(l)))
		}
		return nil
	}
	return func() {
		s.Audit("issue", "create", "countauditor", prioCount, audit)
		s.Audit("issue", "set", "countauditor", prioCount, audit)
	}, nil
}
