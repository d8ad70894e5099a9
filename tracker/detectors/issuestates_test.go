package detectors

import (
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestIssueStates(t *testing.T) {
	tests := []struct {
		name   string
		retire string // a stage to retire first
		create raw
		set    raw // "pr" key: link a new pull request
		want   [2]string
	}{
		{"closing resolves", "", raw{"title": "t", "status": "open"}, raw{"status": "closed"}, [2]string{"resolved", ""}},
		{"closing keeps an explicit stage", "", raw{"title": "t", "status": "open"}, raw{"status": "closed", "stage": "commit review"}, [2]string{"commit review", ""}},
		{"closing without a resolved stage", "resolved", raw{"title": "t", "status": "open", "stage": "needs patch"}, raw{"status": "closed"}, [2]string{"needs patch", ""}},
		{"new pull request on an open issue", "", raw{"title": "t", "status": "open", "keywords": "easy"}, raw{"pr": ""}, [2]string{"patch review", "easy, patch"}},
		{"patch keyword already there", "", raw{"title": "t", "status": "open", "keywords": "patch"}, raw{"pr": ""}, [2]string{"patch review", "patch"}},
		{"patch keyword removed in the same change", "", raw{"title": "t", "status": "open", "keywords": "patch,easy"}, raw{"pr": "", "keywords": "easy"}, [2]string{"patch review", "easy"}},
		{"new pull request on a pending issue", "", raw{"title": "t", "status": "pending"}, raw{"pr": ""}, [2]string{"", ""}},
		{"closing with a new pull request", "", raw{"title": "t", "status": "open"}, raw{"pr": "", "status": "closed"}, [2]string{"resolved", ""}},
		{"other change", "", raw{"title": "t", "status": "open"}, raw{"title": "u"}, [2]string{"", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{names: []string{"issuestates"}})
			if tc.retire != "" {
				e.update(tracker.AdminID, func(tx *tracker.Tx) error {
					id, err := tx.Lookup("stage", tc.retire)
					if err != nil {
						return err
					}
					return tx.Retire("stage", id)
				})
			}
			id := e.create(tracker.AdminID, "issue", tc.create)
			set := raw{}
			for k, v := range tc.set {
				set[k] = v
			}
			if _, ok := set["pr"]; ok {
				delete(set, "pr")
				set["pull_requests"] = "+" + e.create(tracker.AdminID, "pull_request", raw{"number": "101"})
			}
			e.set(tracker.AdminID, "issue", id, set)
			got := [2]string{e.show("issue", id, "stage"), e.show("issue", id, "keywords")}
			if got != tc.want {
				t.Errorf("issue%s stage, keywords = %q, want %q", id, got, tc.want)
			}
		})
	}
}
