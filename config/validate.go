package config

import (
	"fmt"
	"sort"
	"strings"
)

// Validate checks every registered option and returns all problems at
// once as Problems (nil if there are none): values that do not parse
// (`config.ini:12: [web] debug: "maybe" is not a boolean: use yes or
// no`), bad %(name)s references, unreadable file:// secrets, and
// required options that are missing (`config.ini: [mail] domain: not
// set and has no default`, DESIGN.md §2.1). Roundup raises on the first
// of these; Corral lists them all so one edit fixes the file.
//
// Options Corral ignores (OpenPGP, MySQL, ...) are not validated; unknown
// sections and options are never errors (see Warnings).
func (c *Config) Validate() error {
	var ps Problems
	for _, sd := range table.sections {
		for i := range sd.options {
			o := &sd.options[i]
			if o.Ignored {
				continue
			}
			if p, bad := c.check(o); bad {
				ps = append(ps, p)
			}
		}
	}
	sortProblems(ps)
	return ps.orNil()
}

// check finds the problem of one option, if any.
func (c *Config) check(o *Option) (Problem, bool) {
	s := c.settings[o]
	p := Problem{File: s.file, Line: s.line, Section: o.Section, Option: o.Name}
	switch {
	case s.err != nil:
		p.Msg = s.err.Error()
	case o.NoDefault && !s.isSet():
		if o.RequiredIf != "" {
			if c.settings[table.option(o.Section, o.RequiredIf)].text == "" {
				return p, false
			}
			p.Msg = fmt.Sprintf("not set; it is required when [%s] %s is set", o.Section, o.RequiredIf)
			break
		}
		p.Msg = "not set and has no default"
	case o.NoDefault && s.text == "":
		if o.RequiredIf != "" && c.settings[table.option(o.Section, o.RequiredIf)].text == "" {
			return p, false
		}
		p.Msg = "must not be empty"
	default:
		return p, false
	}
	return p, true
}

// Warnings lists what Corral accepts but an admin may want to know about,
// in file order: unknown sections (bpo's [django]) and options, kept and
// ignored; Roundup options Corral does not use that are set to something
// other than their default; obsolete values read as their replacement;
// placeholders left from a template (`domain = NODEFAULT`); a missing
// [web] secret_key; a legacy db/backend_name. None of these stop a
// tracker.
func (c *Config) Warnings() []Problem {
	var ws Problems
	name := c.file.Name()
	for _, sec := range c.file.Sections() {
		sd := table.bySect[sec]
		if sd == nil {
			ws = append(ws, Problem{File: name, Line: c.file.SectionLine(sec), Section: sec,
				Msg: "unknown section; kept and ignored"})
			continue
		}
		for _, opt := range c.file.Options(sec) {
			_, line, _ := c.file.Raw(sec, opt)
			o := table.option(sec, opt)
			switch {
			case o == nil:
				msg := "unknown option; kept and ignored"
				if where := table.suggest(opt); len(where) > 0 {
					msg += " (did you mean " + strings.Join(where, " or ") + "?)"
				}
				ws = append(ws, Problem{File: name, Line: line, Section: sec, Option: opt, Msg: msg})
			case o.Ignored && !c.isDefault(o):
				ws = append(ws, Problem{File: name, Line: line, Section: sec, Option: opt,
					Msg: "Roundup option that Corral does not use; ignored"})
			}
		}
	}
	for _, sd := range table.sections {
		for i := range sd.options {
			o := &sd.options[i]
			s := c.settings[o]
			p := Problem{File: s.file, Line: s.line, Section: o.Section, Option: o.Name}
			switch {
			case s.warn != "" && s.err == nil:
				p.Msg = s.warn
			case o.NoDefault && s.isSet() && isPlaceholder(s.text):
				p.Msg = fmt.Sprintf("%q looks like a placeholder left from a template", s.text)
			case s.origin == fromGenerated:
				p.Msg = "not set; a random key is used, so sessions and links do not survive a restart and are not shared between processes (updateconfig writes one)"
			default:
				continue
			}
			ws = append(ws, p)
		}
	}
	sortProblems(ws)
	return ws
}

// isDefault reports whether an option's value equals its default, compared
// as converted values so that `no` and `false` are the same.
func (c *Config) isDefault(o *Option) bool {
	s := c.settings[o]
	if !s.isSet() {
		return true
	}
	if s.err != nil || o.NoDefault {
		return false
	}
	return o.format(s.value) == o.format(c.defaultValue(o))
}

func isPlaceholder(text string) bool {
	t := strings.ToUpper(strings.ReplaceAll(text, " ", ""))
	return t == "NODEFAULT"
}

// sortProblems puts problems in file order; those without a line (unset
// options) keep their registry order after the others.
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if (a.Line == 0) != (b.Line == 0) {
			return b.Line == 0
		}
		if a.File != b.File && a.Line != 0 {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
}
