package tracker_test

import (
	"errors"
	"testing"

	"github.com/corral-tracker/corral/internal/testtracker"
	"github.com/corral-tracker/corral/tracker"
)

// TestSearchPermission: on the python-dev schema only Developers may see
// other users' addresses, so only they may filter or sort on them
// (Roundup's hasSearchPermission); anonymous may not search users by
// username through a link either.
func TestSearchPermission(t *testing.T) {
	tt := testtracker.New(t, testtracker.Options{NoDetectors: true})
	cases := []struct {
		user, class, path string
		want              bool
	}{
		{"alice", "user", "username", true},
		{"alice", "user", "address", false},
		{"bob", "user", "address", true},
		{"alice", "issue", "title", true},
		{"alice", "issue", "assignee.username", true},
		{"alice", "issue", "assignee.address", false},
		{"anonymous", "issue", "status", true},
		{"anonymous", "issue", "nosy.username", false},
		{"admin", "user", "password", true},
	}
	for _, c := range cases {
		err := tt.Svc.Read(tt.Ctx, tt.Users[c.user], func(tx *tracker.Tx) error {
			if got := tx.CanSearch(c.class, c.path); got != c.want {
				t.Errorf("%s CanSearch(%s, %s) = %v, want %v", c.user, c.class, c.path, got, c.want)
			}
			_, _, err := tx.Filter(c.class, &tracker.Filter{Spec: map[string][]string{c.path: {"x"}}})
			var pe *tracker.PermissionError
			if c.want == errors.As(err, &pe) {
				t.Errorf("%s Filter(%s on %s) err = %v, want refused=%v", c.user, c.class, c.path, err, !c.want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
