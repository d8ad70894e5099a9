// Package detectors holds Corral's built-in auditors and reactors: the Go
// counterparts of the Python detectors of Roundup's classic template
// (share/roundup/templates/classic/detectors/) and of bugs.python.org
// (psf/bpo-tracker-cpython, detectors/ as run before commit cc94a75).
//
// A tracker enables them by name in detectors/config.ini
//
//	[detectors]
//	enabled = statusauditor, messagesummary, nosyreaction, ...
//
// and cmd/* calls Install with that list. Each detector lives in a file
// named after it whose doc comment cites the file it replaces, what it
// does, and where it departs from the original. Install checks that the
// schema has every class and property a detector uses, so a template that
// lacks one fails at start with a message naming the detector and the
// missing piece instead of failing on the first write.
//
// Detectors read their settings through the Service: config.ini
// (Service.Config: [nosy] add_author, the tracker's web URL, [irker] ...) and
// detectors/config.ini (Service.DetectorConfig: [main] busybody_email,
// [irker] channels, [autonosy] release_managers, ...), at the time they
// run, so a reloaded configuration takes effect without re-installing.
// The settings, by detector (detectors/config.ini unless marked C for
// config.ini or C/D for config.ini first, then detectors/config.ini):
//
//	messagesummary         C   [mailgw] keep_quoted_text, eol_re, blankline_re
//	nosyreaction           C   [nosy] add_author, add_recipients (yes/no/new, default new)
//	                       C/D [nosy] property_changes (yes/no, default no)
//	                           [nosyreaction] add_creator (yes/no, default: bpo schema)
//	classic_statusauditor      [statusauditor] chatting_requires_two_users
//	userauditor                [userauditor] username_charset (bpo/roundup, default bpo)
//	autonosy                   [autonosy] release_managers
//	pull_request               [pull_request] repository (OWNER/REPO)
//	irker                  C/D [irker] channels, announce_changes; C [tracker] web
//	busybody, tellteam         [main] busybody_email, triage_email, spambayes_spam_cutoff
//
// Reactors never send anything themselves: they enqueue outbox events
// (tracker.EventNosy, tracker.EventIrker, tracker.EventCopy) inside the
// transaction, so nothing is announced before it is committed. The
// payloads are JSON; their Go types are documented in payloads.go.
package detectors

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// Detector priorities. Roundup runs auditors and reactors in ascending
// priority, 100 by default (roundup/hyperdb.py Class.audit/react); bpo ran
// nosyreaction's addcreator at 110 and countauditor at 120 so that they
// see the nosy list the other auditors built.
const (
	prioDefault    = 100
	prioAddCreator = 110
	prioCount      = 120
)

// installer checks a Service's schema and settings for one detector and
// returns the function that registers its hooks. Install calls every
// installer first and registers only when all succeeded, so a failing
// Install leaves the Service untouched.
type installer func(s *tracker.Service) (register func(), err error)

// builtin is one entry of the detector table.
type builtin struct {
	name    string
	install installer
}

// builtins is the table of built-in detectors (docs/schema-files.md), in
// the order their hooks are registered. Within one priority Roundup runs
// hooks in registration order, so this order is part of the behaviour:
// file type fixes before anything reads a type, status defaults before
// the rules that look at the status, autoassign before nosyreaction (the
// assignee it picks joins the nosy list), countauditor last. Install
// follows this order whatever order the tracker lists the names in.
var builtins = [...]builtin{
	{"userauditor", installUserAuditor},
	{"messagesummary", installMessageSummary},
	{"textplain", installTextPlain},
	{"no_texthtml", installNoTextHTML},
	{"patches", installPatches},
	{"hgrepo", installHgRepo},
	{"pull_request", installPullRequest},
	{"statusauditor", installStatusAuditor},
	{"classic_statusauditor", installClassicStatusAuditor},
	{"priorityauditor", installPriorityAuditor},
	{"severityauditor", installSeverityAuditor},
	{"reopenpending", installReopenPending},
	{"issuestates", installIssueStates},
	{"autoassign", installAutoAssign},
	{"autonosy", installAutoNosy},
	{"nosyreaction", installNosyReaction},
	{"countauditor", installCountAuditor},
	{"irker", installIrker},
	{"busybody", installBusybody},
	{"tellteam", installTellTeam},
}

// Names returns the names of the built-in detectors, sorted.
func Names() []string {
	out := make([]string, 0, len(builtins))
	for _, b := range builtins {
		out = append(out, b.name)
	}
	sort.Strings(out)
	return out
}

// Install registers the named built-in detectors on s (the `enabled`
// list of detectors/config.ini; blanks are ignored). An unknown or
// repeated name, a schema lacking what a detector needs, or an invalid
// detector setting is an error, and then nothing is registered. Call it
// once per Service, before the first write.
func Install(s *tracker.Service, names []string) error {
	want := map[string]bool{}
	var unknown []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !known(n) {
			unknown = append(unknown, fmt.Sprintf("%q", n))
			continue
		}
		if want[n] {
			return fmt.Errorf("installing detectors: %q is listed twice", n)
		}
		want[n] = true
	}
	if len(unknown) > 0 {
		return fmt.Errorf("installing detectors: unknown detector %s (known: %s)",
			strings.Join(unknown, ", "), strings.Join(Names(), ", "))
	}
	var regs []func()
	var errs []error
	for _, b := range builtins {
		if !want[b.name] {
			continue
		}
		reg, err := b.install(s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		regs = append(regs, reg)
	}
	if len(errs) > 0 {
		return fmt.Errorf("installing detectors: %w", errors.Join(errs...))
	}
	for _, reg := range regs {
		reg()
	}
	return nil
}

func known(name string) bool {
	for _, b := range builtins {
		if b.name == name {
			return true
		}
	}
	return false
}
