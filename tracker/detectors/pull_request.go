package detectors

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

var (
	prNumberRE = regexp.MustCompile(`(?i)^(?:#|gh-?)?(\d+)$`)
	prURLRE    = regexp.MustCompile(`(?i)github\.com/([\w.-]+/[\w.-]+)/pull/(\d+)`)
)

// installPullRequest is `pull_request`, bpo's detectors/pull_request.py:
//
//   - validate_pr_number, auditor on pull_request create and set: the
//     number is stored as digits alone when given as "123", "#123",
//     "GH-123" (any case; Corral's addition, GitHub's own short form) or
//     a GitHub pull request URL (https://github.com/OWNER/REPO/pull/123,
//     anything after the number ignored). Anything else is refused:
//     "Unknown PR format, acceptable formats are: full github URL,
//     #pr_number, GH-pr_number, pr_number" (bpo's text, with the GH form
//     added). bpo accepted URLs of python/cpython only; here any
//     repository, unless detectors/config.ini [pull_request] repository
//     = OWNER/REPO names the one accepted.
//   - validate_pr_uniqueness, auditor on issue create and set: linking a
//     pull request whose number is already linked to the issue is
//     refused: "GitHub PR already added to issue". bpo checked one of the
//     new pull requests against the old ones; here every new one is
//     checked against the old ones and the other new ones.
//
// Needs: class pull_request with a String number; issue.pull_requests
// (Multilink pull_request).
func installPullRequest(s *tracker.Service) (func(), error) {
	n := newNeeds("pull_request", s)
	n.prop("pull_request", "number", tracker.String)
	n.link("issue", "pull_requests", tracker.Multilink, "pull_request")
	if v, ok := detectorValue(s, "pull_request", "repository"); ok && strings.Count(v, "/") != 1 {
		n.problem("detectors/config.ini [pull_request] repository: %q is not OWNER/REPO", v)
	}
	if err := n.err(); err != nil {
		return nil, err
	}
	return func() {
		s.Audit("issue", "create", "pull_request", prioDefault, validatePRUniqueness)
		s.Audit("issue", "set", "pull_request", prioDefault, validatePRUniqueness)
		s.Audit("pull_request", "create", "pull_request", prioDefault, validatePRNumber)
		s.Audit("pull_request", "set", "pull_request", prioDefault, validatePRNumber)
	}, nil
}

// validatePRNumber is pull_request.py's validate_pr_number.
func validatePRNumber(tx *tracker.Tx, ch *tracker.Change) error {
	raw, ok := ch.New["number"].(string)
	if !ok || raw == "" {
		return nil
	}
	repo, _ := detectorValue(tx.Service(), "pull_request", "repository")
	number, ok := extractPRNumber(raw, repo)
	if !ok {
		return tracker.Rejectf("Unknown PR format, acceptable formats are: full github URL, #pr_number, GH-pr_number, pr_number")
	}
	ch.New["number"] = number
	return nil
}

// extractPRNumber is pull_request.py's extract_number; repo, when not
// empty, is the only repository whose URLs are accepted.
func extractPRNumber(raw, repo string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if m := prNumberRE.FindStringSubmatch(raw); m != nil {
		return m[1], true
	}
	if m := prURLRE.FindStringSubmatch(raw); m != nil && (repo == "" || strings.EqualFold(m[1], repo)) {
		return m[2], true
	}
	return "", false
}

// validatePRUniqueness is pull_request.py's validate_pr_uniqueness.
func validatePRUniqueness(tx *tracker.Tx, ch *tracker.Change) error {
	added := addedIDs(ch, "pull_requests")
	if len(added) == 0 {
		return nil
	}
	seen := map[string]bool{}
	for _, id := range oldIDs(ch, "pull_requests") {
		pr, err := tx.Get("pull_request", id)
		if err != nil {
			return fmt.Errorf("reading pull request %s: %w", id, err)
		}
		seen[pr.Str("number")] = true
	}
	for _, id := range added {
		pr, err := tx.Get("pull_request", id)
		if err != nil {
			return fmt.Errorf("reading pull request %s: %w", id, err)
		}
		number := pr.Str("number")
		if number == "" {
			continue
		}
		if seen[number] {
			return tracker.Rejectf("GitHub PR already added to issue")
		}
		seen[number] = true
	}
	return nil
}
