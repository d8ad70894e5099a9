package config

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
)

// DefaultSection is configparser's pseudo-section whose options every
// other section inherits, for lookups and for %(name)s interpolation.
const DefaultSection = "DEFAULT"

// maxInterpolationDepth is configparser's MAX_INTERPOLATION_DEPTH: how
// many %(name)s references may nest before the value is refused.
const maxInterpolationDepth = 10

// File is a parsed ini file read with the rules of Python 3's
// configparser.ConfigParser in its default (strict) setup, which is what
// Roundup reads config.ini and detectors/config.ini with:
//
//   - `[name]` starts a section; section names are case-sensitive and
//     kept as written (only the line is trimmed), option names are
//     lower-cased (configparser's optionxform);
//   - `name = value` or `name: value`, the first `=` or `:` on the line
//     wins, both sides are trimmed;
//   - only whole lines starting with `#` or `;` (after indentation) are
//     comments: an inline `#` is part of the value, which Roundup relies
//     on (`subject_suffix_delimiters = []`, regular expressions, URLs
//     with fragments);
//   - a line indented deeper than its option line continues the value,
//     joined with "\n"; empty lines inside a value are kept, comment
//     lines inside a value are dropped, trailing empty lines are
//     removed (empty_lines_in_values=True);
//   - `%(name)s` is replaced, when a value is read with Get, by option
//     `name` of the same section or of [DEFAULT], recursively up to ten
//     levels; `%%` is a literal `%` (BasicInterpolation);
//   - a section or option given twice is an error (strict=True).
//
// File keeps the order of sections and options and the line each option
// was set on, so that problems can point at `config.ini:LINE` and
// updateconfig can carry unknown settings over.
type File struct {
	name     string
	defaults *section
	sections []*section
	byName   map[string]*section
}

type section struct {
	name    string
	line    int
	entries []*entry
	index   map[string]*entry
}

type entry struct {
	name  string // lower-cased
	value string // raw: uninterpolated, continuation lines joined by "\n"
	line  int    // where the option was set; 0 for SetDefault presets
	parts []string
}

// NewFile returns an empty file that reports itself as name in messages.
func NewFile(name string) *File {
	return &File{
		name:     name,
		defaults: newSection(DefaultSection, 0),
		byName:   map[string]*section{},
	}
}

func newSection(name string, line int) *section {
	return &section{name: name, line: line, index: map[string]*entry{}}
}

// ParseFile reads and parses the ini file at path; messages name the file
// by path as given.
func ParseFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading configuration: %w", err)
	}
	defer fh.Close()
	return Parse(path, fh)
}

