package detectors

import (
	"github.com/corral-tracker/corral/tracker"
)

// installClassicStatusAuditor is `classic_statusauditor`, Roundup 2.6's
// classic detectors/statusauditor.py:
//
//   - presetunread, auditor on issue create: an issue created without a
//     status gets "unread" (when the tracker has it);
//   - chatty, auditor on issue set: when the change adds a message and
//     does not set the status itself, an issue whose status is "unread",
//     "resolved", "done-cbb" or unset becomes "chatting" (when the
//     tracker has it). With detectors/config.ini [statusauditor]
//     chatting_requires_two_users = yes, an "unread" issue stays unread
//     while its creator is the one adding messages.
//
// Roundup's chatty fires on any change of messages, removals included;
// here only an added message counts ("a message arrives").
//
// Needs: issue.status (Link to a keyed status class) and issue.messages.
func installClassicStatusAuditor(s *tracker.Service) (func(), error) {
	n := newNeeds("classic_statusauditor", s)
	n.link("issue", "status", tracker.Link, "status")
	n.keyed("status")
	n.prop("issue", "messages", tracker.Multilink)
	checkBool(n, s, "statusauditor", "chatting_requires_two_users")
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() {
		s.Audit("issue", "create", "classic_statusauditor", prioDefault, presetUnread)
		s.Audit("issue", "set", "classic_statusauditor", prioDefault, chatty)
	}, nil
}

// presetUnread is statusauditor.py's presetunread.
func presetUnread(tx *tracker.Tx, ch *tracker.Change) error {
	return setDefault(tx, ch, "status", "unread")
}

// chatty is statusauditor.py's chatty.
func chatty(tx *tracker.Tx, ch *tracker.Change) error {
	if len(addedIDs(ch, "messages")) == 0 {
		return nil
	}
	if _, explicit := ch.New["status"]; explicit {
		return nil
	}
	chatting, err := lookup(tx, "status", "chatting")
	if err != nil || chatting == "" {
		return err
	}
	cur := oldStr(ch, "status")
	unread, err := lookup(tx, "status", "unread")
	if err != nil {
		return err
	}
	v, ok := detectorValue(tx.Service(), "statusauditor", "chatting_requires_two_users")
	if unread != "" && cur == unread && boolValue(v, ok, false) && ch.Old.Creator == tx.UserID() {
		// The reporter is still talking to themselves.
		return nil
	}
	from := cur == ""
	for _, name := range []string{"unread", "resolved", "done-cbb"} {
		id, err := lookup(tx, "status", name)
		if err != nil {
			return err
		}
		if id != "" && id == cur {
			from = true
		}
	}
	if from {
		ch.New["status"] = chatting
	}
	return nil
}
