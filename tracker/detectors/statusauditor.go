package detectors

import (
	"fmt"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// installStatusAuditor is `statusauditor`, bpo's detectors/statusauditor.py
// as registered there:
//
//   - init_status, auditor on issue create: an issue created without a
//     status gets "open" (when the tracker has that status; bpo failed
//     without one);
//   - block_resolution, auditor on issue set: a change that sets the
//     status to "closed" while a dependency (the dependencies
//     after the change) is not closed is refused with "This issue can't
//     be closed until issue 12 is closed." or "... until issues 12, 13
//     are closed." bpo wrote each id as an HTML link to the issue
//     (`<a href="WEBissue12">12</a>`); Corral's refusals are plain text
//     shown by web, mail and admin alike, so the ids are written bare.
//
// bpo's file also held resolve (resolution/superseder only when closing)
// and resolve_dependencies, which bpo did not register; neither is here.
//
// Needs: issue.status (Link to a keyed status class) and
// issue.dependencies (Multilink issue).
func installStatusAuditor(s *tracker.Service) (func(), error) {
	n := newNeeds("statusauditor", s)
	n.link("issue", "status", tracker.Link, "status")
	n.keyed("status")
	n.link("issue", "dependencies", tracker.Multilink, "issue")
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() {
		s.Audit("issue", "create", "statusauditor", prioDefault, initStatus)
		s.Audit("issue", "set", "statusauditor", prioDefault, blockResolution)
	}, nil
}

// initStatus is statusauditor.py's init_status.
func initStatus(tx *tracker.Tx, ch *tracker.Change) error {
	return setDefault(tx, ch, "status", "open")
}

// setDefault sets a Link property the change leaves empty to the item of
// the target class named name, when there is one (init_status,
// init_priority, init_severity, presetunread).
func setDefault(tx *tracker.Tx, ch *tracker.Change, prop, name string) error {
	if v, _ := ch.New[prop].(string); v != "" {
		return nil
	}
	id, err := lookup(tx, ch.Class.Prop(prop).Class, name)
	if err != nil || id == "" {
		return err
	}
	ch.New[prop] = id
	return nil
}

// blockResolution is statusauditor.py's block_resolution.
func blockResolution(tx *tracker.Tx, ch *tracker.Change) error {
	status, ok := ch.New["status"].(string)
	if !ok {
		return nil
	}
	closed, err := lookup(tx, "status", "closed")
	if err != nil || closed == "" || status != closed {
		return err
	}
	var open []string
	for _, dep := range currentIDs(ch, "dependencies") {
		it, err := tx.Get(ch.Class.Name, dep)
		if err != nil {
			return fmt.Errorf("reading dependency %s: %w", dep, err)
		}
		if it.Str("status") != closed {
			open = append(open, dep)
		}
	}
	switch len(open) {
	case 0:
		return nil
	case 1:
		return tracker.Rejectf("This issue can't be closed until issue %s is closed.", open[0])
	}
	return tracker.Rejectf("This issue can't be closed until issues %s are closed.", strings.Join(open, ", "))
}
