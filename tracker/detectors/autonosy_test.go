package detectors

import (
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestAutoNosy(t *testing.T) {
	rms := tracker.MapSettings{"autonosy.release_managers": "Python 3.10: pablogsal, Python 3.11: pablogsal pablo2,\n Python 2.7: benjamin, Python 3.9: nobody"}
	tests := []struct {
		name      string
		detectors tracker.MapSettings
		create    raw
		set       raw
		want      string
	}{
		{"component users", nil, raw{"title": "t", "components": "Library (Lib),Build"}, nil, "carol, dave, erin"},
		{"kept explicit nosy", nil, raw{"title": "t", "components": "Build", "nosy": "alice"}, nil, "alice, erin"},
		{"components set later", nil, raw{"title": "t", "nosy": "alice"}, raw{"components": "Library (Lib)"}, "alice, carol, dave"},
		{"other change", nil, raw{"title": "t", "nosy": "alice"}, raw{"title": "u"}, "alice"},
		{"release blocker", rms, raw{"title": "t", "priority": "release blocker", "versions": "Python 3.11,Python 2.7"}, nil, "benjamin, pablo2, pablogsal"},
		{"becomes release blocker", rms, raw{"title": "t", "versions": "Python 3.10"}, raw{"priority": "release blocker"}, "pablogsal"},
		{"version added to a release blocker", rms, raw{"title": "t", "priority": "release blocker"}, raw{"versions": "Python 2.7"}, "benjamin"},
		{"unknown release manager skipped", rms, raw{"title": "t", "priority": "release blocker", "versions": "Python 3.9"}, nil, ""},
		{"not a release blocker", rms, raw{"title": "t", "priority": "critical", "versions": "Python 3.11"}, nil, ""},
		{"no release managers configured", nil, raw{"title": "t", "priority": "release blocker", "versions": "Python 3.11"}, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{detectors: tc.detectors, names: []string{"autonosy"}})
			for _, n := range []string{"alice", "carol", "dave", "erin", "pablogsal", "pablo2", "benjamin"} {
				e.user(n, "Developer")
			}
			e.set(tracker.AdminID, "component", e.lookup("component", "Library (Lib)"), raw{"add_as_nosy": "carol,dave"})
			e.set(tracker.AdminID, "component", e.lookup("component", "Build"), raw{"add_as_nosy": "erin"})
			id := e.create(tracker.AdminID, "issue", tc.create)
			if tc.set != nil {
				e.set(tracker.AdminID, "issue", id, tc.set)
			}
			if got := e.show("issue", id, "nosy"); got != tc.want {
				t.Errorf("issue%s nosy = %q, want %q", id, got, tc.want)
			}
		})
	}
}

func TestParseReleaseManagers(t *testing.T) {
	got, err := parseReleaseManagers("Python 3.12: thomas.wouters, Python 3.13: thomas.wouters\n Python 3.14: hugo 42")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"Python 3.12": {"thomas.wouters"}, "Python 3.13": {"thomas.wouters"}, "Python 3.14": {"hugo", "42"}}
	if len(got) != len(want) {
		t.Fatalf("parseReleaseManagers = %v, want %v", got, want)
	}
	for k, v := range want {
		if g := got[k]; len(g) != len(v) || g[0] != v[0] {
			t.Errorf("parseReleaseManagers[%q] = %v, want %v", k, g, v)
		}
	}
}
