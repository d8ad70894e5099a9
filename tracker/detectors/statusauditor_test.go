package detectors

import (
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestStatusAuditor(t *testing.T) {
	tests := []struct {
		name   string
		deps   []string // statuses of the dependencies
		create raw      // the issue (its dependencies added)
		set    raw      // then this change
		want   string   // refusal
		status string   // the status afterwards
	}{
		{"new issue opens", nil, raw{"title": "t"}, nil, "", "open"},
		{"explicit status kept", nil, raw{"title": "t", "status": "pending"}, nil, "", "pending"},
		{"close without dependencies", nil, raw{"title": "t"}, raw{"status": "closed"}, "", "closed"},
		{"close with closed dependencies", []string{"closed", "closed"}, raw{"title": "t"}, raw{"status": "closed"}, "", "closed"},
		{"close with one open dependency", []string{"closed", "open"}, raw{"title": "t"}, raw{"status": "closed"},
			"This issue can't be closed until issue 2 is closed.", "open"},
		{"close with open dependencies", []string{"pending", "open", "closed"}, raw{"title": "t"}, raw{"status": "closed"},
			"This issue can't be closed until issues 1, 2 are closed.", "open"},
		{"close while dropping the dependencies", []string{"open"}, raw{"title": "t"}, raw{"status": "closed", "dependencies": ""}, "", "closed"},
		{"other status with open dependencies", []string{"open"}, raw{"title": "t"}, raw{"status": "pending"}, "", "pending"},
		{"other change with open dependencies", []string{"open"}, raw{"title": "t"}, raw{"title": "u"}, "", "open"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{names: []string{"statusauditor"}})
			var deps []string
			for _, st := range tc.deps {
				deps = append(deps, e.create(tracker.AdminID, "issue", raw{"title": "dep", "status": st}))
			}
			create := raw{"dependencies": joinIDs(deps)}
			for k, v := range tc.create {
				create[k] = v
			}
			id := e.create(tracker.AdminID, "issue", create)
			var err error
			if tc.set != nil {
				err = e.trySet(tracker.AdminID, "issue", id, tc.set)
			}
			if got := rejection(t, err); got != tc.want {
				t.Errorf("set %v = %q, want %q", tc.set, got, tc.want)
			}
			if got := e.show("issue", id, "status"); got != tc.status {
				t.Errorf("issue%s status = %q, want %q", id, got, tc.status)
			}
		})
	}
}

func joinIDs(ids []string) string {
	out := ""
	for i, id := range ids {
		if i > 0 {
			out += ","
		}
		out += id
	}
	return out
}

func TestClassicStatusAuditor(t *testing.T) {
	tests := []struct {
		name      string
		detectors tracker.MapSettings
		status    string // the status before the change ("" = as created)
		by        string // who adds the change: "reporter" or "other"
		change    raw    // "msg" key: add a message
		want      string
	}{
		{"new issue is unread", nil, "", "", nil, "unread"},
		{"message on unread", nil, "", "other", raw{"msg": ""}, "chatting"},
		{"message by the reporter on unread", nil, "", "reporter", raw{"msg": ""}, "chatting"},
		{"two users required, reporter", tracker.MapSettings{"statusauditor.chatting_requires_two_users": "yes"}, "", "reporter", raw{"msg": ""}, "unread"},
		{"two users required, other", tracker.MapSettings{"statusauditor.chatting_requires_two_users": "True"}, "", "other", raw{"msg": ""}, "chatting"},
		{"message on resolved", nil, "resolved", "other", raw{"msg": ""}, "chatting"},
		{"message on done-cbb", nil, "done-cbb", "other", raw{"msg": ""}, "chatting"},
		{"message on in-progress", nil, "in-progress", "other", raw{"msg": ""}, "in-progress"},
		{"message with explicit status", nil, "", "other", raw{"msg": "", "status": "need-eg"}, "need-eg"},
		{"property change only", nil, "", "other", raw{"title": "u"}, "unread"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "classic", setup{detectors: tc.detectors, names: []string{"classic_statusauditor"}})
			users := map[string]string{"reporter": e.user("reporter", "User"), "other": e.user("other", "User")}
			id := e.create(users["reporter"], "issue", raw{"title": "t"})
			if tc.status != "" {
				e.set(tracker.AdminID, "issue", id, raw{"status": tc.status})
			}
			if tc.change != nil {
				change := raw{}
				for k, v := range tc.change {
					change[k] = v
				}
				if _, ok := change["msg"]; ok {
					delete(change, "msg")
					change["messages"] = "+" + e.create(users[tc.by], "msg", raw{"content": "hi", "author": tc.by})
				}
				e.set(users[tc.by], "issue", id, change)
			}
			if got := e.show("issue", id, "status"); got != tc.want {
				t.Errorf("issue%s status = %q, want %q", id, got, tc.want)
			}
		})
	}
}

func TestDefaultPriorityAndSeverity(t *testing.T) {
	tests := []struct {
		name   string
		retire string // a "normal" item to retire first: "priority" or "severity"
		create raw
		want   [2]string // priority, severity
	}{
		{"defaults", "", raw{"title": "t"}, [2]string{"normal", "normal"}},
		{"explicit", "", raw{"title": "t", "priority": "high", "severity": "minor"}, [2]string{"high", "minor"}},
		{"no normal priority", "priority", raw{"title": "t"}, [2]string{"", "normal"}},
		{"no normal severity", "severity", raw{"title": "t"}, [2]string{"normal", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{names: []string{"priorityauditor", "severityauditor"}})
			if tc.retire != "" {
				e.update(tracker.AdminID, func(tx *tracker.Tx) error {
					id, err := tx.Lookup(tc.retire, "normal")
					if err != nil {
						return err
					}
					return tx.Retire(tc.retire, id)
				})
			}
			id := e.create(tracker.AdminID, "issue", tc.create)
			got := [2]string{e.show("issue", id, "priority"), e.show("issue", id, "severity")}
			if got != tc.want {
				t.Errorf("issue%s priority, severity = %q, want %q", id, got, tc.want)
			}
		})
	}
}

func TestReopenPending(t *testing.T) {
	tests := []struct {
		name   string
		status string
		change raw
		want   string
	}{
		{"reply reopens", "pending", raw{"msg": ""}, "open"},
		{"any change reopens", "pending", raw{"title": "u"}, "open"},
		{"explicit status wins", "pending", raw{"msg": "", "status": "closed"}, "closed"},
		{"closed stays closed", "closed", raw{"msg": ""}, "closed"},
		{"languishing stays", "languishing", raw{"title": "u"}, "languishing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{names: []string{"reopenpending"}})
			id := e.create(tracker.AdminID, "issue", raw{"title": "t", "status": tc.status})
			change := raw{}
			for k, v := range tc.change {
				change[k] = v
			}
			if _, ok := change["msg"]; ok {
				delete(change, "msg")
				change["messages"] = "+" + e.create(tracker.AdminID, "msg", raw{"content": "feedback"})
			}
			e.set(tracker.AdminID, "issue", id, change)
			if got := e.show("issue", id, "status"); got != tc.want {
				t.Errorf("issue%s status = %q, want %q", id, got, tc.want)
			}
		})
	}
}
