package detectors

import (
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestPullRequestNumber(t *testing.T) {
	const refusal = "Unknown PR format, acceptable formats are: full github URL, #pr_number, GH-pr_number, pr_number"
	tests := []struct {
		in        string
		detectors tracker.MapSettings
		want      string // the stored number
		refusal   string
	}{
		{"123", nil, "123", ""},
		{"#123", nil, "123", ""},
		{" GH-4567 ", nil, "4567", ""},
		{"gh-7", nil, "7", ""},
		{"https://github.com/python/cpython/pull/5678", nil, "5678", ""},
		{"https://github.com/python/cpython/pull/5678/files#diff-1", nil, "5678", ""},
		{"github.com/python/devguide/pull/9", nil, "9", ""},
		{"https://github.com/python/devguide/pull/9", tracker.MapSettings{"pull_request.repository": "python/cpython"}, "", refusal},
		{"https://github.com/Python/CPython/pull/9", tracker.MapSettings{"pull_request.repository": "python/cpython"}, "9", ""},
		{"bpo-123", nil, "", refusal},
		{"PR 12 3", nil, "", refusal},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{detectors: tc.detectors, names: []string{"pull_request"}})
			id, err := e.tryCreate(tracker.AdminID, "pull_request", raw{"number": tc.in})
			if got := rejection(t, err); got != tc.refusal {
				t.Fatalf("create pull_request number=%q = %q, want %q", tc.in, got, tc.refusal)
			}
			if err != nil {
				return
			}
			if got := e.show("pull_request", id, "number"); got != tc.want {
				t.Errorf("pull_request%s number = %q, want %q", id, got, tc.want)
			}
			// set normalises too
			e.set(tracker.AdminID, "pull_request", id, raw{"number": "#" + tc.want + "0"})
			if got, want := e.show("pull_request", id, "number"), tc.want+"0"; got != want {
				t.Errorf("pull_request%s number after set = %q, want %q", id, got, want)
			}
		})
	}
}

func TestPullRequestUniqueness(t *testing.T) {
	const refusal = "GitHub PR already added to issue"
	tests := []struct {
		name    string
		linked  []string // numbers linked at creation
		add     []string // numbers linked by a later change
		refusal string
	}{
		{"new number", []string{"1"}, []string{"2"}, ""},
		{"same number again", []string{"1", "2"}, []string{"2"}, refusal},
		{"same number twice in one change", nil, []string{"3", "#3"}, refusal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{names: []string{"pull_request"}})
			prs := func(numbers []string) string {
				var ids []string
				for _, n := range numbers {
					ids = append(ids, e.create(tracker.AdminID, "pull_request", raw{"number": n}))
				}
				return joinIDs(ids)
			}
			id := e.create(tracker.AdminID, "issue", raw{"title": "t", "pull_requests": prs(tc.linked)})
			err := e.trySet(tracker.AdminID, "issue", id, raw{"pull_requests": "+" + prs(tc.add)})
			if got := rejection(t, err); got != tc.refusal {
				t.Errorf("linking %v to an issue with %v = %q, want %q", tc.add, tc.linked, got, tc.refusal)
			}
		})
	}
	t.Run("duplicate on create", func(t *testing.T) {
		e := newEnv(t, "python-dev", setup{names: []string{"pull_request"}})
		a := e.create(tracker.AdminID, "pull_request", raw{"number": "5"})
		b := e.create(tracker.AdminID, "pull_request", raw{"number": "GH-5"})
		_, err := e.tryCreate(tracker.AdminID, "issue", raw{"title": "t", "pull_requests": a + "," + b})
		if got := rejection(t, err); got != refusal {
			t.Errorf("creating an issue with PR 5 twice = %q, want %q", got, refusal)
		}
	})
}

func TestHgRepo(t *testing.T) {
	tests := []struct {
		url, wantURL, wantBranch string
	}{
		{"https://hg.example.org/cpython#issue42", "https://hg.example.org/cpython", "issue42"},
		{"https://hg.example.org/cpython#a#b", "https://hg.example.org/cpython", "a#b"},
		{"https://hg.example.org/cpython", "https://hg.example.org/cpython", ""},
	}
	for _, tc := range tests {
		e := newEnv(t, "python-dev", setup{names: []string{"hgrepo"}})
		id := e.create(tracker.AdminID, "hgrepo", raw{"url": tc.url})
		if got, gotB := e.show("hgrepo", id, "url"), e.show("hgrepo", id, "patchbranch"); got != tc.wantURL || gotB != tc.wantBranch {
			t.Errorf("hgrepo url=%q: url, patchbranch = %q, %q, want %q, %q", tc.url, got, gotB, tc.wantURL, tc.wantBranch)
		}
	}
}
