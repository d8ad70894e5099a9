package detectors

import (
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestAutoAssign(t *testing.T) {
	tests := []struct {
		name   string
		create raw
		set    raw // then this change, when not nil
		want   string
	}{
		{"component with assign_to", raw{"title": "t", "components": "Library (Lib)"}, nil, "bob"},
		{"first component with assign_to", raw{"title": "t", "components": "Build,Library (Lib)"}, nil, "bob"},
		{"component without assign_to", raw{"title": "t", "components": "Build"}, nil, ""},
		{"explicit assignee wins", raw{"title": "t", "components": "Library (Lib)", "assignee": "carol"}, nil, "carol"},
		{"components set later", raw{"title": "t"}, raw{"components": "Library (Lib)"}, "bob"},
		{"already assigned", raw{"title": "t", "assignee": "carol"}, raw{"components": "Library (Lib)"}, "carol"},
		{"unassigned in the same change", raw{"title": "t", "assignee": "carol"}, raw{"components": "Library (Lib)", "assignee": ""}, ""},
		{"other change", raw{"title": "t"}, raw{"title": "u"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{names: []string{"autoassign"}})
			e.user("bob", "Developer")
			e.user("carol", "Developer")
			e.set(tracker.AdminID, "component", e.lookup("component", "Library (Lib)"), raw{"assign_to": "bob"})
			id := e.create(tracker.AdminID, "issue", tc.create)
			if tc.set != nil {
				e.set(tracker.AdminID, "issue", id, tc.set)
			}
			if got := e.show("issue", id, "assignee"); got != tc.want {
				t.Errorf("issue%s assignee = %q, want %q", id, got, tc.want)
			}
		})
	}
}

// The acceptance scenario: on the python-dev schema with its detectors,
// an issue created with the component "Library (Lib)", which has assign_to
// and add_as_nosy, is assigned and nosied per the component.
func TestComponentAssignsAndNosies(t *testing.T) {
	e := newEnv(t, "python-dev", setup{config: bpoNosy})
	alice := e.user("alice", "User")
	e.user("bob", "Developer")
	e.user("carol", "Developer")
	e.user("dave", "Developer")
	e.set(tracker.AdminID, "component", e.lookup("component", "Library (Lib)"), raw{"assign_to": "bob", "add_as_nosy": "carol,dave"})
	msg := e.create(alice, "msg", raw{"content": "json.dumps crashes on a cycle.", "author": "alice"})
	id := e.create(alice, "issue", raw{"title": "json crash", "components": "Library (Lib)", "messages": msg})
	for prop, want := range map[string]string{
		"assignee":      "bob",
		"nosy":          "alice, bob, carol, dave",
		"status":        "open",
		"priority":      "normal",
		"severity":      "normal",
		"nosy_count":    "4.0",
		"message_count": "1.0",
	} {
		if got := e.show("issue", id, prop); got != want {
			t.Errorf("issue%s %s = %q, want %q", id, prop, got, want)
		}
	}
	if got, want := e.show("msg", msg, "summary"), "json.dumps crashes on a cycle."; got != want {
		t.Errorf("msg%s summary = %q, want %q", msg, got, want)
	}
	if n := len(e.events(tracker.EventNosy)); n != 1 {
		t.Errorf("nosy events = %d, want 1", n)
	}
}
