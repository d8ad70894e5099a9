package detectors

import (
	"slices"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestBusybodyAndTellTeam(t *testing.T) {
	addrs := tracker.MapSettings{"main.busybody_email": "busy@example.com, nosy@example.org", "main.triage_email": "triage@example.com"}
	type mail struct {
		detector, msg, action string // msg: index into the messages made ("" none)
	}
	tests := []struct {
		name      string
		detectors tracker.MapSettings
		create    []float64 // spam scores of the new issue's messages (-1: no score)
		set       []float64 // messages added by a later change; empty non-nil: a title change
		want      []mail    // mails of the last step
	}{
		{"new issue", addrs, []float64{-1}, nil,
			[]mail{{"busybody", "0", "create"}, {"tellteam", "0", "create"}}},
		{"new issue with two messages, one spam", addrs, []float64{0.2, 0.99}, nil,
			[]mail{{"busybody", "0", "create"}, {"tellteam", "0", "create"}}},
		{"new issue without message", addrs, []float64{}, nil,
			[]mail{{"busybody", "", "create"}}},
		{"reply", addrs, []float64{-1}, []float64{-1},
			[]mail{{"busybody", "1", "set"}}},
		{"spam reply", addrs, []float64{-1}, []float64{0.9},
			nil},
		{"property change", addrs, []float64{-1}, []float64{},
			[]mail{{"busybody", "", "set"}}},
		{"cutoff raised", tracker.MapSettings{"main.busybody_email": "busy@example.com", "main.spambayes_spam_cutoff": "0.95"}, []float64{-1}, []float64{0.9},
			[]mail{{"busybody", "1", "set"}}},
		{"no addresses", nil, []float64{-1}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{detectors: tc.detectors, names: []string{"busybody", "tellteam"}})
			var msgs []string
			newMsgs := func(scores []float64) string {
				var ids []string
				for _, sc := range scores {
					r := raw{"content": "hello"}
					if sc >= 0 {
						r["spambayes_score"] = tracker.PyFloat(sc)
					}
					id := e.create(tracker.AdminID, "msg", r)
					ids = append(ids, id)
					msgs = append(msgs, id)
				}
				return joinIDs(ids)
			}
			id := e.create(tracker.AdminID, "issue", raw{"title": "t", "messages": newMsgs(tc.create)})
			if tc.set != nil {
				e.skipEvents()
				msgs = nil
				change := raw{"title": "u"}
				if len(tc.set) > 0 {
					change = raw{"messages": "+" + newMsgs(tc.set)}
					msgs = append([]string{"x"}, msgs...) // index 1 = the first new one
				}
				e.set(tracker.AdminID, "issue", id, change)
			}
			var got []mail
			for _, ev := range e.events(tracker.EventCopy) {
				if ev.Key != "issue"+id {
					t.Errorf("event key = %q, want issue%s", ev.Key, id)
				}
				c := decode[MailCopy](t, ev)
				var wantTo []string
				switch c.Detector {
				case "busybody":
					wantTo = splitList(tc.detectors["main.busybody_email"])
				case "tellteam":
					wantTo = splitList(tc.detectors["main.triage_email"])
				}
				if !slices.Equal(c.To, wantTo) {
					t.Errorf("%s To = %q, want %q", c.Detector, c.To, wantTo)
				}
				if c.Event == nil || c.Event.ItemID != id || c.Event.Class != "issue" {
					t.Fatalf("%s event = %+v, want issue%s", c.Detector, c.Event, id)
				}
				m := mail{detector: c.Detector, action: c.Event.Action}
				if c.Msg != "" {
					m.msg = "?"
					for i, x := range msgs {
						if x == c.Msg {
							m.msg = string(rune('0' + i))
						}
					}
				}
				got = append(got, m)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("mails = %+v, want %+v", got, tc.want)
			}
		})
	}
}
