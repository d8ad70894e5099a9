package detectors

import (
	"slices"

	"github.com/corral-tracker/corral/tracker"
)

// installIssueStates is `issuestates`, bpo's detectors/issuestates.py: an
// auditor on issue set.
//
//   - A change that closes the issue (sets status "closed") without
//     setting a stage sets the stage "resolved" — when the tracker has
//     such a stage (bpo failed without one).
//   - A change that links a new pull request to an open issue (status
//     "open" before the change) sets the stage "patch review" and adds the
//     keyword "patch" when the issue lacks it — each when the tracker has
//     that item.
//
// Departures from bpo: a change that closes the issue while linking a
// pull request keeps the stage "resolved" (bpo's second rule overwrote
// it); "a new pull request" is one the change adds (bpo compared the
// lengths of the old and new lists); and the keywords the change sets
// are kept as given plus "patch" (bpo merged them with the old ones,
// undoing removals).
//
// Needs: issue.status (Link to a keyed status class), issue.stage (Link
// to a keyed stage class), issue.keywords (Multilink to a keyed keyword
// class) and issue.pull_requests (Multilink).
func installIssueStates(s *tracker.Service) (func(), error) {
	n := newNeeds("issuestates", s)
	n.link("issue", "status", tracker.Link, "status")
	n.keyed("status")
	n.link("issue", "stage", tracker.Link, "stage")
	n.keyed("stage")
	n.link("issue", "keywords", tracker.Multilink, "keyword")
	n.keyed("keyword")
	n.prop("issue", "pull_requests", tracker.Multilink)
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() { s.Audit("issue", "set", "issuestates", prioDefault, issueStates) }, nil
}

// issueStates is issuestates.py's issuestates.
func issueStates(tx *tracker.Tx, ch *tracker.Change) error {
	closed, err := lookup(tx, "status", "closed")
	if err != nil {
		return err
	}
	closing := closed != "" && ch.New["status"] == any(closed)
	if closing {
		if stage, _ := ch.New["stage"].(string); stage == "" {
			resolved, err := lookup(tx, "stage", "resolved")
			if err != nil {
				return err
			}
			if resolved != "" {
				ch.New["stage"] = resolved
			}
		}
		return nil
	}
	if len(addedIDs(ch, "pull_requests")) == 0 {
		return nil
	}
	open, err := lookup(tx, "status", "open")
	if err != nil || open == "" || oldStr(ch, "status") != open {
		return err
	}
	review, err := lookup(tx, "stage", "patch review")
	if err != nil {
		return err
	}
	if review != "" {
		ch.New["stage"] = review
	}
	return addKeyword(tx, ch, "patch")
}

// addKeyword adds the keyword named name to issue.keywords unless the
// issue had it before the change (a change removing it stays removed, as
// in bpo), the change adds it, or the tracker has no such keyword.
func addKeyword(tx *tracker.Tx, ch *tracker.Change, name string) error {
	kw, err := lookup(tx, "keyword", name)
	if err != nil || kw == "" {
		return err
	}
	cur := currentIDs(ch, "keywords")
	if !slices.Contains(cur, kw) && !slices.Contains(oldIDs(ch, "keywords"), kw) {
		ch.New["keywords"] = withIDs(cur, kw)
	}
	return nil
}
