package detectors

import (
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// installHgRepo is `hgrepo`, bpo's detectors/hgrepo.py (hgsplit): an
// auditor on hgrepo create. A repository URL given as URL#BRANCH is
// stored as url = URL and patchbranch = BRANCH (split at the first '#').
//
// Needs: class hgrepo with String url and patchbranch.
func installHgRepo(s *tracker.Service) (func(), error) {
	n := newNeeds("hgrepo", s)
	n.prop("hgrepo", "url", tracker.String)
	n.prop("hgrepo", "patchbranch", tracker.String)
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() { s.Audit("hgrepo", "create", "hgrepo", prioDefault, hgSplit) }, nil
}

// hgSplit is hgrepo.py's hgsplit.
func hgSplit(tx *tracker.Tx, ch *tracker.Change) error {
	u, _ := ch.New["url"].(string)
	if url, branch, ok := strings.Cut(u, "#"); ok {
		ch.New["url"] = url
		ch.New["patchbranch"] = branch
	}
	return nil
}
