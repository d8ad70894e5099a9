package detectors

import (
	"github.com/corral-tracker/corral/tracker"
)

// installPriorityAuditor is `priorityauditor`, bpo's
// detectors/priorityauditor.py (init_priority): an auditor on issue
// create giving an issue created without a priority the priority
// "normal" — when the tracker has one (bpo failed without it).
//
// Needs: issue.priority (Link to a keyed priority class).
func installPriorityAuditor(s *tracker.Service) (func(), error) {
	n := newNeeds("priorityauditor", s)
	n.link("issue", "priority", tracker.Link, "priority")
	n.keyed("priority")
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() { s.Audit("issue", "create", "priorityauditor", prioDefault, initPriority) }, nil
}

// initPriority is priorityauditor.py's init_priority.
func initPriority(tx *tracker.Tx, ch *tracker.Change) error {
	return setDefault(tx, ch, "priority", "normal")
}
