package detectors

import (
	"slices"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestIrker(t *testing.T) {
	const (
		url  = " http://localhost:8080/demo/issue1"
		head = "\x0303alice\x0f \x0310#1\x0f/Crash in foo\x02:\x02 "
		adm  = "\x0303admin\x0f \x0310#1\x0f/Crash in foo\x02:\x02 "
	)
	chans := tracker.MapSettings{"irker.channels": "irc://localhost/python-dev, ircs://irc.example.org/tracker"}
	long := strings.Repeat("a", 200)
	tests := []struct {
		name      string
		config    tracker.MapSettings
		detectors tracker.MapSettings
		first     string // content of the first message ("" = none)
		set       raw    // then this change by admin; "msg" values are message contents, ";"-separated
		want      []string
	}{
		{"new issue", nil, chans, "It crashes.\n\nTraceback follows.", nil,
			[]string{head + "[new] It crashes. Traceback follows." + url}},
		{"new issue, long message", nil, chans, long, nil,
			[]string{head + "[new] " + long[:111] + "..." + url}},
		{"new issue, long message cut by characters", nil, chans, strings.Repeat("é", 130), nil,
			[]string{head + "[new] " + strings.Repeat("é", 111) + "..." + url}},
		{"new issue without message", nil, chans, "", nil, nil},
		{"reply closing", nil, chans, "x", raw{"msg": "Fixed in 3.12.\n", "status": "closed"},
			[]string{adm + "[closed] Fixed in 3.12. " + url}},
		{"reply", nil, chans, "x", raw{"msg": "  me\ttoo\r\n\r\n"},
			[]string{adm + " me too " + url}},
		{"two messages in one change", nil, chans, "x", raw{"msg": "first;second"},
			[]string{adm + "firstsecond" + url}},
		{"property change", nil, chans, "x", raw{"status": "closed", "resolution": "fixed"}, nil},
		{"property change announced", tracker.MapSettings{"irker.announce_changes": "yes"}, chans, "x",
			raw{"status": "closed", "resolution": "fixed", "nosy": "+carol", "title": "Crash in foo"},
			[]string{adm + "[closed] nosy: +carol; resolution: fixed" + url}},
		{"status only announced", nil, tracker.MapSettings{"irker.channels": chans["irker.channels"], "irker.announce_changes": "yes"}, "x",
			raw{"status": "pending"}, []string{adm + "[pending]" + url}},
		{"link emptied announced", tracker.MapSettings{"irker.announce_changes": "yes"}, chans, "x",
			raw{"priority": ""}, []string{adm + "priority: (none)" + url}},
		{"no channels", nil, nil, "x", raw{"msg": "hi"}, nil},
		{"channels of config.ini", tracker.MapSettings{"irker.channels": "irc://irc.example.net/corral"}, chans, "x",
			raw{"msg": "hi"}, []string{adm + "hi" + url}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{config: tc.config, detectors: tc.detectors,
				names: []string{"irker", "statusauditor", "priorityauditor"}})
			alice := e.user("alice", "User")
			e.user("carol", "User")
			create := raw{"title": "Crash in foo"}
			if tc.first != "" {
				create["messages"] = e.create(alice, "msg", raw{"content": tc.first, "author": "alice"})
			}
			id := e.create(alice, "issue", create)
			if tc.set != nil {
				e.skipEvents()
				set := raw{}
				for k, v := range tc.set {
					set[k] = v
				}
				if contents, ok := set["msg"]; ok {
					delete(set, "msg")
					var ids []string
					for _, c := range strings.Split(contents, ";") {
						ids = append(ids, e.create(tracker.AdminID, "msg", raw{"content": c}))
					}
					set["messages"] = "+" + joinIDs(ids)
				}
				e.set(tracker.AdminID, "issue", id, set)
			}
			var got []string
			for _, ev := range e.events(tracker.EventIrker) {
				if ev.Key != "issue"+id {
					t.Errorf("event key = %q, want issue%s", ev.Key, id)
				}
				a := decode[IrkerAnnouncement](t, ev)
				wantChans := splitList(chans["irker.channels"])
				if v, ok := tc.config["irker.channels"]; ok {
					wantChans = []string{v}
				}
				if !slices.Equal(a.Channels, wantChans) {
					t.Errorf("channels = %q, want %q", a.Channels, wantChans)
				}
				got = append(got, a.Message)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("announcements =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestIrkerLog(t *testing.T) {
	tests := []struct{ in, want string }{
		{"short", "short"},
		{"a\n\n\tb  c", "a b c"},
		{" lead and trail \n", " lead and trail "},
		{strings.Repeat("x", 120), strings.Repeat("x", 120)},
		{strings.Repeat("x", 121), strings.Repeat("x", 117) + "..."},
		{strings.Repeat("x", 116) + "\n\n\n\n\n", strings.Repeat("x", 116) + " ..."}, // cut first, as bpo did
	}
	for _, tc := range tests {
		if got := ircLog(tc.in); got != tc.want {
			t.Errorf("ircLog(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
