package mailgw

import (
	"testing"
)

var testClasses = []string{"issue", "msg", "file", "user", "keyword", "status", "priority", "issue_type"}

func mustParser(t testing.TB, delims string) *SubjectParser {
	t.Helper()
	p, err := NewSubjectParser(DefaultRefwd, delims, testClasses)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The examples of specs/mailgw.md §6 and more.
func TestSubjectParse(t *testing.T) {
	p := mustParser(t, "[]")
	for _, c := range []struct {
		subject           string
		refwd             bool
		class, id, title  string
		args              string
		hasArgs, hasPrefx bool
	}{
		{subject: "[issue] Crash [priority=high]", class: "issue", title: "Crash", args: "priority=high", hasArgs: true, hasPrefx: true},
		{subject: "Re: [issue12] Crash", refwd: true, class: "issue", id: "12", title: "Crash", hasPrefx: true},
		{subject: "AW: Fwd: [issue4] IDLE freezes", refwd: true, class: "issue", id: "4", title: "IDLE freezes", hasPrefx: true},
		{subject: "[Python-Dev] Re: [issue1] json bug", class: "issue", id: "1", title: "json bug"},
		{subject: `Re: "[ issue 1 ] json bug "`, refwd: true, class: "issue", id: "1", title: "json bug "},
		{subject: "More data [issue1]", class: "issue", id: "1", title: ""},
		{subject: "Re: Crash [status=closed]", refwd: true, title: "Crash", args: "status=closed", hasArgs: true},
		// Roundup's refwd_re takes "[Fwd:" for a forward prefix (checked
		// with Python's re; specs/mailgw.md §6's table says otherwise).
		{subject: "[Fwd: PHP ERROR] post limit", refwd: true, title: "PHP ERROR] post limit"},
		{subject: "[Build] Makefile bug", title: "[Build] Makefile bug", hasPrefx: true},
		{subject: "Problem with [file] upload", class: "file", title: "upload"},
		{subject: "[Issue1] x", class: "Issue", id: "1", title: "x", hasPrefx: true},
		{subject: "Re: Fwd: AW: SV: Ang: x", refwd: true, title: "x"},
		{subject: "Re-install fails", refwd: true, title: "install fails"},
		{subject: "Réf: truc", title: "Réf: truc"},
		{subject: "Antw: x", title: "Antw: x"},
		{subject: "FW update bricks", refwd: true, title: "update bricks"},
		{subject: "[keyword3] x", class: "keyword", id: "3", title: "x", hasPrefx: true},
		{subject: "[issue_type] crash", class: "issue_type", title: "crash", hasPrefx: true},
		{subject: "  [ issue 007 ]   spaced   [x=y]", class: "issue", id: "007", title: "spaced", args: "x=y", hasArgs: true},
		{subject: "Crash[x=y]", title: "Crash", args: "x=y", hasArgs: true},
		{subject: "[issue1] a [b] [c=d]", class: "issue", id: "1", title: "a [b]", args: "c=d", hasArgs: true, hasPrefx: true},
		{subject: `Re: "[issue1] bla [status=closed]"`, refwd: true, class: "issue", id: "1", title: "bla", args: "status=closed", hasArgs: true, hasPrefx: true},
		{subject: "[issue1] empty args []", class: "issue", id: "1", title: "empty args", hasArgs: true, hasPrefx: true},
		{subject: "help", title: "help"},
	} {
		s := p.Parse(c.subject)
		if s.Refwd != c.refwd || s.Class != c.class || s.ID != c.id || s.Title != c.title ||
			s.Args != c.args || s.HasArgs != c.hasArgs || s.HasPrefix != c.hasPrefx {
			t.Errorf("Parse(%q) = %+v, want refwd=%v class=%q id=%q title=%q args=%q hasArgs=%v hasPrefix=%v",
				c.subject, s, c.refwd, c.class, c.id, c.title, c.args, c.hasArgs, c.hasPrefx)
		}
	}
}

func TestSubjectDelimiters(t *testing.T) {
	p := mustParser(t, "{}")
	s := p.Parse("Re: {issue3} Title {status=closed}")
	if s.Class != "issue" || s.ID != "3" || s.Title != "Title" || s.Args != "status=closed" || s.ArgsWhole != "{status=closed}" {
		t.Errorf("Parse with {} = %+v", s)
	}
	if s := p.Parse("[issue3] x"); s.Class != "" || s.Title != "[issue3] x" {
		t.Errorf("[] with {} delimiters = %+v, want no designator", s)
	}
}

func TestSubjectBadRefwd(t *testing.T) {
	if _, err := NewSubjectParser(`(?<=x)`, "[]", testClasses); err == nil {
		t.Error("look-behind compiled; want an error naming refwd_re")
	}
	if _, err := NewSubjectParser(DefaultRefwd, "[", testClasses); err == nil {
		t.Error("one delimiter accepted")
	}
}

func TestRegistrationKey(t *testing.T) {
	p := mustParser(t, "[]")
	s := p.Parse("Re: Complete your registration to Python tracker -- key abcdefghijklmnopqrstuvwxyz234567")
	m := registrationKey.FindStringSubmatch(s.Title)
	if m == nil || m[1] != "abcdefghijklmnopqrstuvwxyz234567" {
		t.Errorf("registration key in %q: %v", s.Title, m)
	}
}
