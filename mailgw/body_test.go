package mailgw

import (
	"testing"

	"github.com/corral-tracker/corral/tracker/detectors"
)

func mustBody(t testing.TB) *BodyRules {
	t.Helper()
	r, err := NewBodyRules("", "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestBodyClean(t *testing.T) {
	r := mustBody(t)
	for _, c := range []struct {
		name, in         string
		keep             bool
		summary, content string
	}{
		{"plain", "Hello,\n\nSecond para.\n", true, "Hello,", "Hello,\n\nSecond para.\n"},
		{"sentence over lines", "This is a\nlong sentence. And more\n", true, "This is a\nlong sentence.", "This is a\nlong sentence. And more\n"},
		{"leading newlines", "\n\n\nHi\n", true, "Hi", "Hi\n"},
		{"signature", "Text.\n\n-- \nAlice\nalice@example.com\n", true, "Text.", "Text."},
		{"signature of two lines (one empty)", "Text.\n\n-- \n", true, "Text.", "Text."},
		{"signature of eleven lines stays", "Text.\n\n-- \n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", true, "Text.", "Text.\n\n-- \n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n"},
		{"signature not last", "Text.\n\n-- \nAlice\n\nMore.\n", true, "Text.", "Text.\n\n-- \nAlice\n\nMore.\n"},
		{"original message", "Answer.\n\n-----Original Message-----\nFrom: x\n\nold\n", true, "Answer.", "Answer."},
		{"quotes kept", "Bob wrote:\n> old\n> text\n\nMy answer.\n", true, "My answer.", "Bob wrote:\n> old\n> text\n\nMy answer.\n"},
		{"quotes stripped", "Hi.\n\nBob wrote:\n> old\n> text\n\nMy answer.\n", false, "Hi.", "Hi.\n\nMy answer.\n"},
		{"inline answer", "> q1\n> q2\nanswer here\nmore\n", false, "answer here", "answer here\nmore\n"},
		{"inline answer kept", "> q1\nanswer here\n", true, "> q1", "> q1\nanswer here\n"},
		{"attribution kept unless colon", "Hi.\n\nOn Monday\n> old\n", false, "Hi.", "Hi.\n\nOn Monday"},
		{"gmail wrapped attribution", "Thanks.\n\nOn Mon, 1 Jan 2024 at 10:00, Bob Smith <\nbob@example.com> wrote:\n\n> old\n> text\n", false, "Thanks.", "Thanks."},
		{"outlook header", "Fixed.\n\n________________________________\nFrom: Bob <bob@x>\nSent: Monday\nTo: tracker\n\nold text\n", false, "Fixed.", "Fixed."},
		{"outlook header kept with quotes", "Fixed.\n\nFrom: Bob <bob@x>\nSent: Monday\n", true, "Fixed.", "Fixed.\n\nFrom: Bob <bob@x>\nSent: Monday\n"},
		{"blank-ish lines collapse", "a\n \t \n\n\nb\n", true, "a", "a\n\nb\n"},
		{"all quoted", "> only\n> quotes\n", false, "", ""},
	} {
		sum, got := r.Clean(c.in, c.keep, false)
		// Clean's content is joined sections; the gateway strips it.
		if pyStrip(got) != pyStrip(c.content) || sum != c.summary {
			t.Errorf("%s: Clean(%q, keep=%v) = %q, %q; want %q, %q", c.name, c.in, c.keep, sum, got, c.summary, c.content)
		}
	}
}

func TestBodyLeaveUnchanged(t *testing.T) {
	r := mustBody(t)
	in := "Text.\n\n-- \nsig\nline\n"
	if sum, got := r.Clean(in, false, true); got != in || sum != "Text." {
		t.Errorf("Clean(keepBody) = %q, %q", sum, got)
	}
}

// The summary agrees with the messagesummary detector's.
func TestSummaryMatchesDetector(t *testing.T) {
	r := mustBody(t)
	for _, in := range []string{"Hello,\nworld.", "> a\n> b\nc. d", "x\n\ny", "\n\n> q\n\nz!", "no end\nsecond line? yes"} {
		for _, keep := range []bool{true, false} {
			sum, _ := r.Clean(in, keep, false)
			if want := detectors.Summary(in, keep); sum != want {
				t.Errorf("summary of %q (keep=%v) = %q, detectors.Summary = %q", in, keep, sum, want)
			}
		}
	}
}
