package detectors

import (
	"slices"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

// bpoNosy is python-dev's config.ini [nosy] section.
var bpoNosy = tracker.MapSettings{"nosy.add_author": "yes", "nosy.add_recipients": "new"}

func TestNosyReactionAuditor(t *testing.T) {
	type step struct {
		user  string // acting user's name
		msg   raw    // a message to add first (author and recipients by name)
		issue raw    // the change ("" id: create)
	}
	tests := []struct {
		name     string
		template string
		config   tracker.MapSettings
		detector tracker.MapSettings
		steps    []step
		want     string
	}{
		{"bpo create: creator, author, recipients", "python-dev", bpoNosy, nil,
			[]step{{"alice", raw{"author": "alice", "recipients": "bob"}, raw{"title": "t"}}}, "alice, bob"},
		{"bpo create without message: creator", "python-dev", bpoNosy, nil,
			[]step{{"alice", nil, raw{"title": "t"}}}, "alice"},
		{"bpo reply: author joins, recipients not", "python-dev", bpoNosy, nil,
			[]step{{"alice", nil, raw{"title": "t"}}, {"carol", raw{"author": "carol", "recipients": "dave"}, nil}}, "alice, carol"},
		{"bpo add_recipients yes", "python-dev", tracker.MapSettings{"nosy.add_author": "yes", "nosy.add_recipients": "yes"}, nil,
			[]step{{"alice", nil, raw{"title": "t"}}, {"carol", raw{"author": "carol", "recipients": "dave"}, nil}}, "alice, carol, dave"},
		{"bpo add_author no, defaults", "python-dev", tracker.MapSettings{"nosy.add_author": "no"}, nil,
			[]step{{"alice", raw{"author": "bob", "recipients": "carol"}, raw{"title": "t"}}}, "alice, carol"},
		{"bpo assignee joins", "python-dev", bpoNosy, nil,
			[]step{{"alice", nil, raw{"title": "t"}}, {"admin", nil, raw{"assignee": "erin"}}}, "alice, erin"},
		{"bpo explicit nosy kept and extended", "python-dev", bpoNosy, nil,
			[]step{{"alice", nil, raw{"title": "t", "nosy": "bob"}}}, "alice, bob"},
		{"bpo add_creator no", "python-dev", bpoNosy, tracker.MapSettings{"nosyreaction.add_creator": "no"},
			[]step{{"alice", nil, raw{"title": "t"}}}, ""},
		{"classic: no creator, author only on create", "classic", nil, nil,
			[]step{{"alice", nil, raw{"title": "t"}}, {"bob", raw{"author": "bob"}, nil}}, ""},
		{"classic create with message", "classic", nil, nil,
			[]step{{"alice", raw{"author": "alice", "recipients": "carol"}, raw{"title": "t"}}}, "alice, carol"},
		{"classic assignedto joins", "classic", nil, nil,
			[]step{{"alice", nil, raw{"title": "t"}}, {"admin", nil, raw{"assignedto": "erin"}}}, "erin"},
		{"classic add_creator yes", "classic", nil, tracker.MapSettings{"nosyreaction.add_creator": "yes"},
			[]step{{"alice", nil, raw{"title": "t"}}}, "alice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.template, setup{config: tc.config, detectors: tc.detector, names: []string{"nosyreaction"}})
			users := map[string]string{"admin": tracker.AdminID}
			for _, n := range []string{"alice", "bob", "carol", "dave", "erin"} {
				users[n] = e.user(n, "User")
			}
			issue := ""
			for _, s := range tc.steps {
				change := raw{}
				for k, v := range s.issue {
					change[k] = v
				}
				if s.msg != nil {
					m := raw{"content": "Hello."}
					for k, v := range s.msg {
						m[k] = v
					}
					change["messages"] = "+" + e.create(users[s.user], "msg", m)
				}
				if issue == "" {
					issue = e.create(users[s.user], "issue", change)
				} else {
					e.set(users[s.user], "issue", issue, change)
				}
			}
			if got := e.show("issue", issue, "nosy"); got != tc.want {
				t.Errorf("issue%s nosy = %q, want %q", issue, got, tc.want)
			}
		})
	}
}

