package config

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteFresh writes a new, commented config.ini with every option Corral
// uses, the way `roundup-admin genconfig` and `install` do (Roundup's
// Config.save): section comments, each option's help as `# ` lines, a
// `# Default: X` line, then `option = value`. values override defaults;
// their keys are Roundup names as SetByName takes them (`mail_domain`,
// `tracker_web`, ...). A required option without a value is written
// commented out (`#domain = NO DEFAULT`) and listed in a warning at the
// top; `install` passes working local values instead (DESIGN.md §2.1).
// A random [web] secret_key is written unless one is given. Roundup
// options that Corral ignores are left out.
func WriteFresh(w io.Writer, values map[string]string) error {
	c, err := New(".")
	if err != nil {
		return err
	}
	c.keepSecretRefs = true
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs []error
	for _, k := range keys {
		if err := c.SetByName(k, values[k]); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("writing a fresh configuration: %w", errors.Join(errs...))
	}
	return c.write(w, false)
}

// Update writes the configuration as `roundup-admin updateconfig` does: a
// fresh commented file (see WriteFresh) carrying the current settings
// over. Values set in config.ini are written as they were written there
// (with their %(name)s references), except obsolete values, which are
// replaced by what Corral uses (bpo's `html_version = xhtml` becomes
// html4); [DEFAULT], unknown sections and
// options, and set Roundup options Corral ignores are carried over
// unchanged (Roundup drops them; bpo's [django] secret would be lost).
// An unset [web] secret_key gets the random key in use, which makes it
// permanent.
func (c *Config) Update(w io.Writer) error {
	return c.write(w, true)
}

