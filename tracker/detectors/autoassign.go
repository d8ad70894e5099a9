package detectors

import (
	"fmt"

	"github.com/corral-tracker/corral/tracker"
)

// installAutoAssign is `autoassign`, bpo's detectors/autoassign.py: an
// auditor on issue create and set. When the change sets the components,
// does not set the assignee itself (not even to nobody), and the issue
// has no assignee yet, the issue is assigned to the assign_to user of
// its first component (in id order) that has one.
//
// Needs: issue.components (Multilink component), component.assign_to
// (Link user) and issue.assignee (Link user).
func installAutoAssign(s *tracker.Service) (func(), error) {
	n := newNeeds("autoassign", s)
	n.link("issue", "components", tracker.Multilink, "component")
	n.link("component", "assign_to", tracker.Link, "user")
	n.link("issue", "assignee", tracker.Link, "user")
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() {
		s.Audit("issue", "create", "autoassign", prioDefault, autoAssign)
		s.Audit("issue", "set", "autoassign", prioDefault, autoAssign)
	}, nil
}

// autoAssign is autoassign.py's autoassign.
func autoAssign(tx *tracker.Tx, ch *tracker.Change) error {
	components, ok := newIDs(ch, "components")
	if !ok {
		return nil
	}
	if _, explicit := ch.New["assignee"]; explicit || oldStr(ch, "assignee") != "" {
		return nil
	}
	for _, id := range components {
		c, err := tx.Get("component", id)
		if err != nil {
			return fmt.Errorf("reading component %s: %w", id, err)
		}
		if user := c.Str("assign_to"); user != "" {
			ch.New["assignee"] = user
			return nil
		}
	}
	return nil
}