// A newly linked pull request brings its creator (bpo).
func TestNosyReactionPullRequestCreator(t *testing.T) {
	e := newEnv(t, "python-dev", setup{config: bpoNosy, names: []string{"nosyreaction"}})
	alice, frank := e.user("alice", "Developer"), e.user("frank", "Developer")
	issue := e.create(alice, "issue", raw{"title": "t"})
	pr := e.create(frank, "pull_request", raw{"number": "77"})
	e.set(tracker.AdminID, "issue", issue, raw{"pull_requests": "+" + pr})
	if got, want := e.show("issue", issue, "nosy"), "alice, frank"; got != want {
		t.Errorf("issue%s nosy = %q, want %q", issue, got, want)
	}
}

func TestNosyReactionEvents(t *testing.T) {
	tests := []struct {
		name    string
		config  tracker.MapSettings
		msg     bool   // the change adds a message
		change  raw    // nil: create the issue
		want    bool   // an event is expected
		action  string // its action
		changed []string
	}{
		{"create with message", nil, true, nil, true, "create", []string{"messages", "nosy", "title"}},
		{"create without message", nil, false, nil, false, "", nil},
		{"create without message, property_changes", tracker.MapSettings{"nosy.property_changes": "yes"}, false, nil, true, "create", []string{"title"}},
		{"reply", nil, true, raw{}, true, "set", []string{"messages", "nosy"}},
		{"reply with property change", nil, true, raw{"title": "new title"}, true, "set", []string{"messages", "nosy", "title"}},
		{"property-only change", nil, false, raw{"title": "new title"}, false, "", nil},
		{"property-only change, property_changes", tracker.MapSettings{"nosy.property_changes": "yes"}, false, raw{"title": "new title"}, true, "set", []string{"title"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tracker.MapSettings{"nosy.add_author": "yes"}
			for k, v := range tc.config {
				cfg[k] = v
			}
			e := newEnv(t, "python-dev", setup{config: cfg, detectors: tracker.MapSettings{"nosyreaction.add_creator": "no"}, names: []string{"nosyreaction"}})
			alice, bob := e.user("alice", "Developer"), e.user("bob", "Developer")
			var msg string
			issue := ""
			if tc.change != nil {
				issue = e.create(alice, "issue", raw{"title": "t", "messages": e.create(alice, "msg", raw{"content": "first", "author": "alice"})})
				e.skipEvents()
			}
			change := raw{}
			for k, v := range tc.change {
				change[k] = v
			}
			if tc.msg {
				msg = e.create(bob, "msg", raw{"content": "Hello.", "author": "bob"})
				change["messages"] = "+" + msg
			}
			if issue == "" {
				change["title"] = "t"
				issue = e.create(bob, "issue", change)
			} else {
				e.set(bob, "issue", issue, change)
			}
			evs := e.events(tracker.EventNosy)
			if !tc.want {
				if len(evs) != 0 {
					t.Fatalf("nosy events = %d (%s), want none", len(evs), evs[0].Payload)
				}
				return
			}
			if len(evs) != 1 {
				t.Fatalf("nosy events = %d, want 1", len(evs))
			}
			if got, want := evs[0].Key, "issue"+issue; got != want {
				t.Errorf("event key = %q, want %q", got, want)
			}
			ev := decode[tracker.ChangeEvent](t, evs[0])
			var wantMsgs []string
			if tc.msg {
				wantMsgs = []string{msg}
			}
			if ev.Action != tc.action || ev.ItemID != issue || ev.Class != "issue" || ev.Actor != bob ||
				!slices.Equal(ev.Messages, wantMsgs) || !slices.Equal(ev.Changed, tc.changed) {
				t.Errorf("event = %+v, want action %s id %s actor %s messages %v changed %v",
					ev, tc.action, issue, bob, wantMsgs, tc.changed)
			}
		})
	}
}