func (c *Config) write(w io.Writer, carry bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s configuration file\n", c.String("tracker", "name"))
	b.WriteString("# Written by Corral; sections and options are Roundup's.\n")
	if need := c.unsetRequired(); len(need) > 0 {
		b.WriteString("\n# WARNING! Following options need adjustments:\n")
		for _, n := range need {
			b.WriteString("#  " + n + "\n")
		}
	}
	if carry && c.fileDefaults() != nil {
		b.WriteString("\n[" + DefaultSection + "]\n")
		for _, e := range c.fileDefaults() {
			writeEntry(&b, e.name, e.value)
		}
	}
	for _, sd := range table.sections {
		if sd.ignored {
			continue
		}
		b.WriteString("\n")
		writeComment(&b, sd.help)
		b.WriteString("[" + sd.name + "]\n")
		for i := range sd.options {
			if o := &sd.options[i]; !o.Ignored {
				b.WriteString("\n")
				c.writeOption(&b, o, carry)
			}
		}
		if carry {
			c.writeExtras(&b, sd)
		}
	}
	if carry {
		for _, sec := range c.file.Sections() {
			if sd := table.bySect[sec]; sd != nil && !sd.ignored {
				continue
			}
			b.WriteString("\n[" + sec + "]\n")
			for _, opt := range c.file.Options(sec) {
				raw, _, _ := c.file.Raw(sec, opt)
				writeEntry(&b, opt, raw)
			}
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing configuration: %w", err)
	}
	return nil
}

// unsetRequired lists `[section]: a, b` for required options without a
// value, as Roundup's "WARNING! Following options need adjustments".
func (c *Config) unsetRequired() []string {
	var lines []string
	for _, sd := range table.sections {
		var names []string
		for i := range sd.options {
			o := &sd.options[i]
			if o.Ignored || !o.NoDefault || c.settings[o].isSet() {
				continue
			}
			if o.RequiredIf != "" && c.settings[table.option(o.Section, o.RequiredIf)].text == "" {
				continue
			}
			names = append(names, o.Name)
		}
		if names != nil {
			lines = append(lines, "["+sd.name+"]: "+strings.Join(names, ", "))
		}
	}
	return lines
}

// fileDefaults are the [DEFAULT] options the file itself sets (not the
// HOME/TRACKER_HOME presets).
func (c *Config) fileDefaults() []*entry {
	var es []*entry
	for _, e := range c.file.defaults.entries {
		if e.line > 0 {
			es = append(es, e)
		}
	}
	return es
}

// writeExtras carries over the options of a known section that Corral
// does not use: unknown ones and ignored Roundup ones.
func (c *Config) writeExtras(b *strings.Builder, sd *sectionDef) {
	first := true
	for _, opt := range c.file.Options(sd.name) {
		if o := table.option(sd.name, opt); o != nil && !o.Ignored {
			continue
		}
		if first {
			b.WriteString("\n# Not used by Corral; kept as found.\n")
			first = false
		}
		raw, _, _ := c.file.Raw(sd.name, opt)
		writeEntry(b, opt, raw)
	}
}

func (c *Config) writeOption(b *strings.Builder, o *Option, carry bool) {
	writeComment(b, o.Help)
	writeComment(b, o.kindHelp())
	s := c.settings[o]
	switch {
	case o.Generated:
		b.WriteString("# Default: a random key, made when this file is written\n")
	case o.NoDefault:
		b.WriteString("# Default: NO DEFAULT\n")
	default:
		writeComment(b, "Default: "+escapeValue(o.Default))
	}
	switch {
	case o.NoDefault && !s.isSet():
		b.WriteString("#" + o.Name + " = NO DEFAULT\n")
	case s.warn != "" && s.err == nil:
		// An obsolete or legacy value: write what is used instead.
		writeEntry(b, o.Name, escapeValue(o.format(s.value)))
	case carry && s.origin == fromFile:
		writeEntry(b, o.Name, s.raw)
	default:
		writeEntry(b, o.Name, escapeValue(s.text))
	}
}

// writeComment writes text as `# ` lines (nothing for empty text).
func writeComment(b *strings.Builder, text string) {
	if text == "" {
		return
	}
	for line := range strings.SplitSeq(text, "\n") {
		if line == "" {
			b.WriteString("#\n")
			continue
		}
		b.WriteString(strings.TrimRight("# "+line, " \t") + "\n")
	}
}

// writeEntry writes `name = value` with value in ini form (already
// escaped); continuation lines are indented with a tab, as configparser
// writes them.
func writeEntry(b *strings.Builder, name, value string) {
	if value == "" {
		b.WriteString(name + " =\n")
		return
	}
	b.WriteString(name + " = " + strings.ReplaceAll(value, "\n", "\n\t") + "\n")
}

// escapeValue turns a literal value into ini text: `%` becomes `%%` so
// interpolation gives it back (Roundup does this for [logging] format).
func escapeValue(text string) string {
	return strings.ReplaceAll(text, "%", "%%")
}

// Dump writes the effective settings — what the tracker will use, defaults
// included — as ini text: paths made absolute, addresses with their
// domain, choices in canonical spelling. With redact, secrets are shown
// as `***`. Options Corral ignores are left out; required options that
// are not set appear as comments.
func (c *Config) Dump(w io.Writer, redact bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Effective configuration of the tracker in %s\n", c.home)
	for _, sd := range table.sections {
		if sd.ignored {
			continue
		}
		b.WriteString("\n[" + sd.name + "]\n")
		for i := range sd.options {
			o := &sd.options[i]
			if o.Ignored {
				continue
			}
			s := c.settings[o]
			if o.NoDefault && !s.isSet() {
				b.WriteString("#" + o.Name + " = NO DEFAULT (not set)\n")
				continue
			}
			writeEntry(&b, o.Name, escapeValue(c.effective(o, s, redact)))
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing configuration dump: %w", err)
	}
	return nil
}

func (c *Config) effective(o *Option, s *setting, redact bool) string {
	switch {
	case o.Secret && redact:
		if s.text == "" {
			return ""
		}
		return "***"
	case o.Kind == Path:
		return c.Path(o.Section, o.Name)
	case o.Kind == PathList:
		return strings.Join(c.Paths(o.Section, o.Name), " ")
	case o.Kind == Address:
		return c.Address(o.Section, o.Name)
	}
	return o.format(s.value)
}
