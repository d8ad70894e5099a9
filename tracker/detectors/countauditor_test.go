package detectors

import (
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestCountAuditor(t *testing.T) {
	tests := []struct {
		name   string
		names  []string
		create raw
		set    raw // "msg" key: add a message
		want   [2]string
	}{
		{"empty issue", []string{"countauditor"}, raw{"title": "t"}, nil, [2]string{"0.0", "0.0"}},
		{"create with nosy and message", []string{"countauditor"}, raw{"title": "t", "nosy": "alice,bob", "msg": ""}, nil, [2]string{"2.0", "1.0"}},
		{"reply", []string{"countauditor"}, raw{"title": "t", "nosy": "alice", "msg": ""}, raw{"msg": ""}, [2]string{"1.0", "2.0"}},
		{"nosy removal", []string{"countauditor"}, raw{"title": "t", "nosy": "alice,bob"}, raw{"nosy": "-bob"}, [2]string{"1.0", "0.0"}},
		{"counts what other auditors add", []string{"countauditor", "nosyreaction"}, raw{"title": "t", "msg": ""}, nil, [2]string{"2.0", "1.0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{config: bpoNosy, names: tc.names})
			alice := e.user("alice", "User")
			e.user("bob", "User")
			fill := func(r raw) raw {
				out := raw{}
				for k, v := range r {
					out[k] = v
				}
				if _, ok := out["msg"]; ok {
					delete(out, "msg")
					out["messages"] = "+" + e.create(alice, "msg", raw{"content": "hi", "author": "bob"})
				}
				return out
			}
			id := e.create(alice, "issue", fill(tc.create))
			if tc.set != nil {
				e.set(tracker.AdminID, "issue", id, fill(tc.set))
			}
			got := [2]string{e.show("issue", id, "nosy_count"), e.show("issue", id, "message_count")}
			if got != tc.want {
				t.Errorf("issue%s nosy_count, message_count = %q, want %q", id, got, tc.want)
			}
		})
	}
}