// Parse reads an ini file from r. name is used in messages
// (`config.ini:12: ...`). All syntax errors of the file are returned at
// once as Problems; an I/O error is returned wrapped.
func Parse(name string, r io.Reader) (*File, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	// Python reads text files with universal newlines.
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")

	f := NewFile(name)
	var (
		probs       Problems
		cur         *section // nil before the first header
		opt         *entry   // the option a continuation line would extend
		indentLevel int
		seenSection = map[string]bool{}
	)
	fail := func(line int, sec, option, format string, args ...any) {
		probs = append(probs, Problem{File: name, Line: line, Section: sec, Option: option, Msg: fmt.Sprintf(format, args...)})
	}
	for i, line := range strings.Split(text, "\n") {
		lineno := i + 1
		value := strings.TrimSpace(line)
		comment := strings.HasPrefix(value, "#") || strings.HasPrefix(value, ";")
		if comment || value == "" {
			// An empty line belongs to the value being read (it is
			// dropped again if nothing follows); a comment line does not.
			if !comment && opt != nil {
				opt.parts = append(opt.parts, "")
			}
			continue
		}
		indent := len(line) - len(strings.TrimLeftFunc(line, unicode.IsSpace))
		if opt != nil && indent > indentLevel {
			opt.parts = append(opt.parts, value)
			continue
		}
		indentLevel = indent
		if name, ok := sectionHeader(value); ok {
			opt = nil
			if name == DefaultSection {
				cur = f.defaults
				continue
			}
			if seenSection[name] {
				fail(lineno, "", "", "section [%s] already exists (line %d)", name, f.byName[name].line)
				cur = f.byName[name]
				continue
			}
			seenSection[name] = true
			cur = newSection(name, lineno)
			f.sections = append(f.sections, cur)
			f.byName[name] = cur
			continue
		}
		if cur == nil {
			// configparser gives up here (MissingSectionHeaderError).
			fail(lineno, "", "", "no [section] header before this line: %q", value)
			return nil, probs
		}
		key, val, ok := splitOption(value)
		if !ok {
			fail(lineno, "", "", "cannot parse %q: want `name = value`, `[section]` or a # comment", value)
			opt = nil
			continue
		}
		if prev, dup := cur.index[key]; dup {
			fail(lineno, cur.name, key, "option already set in this section (line %d)", prev.line)
			opt = nil
			continue
		}
		opt = &entry{name: key, line: lineno, parts: []string{val}}
		cur.add(opt)
	}
	for _, s := range append([]*section{f.defaults}, f.sections...) {
		for _, e := range s.entries {
			e.value = strings.TrimRightFunc(strings.Join(e.parts, "\n"), unicode.IsSpace)
			e.parts = nil
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	return f, nil
}

// sectionHeader recognises configparser's SECTCRE, `\[(?P<header>.+)\]`
// matched at the start of the trimmed line: the name runs to the last `]`,
// anything after it is ignored, and an empty name is not a header.
func sectionHeader(line string) (string, bool) {
	if !strings.HasPrefix(line, "[") {
		return "", false
	}
	end := strings.LastIndexByte(line, ']')
	if end < 2 {
		return "", false
	}
	return line[1:end], true
}

// splitOption splits `name = value` / `name: value` at the first
// delimiter (configparser's non-greedy OPTCRE). The name is lower-cased.
func splitOption(line string) (name, value string, ok bool) {
	i := strings.IndexAny(line, "=:")
	if i < 0 {
		return "", "", false
	}
	name = strings.ToLower(strings.TrimSpace(line[:i]))
	if name == "" {
		return "", "", false
	}
	return name, strings.TrimSpace(line[i+1:]), true
}

func (s *section) add(e *entry) {
	s.entries = append(s.entries, e)
	s.index[e.name] = e
}

// Name is the file name used in messages.
func (f *File) Name() string { return f.name }

// Sections lists the sections in file order, without [DEFAULT] (as
// configparser's sections() does).
func (f *File) Sections() []string {
	names := make([]string, len(f.sections))
	for i, s := range f.sections {
		names[i] = s.name
	}
	return names
}

// HasSection reports whether the file has section name ([DEFAULT] never
// counts, as in configparser).
func (f *File) HasSection(name string) bool {
	_, ok := f.byName[name]
	return ok
}

// SectionLine is the line of the section's header, 0 if there is none.
func (f *File) SectionLine(name string) int {
	if s, ok := f.byName[name]; ok {
		return s.line
	}
	return 0
}

// Options lists the options set in the section itself, in file order;
// unlike configparser's options() it leaves out the inherited [DEFAULT]
// ones. Options(DefaultSection) lists [DEFAULT].
func (f *File) Options(sectionName string) []string {
	s := f.section(sectionName)
	if s == nil {
		return nil
	}
	names := make([]string, len(s.entries))
	for i, e := range s.entries {
		names[i] = e.name
	}
	return names
}

func (f *File) section(name string) *section {
	if name == DefaultSection {
		return f.defaults
	}
	return f.byName[name]
}

// Raw returns an option's uninterpolated value and the line it was set on.
// As configparser's has_option, an option of [DEFAULT] is found in every
// section that exists, and in none that does not. Option names are
// case-insensitive.
func (f *File) Raw(sectionName, option string) (value string, line int, ok bool) {
	e := f.lookup(sectionName, option)
	if e == nil {
		return "", 0, false
	}
	return e.value, e.line, true
}

func (f *File) lookup(sectionName, option string) *entry {
	option = strings.ToLower(option)
	s := f.section(sectionName)
	if s == nil {
		return nil
	}
	if e, ok := s.index[option]; ok {
		return e
	}
	return f.defaults.index[option]
}

// Get returns an option's value with %(name)s references replaced, as
// configparser's get does. ok is false when the option is not set; err
// says why a reference could not be resolved.
func (f *File) Get(sectionName, option string) (value string, ok bool, err error) {
	e := f.lookup(sectionName, option)
	if e == nil {
		return "", false, nil
	}
	value, err = f.interpolate(sectionName, e)
	if err != nil {
		return "", true, err
	}
	return value, true, nil
}

// SetDefault puts option into [DEFAULT] unless the file sets it there
// itself, as values passed to configparser.ConfigParser(defaults) do:
// Roundup passes TRACKER_HOME and HOME this way so that config.ini may say
// `%(TRACKER_HOME)s/db`. The value is literal (a % in it stays a %).
func (f *File) SetDefault(option, value string) {
	option = strings.ToLower(option)
	if _, ok := f.defaults.index[option]; ok {
		return
	}
	f.defaults.add(&entry{name: option, value: strings.ReplaceAll(value, "%", "%%")})
}

// interpolate expands the references in e's value for a read from
// sectionName, following BasicInterpolation._interpolate_some: names are
// looked up (lower-cased) in the section, then in [DEFAULT], and a
// substituted value is itself expanded.
func (f *File) interpolate(sectionName string, e *entry) (string, error) {
	var b strings.Builder
	fail := func(format string, args ...any) error {
		return Problem{File: f.name, Line: e.line, Section: sectionName, Option: e.name, Msg: fmt.Sprintf(format, args...)}
	}
	var expand func(rest string, depth int) error
	expand = func(rest string, depth int) error {
		if depth > maxInterpolationDepth {
			return fail("%%(...)s references nest more than %d deep (a reference loop?) in %q", maxInterpolationDepth, e.value)
		}
		for rest != "" {
			p := strings.IndexByte(rest, '%')
			if p < 0 {
				b.WriteString(rest)
				return nil
			}
			b.WriteString(rest[:p])
			rest = rest[p:]
			switch {
			case strings.HasPrefix(rest, "%%"):
				b.WriteByte('%')
				rest = rest[2:]
			case strings.HasPrefix(rest, "%("):
				end := strings.IndexByte(rest, ')')
				if end < 3 || !strings.HasPrefix(rest[end:], ")s") {
					return fail("bad %%(name)s reference at %q (write %%%% for a literal %%)", rest)
				}
				name := strings.ToLower(rest[2:end])
				rest = rest[end+2:]
				ref := f.lookup(sectionName, name)
				if ref == nil {
					return fail("%%(%s)s refers to no option %q in [%s] or [%s] (write %%%% for a literal %%)", name, name, sectionName, DefaultSection)
				}
				if !strings.Contains(ref.value, "%") {
					b.WriteString(ref.value)
					continue
				}
				if err := expand(ref.value, depth+1); err != nil {
					return err
				}
			default:
				return fail("%% must be followed by %% or (name)s, found %q", rest)
			}
		}
		return nil
	}
	if err := expand(e.value, 1); err != nil {
		return "", err
	}
	return b.String(), nil
}
