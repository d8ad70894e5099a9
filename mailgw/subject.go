package mailgw

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Subject is a mail subject split by Roundup's grammar
// (roundup/mailgw.py parsedMessage.parse_subject, specs/mailgw.md §6):
//
//	Re: Fwd: "[issue42] title text [prop=value;prop=value]"
//
// The parse is purely syntactic; the gateway validates class, id and
// arguments afterwards.
type Subject struct {
	// Refwd is set when a reply/forward prefix ([mailgw] refwd_re) was
	// consumed; only such subjects are matched against item titles.
	Refwd bool
	// Quote is set when a '"' followed the prefix (broken mailers quote
	// the whole subject).
	Quote bool
	// HasPrefix is set when, after the prefix and quote, the subject
	// starts with a bracketed single word ("[Build] ..."): in strict
	// prefix mode such a subject must name a class.
	HasPrefix bool
	// Class is the class name of the designator as typed ("Issue"), ""
	// when the subject has none; ID its digits, "" for "[issue]".
	Class, ID string
	// Title is what remains between designator and arguments.
	Title string
	// Args is the text inside the trailing "[...]", ArgsWhole the same
	// with its brackets; HasArgs tells an empty "[]" from none.
	Args, ArgsWhole string
	HasArgs         bool
}

// SubjectParser parses subjects for one tracker: the class names of its
// schema, the reply-prefix expression and the bracket characters are
// configuration.
type SubjectParser struct {
	refwd, quote, prefix, class *regexp.Regexp
	args, argsQuoted            *regexp.Regexp
}

// NewSubjectParser compiles the subject grammar. refwd is [mailgw]
// refwd_re (a Python expression, matched case-insensitively and in
// verbose mode as Roundup does); delims is [mailgw]
// subject_suffix_delimiters, two characters that — despite the option's
// name — delimit the designator prefix too; classes are the schema's
// class names.
func NewSubjectParser(refwd, delims string, classes []string) (*SubjectParser, error) {
	d := []rune(delims)
	if len(d) != 2 {
		return nil, fmt.Errorf("subject_suffix_delimiters %q: want two characters", delims)
	}
	open, close := regexp.QuoteMeta(string(d[0])), regexp.QuoteMeta(string(d[1]))
	p := &SubjectParser{}
	var err error
	if p.refwd, err = compilePy("^(?:"+refwd+")", "i", true); err != nil {
		return nil, fmt.Errorf("refwd_re: %w", err)
	}
	p.quote = regexp.MustCompile(`^[` + pySpaceClass + `]*"`)
	p.prefix = regexp.MustCompile(`^` + open + `[` + pySpaceClass + `]*[` + pyWordClass + `]+[` + pySpaceClass + `]*` + close)
	names := append([]string(nil), classes...)
	sort.Strings(names)
	for i, n := range names {
		names[i] = regexp.QuoteMeta(n)
	}
	sp := `[` + pySpaceClass + `]*`
	p.class = regexp.MustCompile(`(?i)` + open + sp + `(` + strings.Join(names, "|") + `)` + sp + `(\p{Nd}+)?` + sp + close)
	p.args = regexp.MustCompile(open + `([^` + close + `]*)` + close + `$`)
	p.argsQuoted = regexp.MustCompile(open + `([^` + close + `]*)` + close + `"?$`)
	return p, nil
}

// Parse splits a decoded subject, step by step as parse_subject does:
// reply prefix, leading quote, the "[word]" prefix test, the first
// bracketed class name anywhere (text before it — a list tag — is
// dropped), the trailing argument list, and the title.
//
// Roundup cuts the argument list off at an offset computed on the
// stripped subject but applied to the unstripped one, which mangles the
// title when it is not separated by exactly one space ("Crash[x=y]"
// becomes "Cras"); Parse cuts where the list starts.
func (p *SubjectParser) Parse(subject string) Subject {
	var s Subject
	rest := subject
	if m := p.refwd.FindStringIndex(rest); m != nil && m[1] > 0 {
		s.Refwd = true
		rest = rest[m[1]:]
	}
	if m := p.quote.FindStringIndex(rest); m != nil {
		s.Quote = true
		rest = rest[m[1]:]
	}
	s.HasPrefix = p.prefix.MatchString(pyStrip(rest))
	if m := p.class.FindStringSubmatchIndex(rest); m != nil {
		s.Class = rest[m[2]:m[3]]
		if m[4] >= 0 {
			s.ID = rest[m[4]:m[5]]
		}
		rest = rest[m[1]:]
	}
	rest = pyStrip(rest)
	args := p.args
	if s.Quote {
		args = p.argsQuoted
	}
	if m := args.FindStringSubmatchIndex(rest); m != nil {
		s.HasArgs = true
		s.Args = rest[m[2]:m[3]]
		s.ArgsWhole = rest[m[0]:m[3]] + rest[m[3]:m[3]+len(closeOf(rest[m[3]:]))]
		rest = rest[:m[0]]
	}
	s.Title = pyStrip(rest)
	if s.Quote && !s.HasArgs && strings.HasSuffix(s.Title, `"`) {
		s.Title = s.Title[:len(s.Title)-1]
	}
	return s
}

// closeOf returns the closing delimiter at the start of s (one rune).
func closeOf(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

// registrationKey finds Roundup's "-- key KEY" (32 letters or digits) in
// a parsed title: a reply to the registration mail confirms the
// registration (parsedMessage.rego_confirm).
var registrationKey = regexp.MustCompile(`-- key ([a-zA-Z0-9]{32})`)
