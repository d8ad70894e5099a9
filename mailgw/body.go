package mailgw

import (
	"fmt"
	"regexp"
	"strings"
)

// BodyRules clean a message body the way Roundup's parseContent
// (roundup/mailgw.py, specs/mailgw.md §13) does, with the [mailgw]
// expressions eol_re, blankline_re, sign_re and origmsg_re.
type BodyRules struct {
	eol, blankLine, sign, origMsg *regexp.Regexp
	// outlook finds the header block Outlook puts above the quoted
	// original when it quotes without "-----Original Message-----".
	outlook *regexp.Regexp
}

// Defaults of Roundup's [mailgw] body expressions.
const (
	DefaultEOL       = `[\r\n]+`
	DefaultBlankLine = `[\r\n]+\s*[\r\n]+`
	DefaultSign      = `^[>|\s]*-- ?$`
	DefaultOrigMsg   = `^[>|\s]*-----\s?Original Message\s?-----$`
	DefaultRefwd     = `(\s*\W?\s*(fw|fwd|re|aw|sv|ang)\W)+`
)

// NewBodyRules compiles the four expressions (Python syntax; "" means
// Roundup's default). sign and origMsg are matched at the start of a line
// as Python's re.match does.
func NewBodyRules(eol, blankLine, sign, origMsg string) (*BodyRules, error) {
	def := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	r := &BodyRules{}
	var err error
	if r.eol, err = compilePy(def(eol, DefaultEOL), "", false); err != nil {
		return nil, fmt.Errorf("eol_re: %w", err)
	}
	if r.blankLine, err = compilePy(def(blankLine, DefaultBlankLine), "", false); err != nil {
		return nil, fmt.Errorf("blankline_re: %w", err)
	}
	if r.sign, err = compilePy("^(?:"+def(sign, DefaultSign)+")", "", false); err != nil {
		return nil, fmt.Errorf("sign_re: %w", err)
	}
	if r.origMsg, err = compilePy("^(?:"+def(origMsg, DefaultOrigMsg)+")", "", false); err != nil {
		return nil, fmt.Errorf("origmsg_re: %w", err)
	}
	r.outlook = outlookHeader
	return r, nil
}

// outlookHeader is the first line of Outlook's reply header block
// ("From: Bob <bob@x>" directly under a line of underscores, or followed
// by "Sent:"), which Outlook uses instead of "-----Original Message-----"
// since 2010.
var outlookHeader = regexp.MustCompile(`^(?:_{10,}[\r\n]+)?(?:From|Von|De|Van|Da): [^\r\n]*[\r\n]+(?:Sent|Gesendet|Envoyé|Verzonden|Inviato|Date): `)

// Clean returns the summary and the cleaned content of a body:
//
//   - leading line breaks go, the body is split into sections at blank
//     lines and each section into lines;
//   - a section whose first or second line starts with '>' or '|' is
//     quoting: all quoted, it is kept only with keepQuoted and never gives
//     the summary; with an unquoted line inside (an inline answer) it is
//     kept from that line on (whole with keepQuoted); without keepQuoted a
//     later section's unquoted first line is kept unless it ends with ':'
//     (the "Bob wrote:" attribution);
//   - the first section left gives the summary and is always kept;
//   - the last non-empty section is dropped as a signature when it starts
//     with sign_re ("-- ") and has 2 to 10 lines; a section starting with
//     origmsg_re ("-----Original Message-----") — or, a Corral addition,
//     when quotes are stripped, with Outlook's "From: ... Sent: ..."
//     reply header — ends the content, whatever follows;
//   - when quotes are stripped, a short section ending in ':' right
//     above an all-quoted one (a wrapped "On ..., Bob wrote:") goes too
//     (Corral);
//   - kept sections are joined by one blank line, unless keepBody
//     ([mailgw] leave_body_unchanged) keeps the body as it came.
//
// The summary is the summary section's first line, or its first sentence
// when that is longer (detectors.Summary gives the same for the default
// expressions).
func (r *BodyRules) Clean(content string, keepQuoted, keepBody bool) (summary, cleaned string) {
	body := strings.TrimLeft(content, "\r\n")
	if body == "" && content != "" {
		// Roundup's loop stops at the last character (quirk: a body of
		// only line breaks keeps one); the result is blank either way.
		body = content[len(content)-1:]
	}
	sections := r.blankLine.Split(body, -1)
	last := len(sections) - 1
	for last > 0 && sections[last] == "" {
		last--
	}
	var kept []string
	haveSummary := false
sections:
	for ns, section := range sections {
		if section == "" {
			continue
		}
		lines := r.eol.Split(section, -1)
		q1 := quoted(lines[0])
		q2 := len(lines) > 1 && quoted(lines[1])
		if q1 || q2 {
			if ns > 0 && !q1 && lines[0] != "" && !keepQuoted && !strings.HasSuffix(lines[0], ":") {
				kept = append(kept, lines[0])
			}
			answer := -1
			for i, line := range lines[1:] {
				if line != "" && !quoted(line) {
					answer = i + 1
					break
				}
			}
			if answer < 0 {
				if keepQuoted {
					kept = append(kept, section)
				}
				continue
			}
			if !keepQuoted {
				lines = lines[answer:]
			}
			section = strings.Join(lines, "\n")
		}
		switch {
		case !haveSummary:
			summary, haveSummary = section, true
		case ns == last && r.sign.MatchString(lines[0]) && len(lines) >= 2 && len(lines) <= 10:
			break sections // a signature
		case r.origMsg.MatchString(lines[0]):
			break sections // Outlook's quoted original
		case !keepQuoted && r.outlook.MatchString(section):
			break sections // Outlook's reply header (Corral)
		case !keepQuoted && r.attribution(lines, sections[ns+1:]):
			continue // "On DATE, NAME wrote:" over a quote (Corral)
		}
		kept = append(kept, section)
	}
	if haveSummary {
		summary = r.pick(summary)
	}
	if keepBody {
		return summary, content
	}
	return summary, strings.Join(kept, "\n\n")
}

// attribution reports whether a section of at most three lines ending in
// ':' introduces a section that is all quoted — Gmail's and Apple Mail's
// "On Mon, 1 Jan 2024 at 10:00, Bob <bob@example.com> wrote:", which they
// wrap over two lines so that Roundup's one-line rule misses it.
func (r *BodyRules) attribution(lines, next []string) bool {
	if len(lines) > 3 || !strings.HasSuffix(strings.TrimRightFunc(lines[len(lines)-1], pyIsSpace), ":") {
		return false
	}
	for _, s := range next {
		if s == "" {
			continue
		}
		for _, l := range r.eol.Split(s, -1) {
			if l != "" && !quoted(l) {
				return false
			}
		}
		return true
	}
	return false
}

// pick cuts the summary out of its section: the first line, or the text
// up to the first '.', '!' or '?' when that is longer (Roundup takes
// max() of the two; both are prefixes of the section, so the larger is the
// longer one).
func (r *BodyRules) pick(section string) string {
	first := r.eol.Split(section, 2)[0]
	if s := sentence.FindString(section); len(s) > len(first) {
		return s
	}
	return first
}

var sentence = regexp.MustCompile(`^[^!?.]+[!?.]`)

// quoted reports whether a line starts with one of Roundup's quote marks.
func quoted(line string) bool { return line != "" && (line[0] == '>' || line[0] == '|') }
