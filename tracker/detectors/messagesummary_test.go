package detectors

import (
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestSummary(t *testing.T) {
	tests := []struct {
		content    string
		keepQuoted bool
		want       string
	}{
		{"Hallo,", true, "Hallo,"},
		{"Hallo,\nwie geht's", true, "Hallo,"},
		{"One. Two.\nThree.", true, "One. Two."},
		{"A first line\nand its sentence end. More", true, "A first line\nand its sentence end."},
		{"no punctuation at all\nsecond line", true, "no punctuation at all"},
		{"...dots first. Then text", true, "...dots first. Then text"},
		{"Hi!\r\nThere.", true, "Hi!"},
		{"\r\n\nLeading blank lines.\n\nSecond paragraph.", true, "Leading blank lines."},
		{"> quoted\n> more\n\nAnswer here.", true, "Answer here."},
		{"| pipe quoted\n| more\n\nreal text", true, "real text"},
		{"On Monday X wrote:\n> quoted\n> more\n\nMy answer", false, "My answer"},
		{"> quoted\nanswer inline\nmore", true, "> quoted"},
		{"> quoted\nanswer inline\nmore", false, "answer inline"},
		{"> quoted\n\n> only quotes\n>\n", true, ""},
		{"first\n  \t\nsecond", true, "first"},
		{"", true, ""},
	}
	for _, tc := range tests {
		if got := Summary(tc.content, tc.keepQuoted); got != tc.want {
			t.Errorf("Summary(%q, %v) = %q, want %q", tc.content, tc.keepQuoted, got, tc.want)
		}
	}
}

func TestMessageSummary(t *testing.T) {
	tests := []struct {
		name   string
		config tracker.MapSettings
		msg    raw
		want   string
	}{
		{"from content", nil, raw{"content": "\nThe build fails on AIX.\nSee the log below."}, "The build fails on AIX."},
		{"summary given", nil, raw{"content": "Body text.", "summary": "Given"}, "Given"},
		{"quotes kept", nil, raw{"content": "> you said\nI disagree.\n"}, "> you said\nI disagree."},
		{"quotes stripped", tracker.MapSettings{"mailgw.keep_quoted_text": "no"}, raw{"content": "> you said\nI disagree.\n"}, "I disagree."},
		{"new counts as no", tracker.MapSettings{"mailgw.keep_quoted_text": "new"}, raw{"content": "> you said\nI disagree.\n"}, "I disagree."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "python-dev", setup{config: tc.config, names: []string{"messagesummary"}})
			id := e.create(tracker.AdminID, "msg", tc.msg)
			if got := e.show("msg", id, "summary"); got != tc.want {
				t.Errorf("msg%s summary = %q, want %q", id, got, tc.want)
			}
		})
	}
}
