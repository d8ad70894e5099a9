package detectors

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// The default body-parsing expressions of Roundup's [mailgw] section
// (roundup/configuration.py eol_re, blankline_re). Python's \s also
// matches \v, \x1c-\x1f and Unicode spaces; the class below spells that
// out for Go's RE2. (sign_re and origmsg_re only drop later sections, so
// they never change the summary.)
var (
	defaultEOL       = regexp.MustCompile(`[\r\n]+`)
	defaultBlankLine = regexp.MustCompile(`[\r\n]+[\t\n\v\f\r\x1c-\x1f\x{85}\p{Z}]*[\r\n]+`)
	sentenceRE       = regexp.MustCompile(`^[^!?.]+[!?.]`)
)

// bodyRules are the settings of Roundup's parseContent
// (roundup/mailgw.py) that shape the summary.
type bodyRules struct {
	eol, blankLine *regexp.Regexp
	// keepQuoted is [mailgw] keep_quoted_text (yes; "new" counts as no
	// outside the mail gateway, as parseContent's is_new_issue=False).
	keepQuoted bool
}

func defaultBodyRules() bodyRules {
	return bodyRules{eol: defaultEOL, blankLine: defaultBlankLine, keepQuoted: true}
}

// Summary returns the summary Roundup gives a message body (its
// msg.summary), by the rules of roundup/mailgw.py parseContent with the
// default [mailgw] expressions (specs/mailgw.md §13):
//
//   - leading line breaks are dropped and the body is split into
//     sections at blank lines;
//   - a section whose first or second line starts with '>' or '|' is
//     quoting: if all its other lines are quoted (or empty) it never
//     gives the summary; if an unquoted line follows the quoted ones
//     (an inline answer) it does, from that line on unless keepQuoted;
//   - the first section left is the summary source; the summary is its
//     first line, or — when longer — the text up to and including the
//     first '.', '!' or '?' (which may run over line breaks).
func Summary(content string, keepQuoted bool) string {
	r := defaultBodyRules()
	r.keepQuoted = keepQuoted
	return r.summary(content)
}

func (r bodyRules) summary(content string) string {
	content = strings.TrimLeft(content, "\r\n")
	for _, section := range r.blankLine.Split(content, -1) {
		if section == "" {
			continue
		}
		lines := r.eol.Split(section, -1)
		if !quoted(lines[0]) && !(len(lines) > 1 && quoted(lines[1])) {
			return r.pick(section)
		}
		// A quoting section: find an answer inside it.
		answer := -1
		for i, line := range lines[1:] {
			if line != "" && !quoted(line) {
				answer = i + 1
				break
			}
		}
		if answer < 0 {
			continue
		}
		if !r.keepQuoted {
			lines = lines[answer:]
		}
		return r.pick(strings.Join(lines, "\n"))
	}
	return ""
}

// pick cuts the summary out of the summary source: its first line or its
// first sentence, whichever is longer. (Roundup takes max() of the two
// strings; both are prefixes of the source, so the larger is the longer.)
func (r bodyRules) pick(source string) string {
	first := r.eol.Split(source, 2)[0]
	sentence := sentenceRE.FindString(source)
	if utf8.RuneCountInString(sentence) > utf8.RuneCountInString(first) {
		return sentence
	}
	return first
}

// quoted reports whether a line starts with Roundup's quote marks.
func quoted(line string) bool {
	return line != "" && (line[0] == '>' || line[0] == '|')
}
