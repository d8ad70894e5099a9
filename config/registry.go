package config

import (
	"slices"
	"sort"
	"strings"
)

// sectionDef is one section of the option table, in genconfig order.
type sectionDef struct {
	name string
	// help is the comment genconfig writes above the section header.
	help string
	// ignored marks a Roundup section Corral does not use; every option
	// in it is Ignored.
	ignored bool
	options []Option
}

// registry is the option table with its indexes. It is built once and
// never changed; it is the package's only global.
type registry struct {
	sections []*sectionDef
	bySect   map[string]*sectionDef
	byKey    map[[2]string]*Option
	// byName maps Roundup's upper-case canonical names and aliases.
	byName map[string]*Option
}

// table is the immutable registry of every option Corral knows: Roundup
// 2.x's roundup/configuration.py SETTINGS for all sections, with Corral's
// own options and defaults added (DESIGN.md §2.1).
var table = newRegistry(
	&sectionDef{name: "main", options: mainOptions()},
	&sectionDef{name: "tracker", options: trackerOptions()},
	&sectionDef{name: "web", options: webOptions()},
	&sectionDef{name: "rdbms", help: "Database settings. Corral stores trackers in SQLite (a file under\n[main] database) or PostgreSQL (the other settings of this section).", options: rdbmsOptions()},
	&sectionDef{name: "sessiondb", ignored: true, help: "Choose configuration for session and one time key storage.", options: sessiondbOptions()},
	&sectionDef{name: "logging", options: loggingOptions()},
	&sectionDef{name: "mail", help: "Outgoing email options.\nUsed for nosy messages, password reset and registration approval\nrequests.", options: mailOptions()},
	&sectionDef{name: "mailgw", help: "Roundup Mail Gateway options", options: mailgwOptions()},
	&sectionDef{name: "pgp", ignored: true, help: "OpenPGP mail processing options", options: pgpOptions()},
	&sectionDef{name: "nosy", help: "Nosy messages sending", options: nosyOptions()},
	&sectionDef{name: "markdown", help: "Markdown rendering options.", options: markdownOptions()},
	&sectionDef{name: "irker", help: "IRC announcements of tracker changes, sent as irker JSON to irkerd\n(or to Corral's built-in relay), as bpo's detectors/irker.py did.", options: irkerOptions()},
	&sectionDef{name: "jobs", help: "Periodic jobs corral-server runs (one process of several at a time):\nbpo's close-pending and weekly summary scripts, and key expiry.", options: jobsOptions()},
)

func newRegistry(sections ...*sectionDef) *registry {
	r := &registry{
		bySect: map[string]*sectionDef{},
		byKey:  map[[2]string]*Option{},
		byName: map[string]*Option{},
	}
	for _, s := range sections {
		r.sections = append(r.sections, s)
		r.bySect[s.name] = s
		for i := range s.options {
			o := &s.options[i]
			o.Section = s.name
			o.Ignored = o.Ignored || s.ignored
			r.byKey[[2]string{s.name, o.Name}] = o
			r.byName[o.CanonicalName()] = o
			for _, a := range o.Aliases {
				r.byName[strings.ToUpper(a)] = o
			}
		}
	}
	return r
}

func (r *registry) option(section, name string) *Option {
	return r.byKey[[2]string{section, strings.ToLower(name)}]
}

// resolve finds an option by Roundup's SECTION_OPTION name (any case),
// or by the bare name for [main], or by an old alias.
func (r *registry) resolve(name string) *Option {
	return r.byName[strings.ToUpper(strings.TrimSpace(name))]
}

// sectionOf returns the longest known section that prefixes name as
// SECTION_..., "main" if none does; used to word the error for a name
// that resolves to nothing.
func (r *registry) sectionOf(name string) (section, option string) {
	lower := strings.ToLower(strings.TrimSpace(name))
	best := ""
	for _, s := range r.sections {
		if strings.HasPrefix(lower, s.name+"_") && len(s.name) > len(best) {
			best = s.name
		}
	}
	if best == "" {
		return "main", lower
	}
	return best, lower[len(best)+1:]
}

// Options returns a copy of the option table in genconfig order (Roundup's
// order, Corral's additions last in their section), for documentation
// and `corral-admin help` style listings.
func Options() []Option {
	var all []Option
	for _, s := range table.sections {
		for _, o := range s.options {
			o.Choices = slices.Clone(o.Choices)
			o.Aliases = slices.Clone(o.Aliases)
			all = append(all, o)
		}
	}
	return all
}

// Sections lists the sections of the option table in genconfig order.
func Sections() []string {
	names := make([]string, len(table.sections))
	for i, s := range table.sections {
		names[i] = s.name
	}
	return names
}

// LookupName resolves a Roundup option name as `roundup-admin install
// ... key=value` and config["..."] take it — `mail_domain`,
// `tracker_web`, `mailgw_keep_quoted_text`, `admin_email` (a [main]
// option has no prefix), or an old alias like `MAILHOST` — to its section
// and option. Names are case-insensitive; a section prefix such as
// `mailgw_` wins over a shorter one (`mail_`).
func LookupName(name string) (section, option string, ok bool) {
	o := table.resolve(name)
	if o == nil {
		return "", "", false
	}
	return o.Section, o.Name, true
}

// suggest names registered sections that have an option called name,
// for "did you mean" hints on unknown options.
func (r *registry) suggest(name string) []string {
	var where []string
	for _, s := range r.sections {
		for _, o := range s.options {
			if o.Name == name {
				where = append(where, "["+s.name+"] "+name)
			}
		}
	}
	sort.Strings(where)
	return where
}
