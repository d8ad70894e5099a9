package detectors

import (
	"github.com/corral-tracker/corral/tracker"
)

// installReopenPending is `reopenpending`, bpo's detectors/reopenpending.py
// (reopen_pending): an auditor on issue set. Any change of an issue
// whose status is "pending" ("user feedback required") that does not set
// the status itself sets it to "open": the feedback has arrived. Nothing
// happens when the tracker has no "pending" or "open" status.
//
// Roundup hands auditors the values the caller gave, so bpo kept an issue
// pending when a change said status=pending again; tracker.Tx.Set drops
// unchanged values before auditors run, so here such a change reopens.
//
// Needs: issue.status (Link to a keyed status class).
func installReopenPending(s *tracker.Service) (func(), error) {
	n := newNeeds("reopenpending", s)
	n.link("issue", "status", tracker.Link, "status")
	n.keyed("status")
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() { s.Audit("issue", "set", "reopenpending", prioDefault, reopenPending) }, nil
}

// reopenPending is reopenpending.py's reopen_pending.
func reopenPending(tx *tracker.Tx, ch *tracker.Change) error {
	if _, explicit := ch.New["status"]; explicit {
		return nil
	}
	pending, err := lookup(tx, "status", "pending")
	if err != nil || pending == "" || oldStr(ch, "status") != pending {
		return err
	}
	open, err := lookup(tx, "status", "open")
	if err != nil || open == "" {
		return err
	}
	ch.New["status"] = open
	return nil
}
