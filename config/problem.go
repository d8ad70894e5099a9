package config

import (
	"fmt"
	"strings"
)

// Problem is one finding about a configuration file: a parse error, an
// invalid or missing value (from Validate) or something that is merely
// odd (from Warnings). It reads like a compiler message so an admin can
// jump to the line:
//
//	config.ini:12: [mailgw] keep_quoted_text: "maybe" is not one of yes, no, new
//	config.ini: [mail] domain: not set and has no default
//
// Line is 0 when the problem has no line (an option that is not in the
// file, or a value given with Config.Set); Section and Option are empty
// when the problem is about the file rather than an option.
type Problem struct {
	File    string
	Line    int
	Section string
	Option  string
	Msg     string
}

// Error formats the problem as `FILE:LINE: [section] option: message`.
func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Section != "" {
		b.WriteString("[" + p.Section + "]")
		if p.Option != "" {
			b.WriteString(" " + p.Option)
		}
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found at once, so that an admin fixes a
// config.ini in one round instead of one error per start (Roundup stops
// at the first bad option).
type Problems []Problem

// Error joins the problems, one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find a single Problem inside.
func (ps Problems) Unwrap() []error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errs
}

// orNil returns ps as an error, or a true nil when it is empty (never a
// typed nil inside a non-nil interface).
func (ps Problems) orNil() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}
