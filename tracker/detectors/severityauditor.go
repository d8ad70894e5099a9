package detectors

import (
	"github.com/corral-tracker/corral/tracker"
)

// installSeverityAuditor is `severityauditor`, bpo's
// detectors/severityauditor.py (init_severity): an auditor on issue
// create giving an issue created without a severity the severity
// "normal" — when the tracker has one (bpo failed without it).
//
// Needs: issue.severity (Link to a keyed severity class).
func installSeverityAuditor(s *tracker.Service) (func(), error) {
	n := newNeeds("severityauditor", s)
	n.link("issue", "severity", tracker.Link, "severity")
	n.keyed("severity")
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() { s.Audit("issue", "create", "severityauditor", prioDefault, initSeverity) }, nil
}

// initSeverity is severityauditor.py's init_severity.
func initSeverity(tx *tracker.Tx, ch *tracker.Change) error {
	return setDefault(tx, ch, "severity", "normal")
}
