package main

// Admin session settings (pragma) with Roundup's names, types and help.

import (
	"sort"
	"strconv"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// pragmaDef is one admin session setting of Roundup's AdminTool.settings:
// its default (whose Go type is the setting's type: bool, int, string or
// float64) and its help text.
type pragmaDef struct {
	name string
	def  any
	help string
}

// pragmaDefs are Roundup 2.6's settings with their help texts; names
// starting with "_" are hidden unless verbose is on.
func pragmaDefs() []pragmaDef {
	return []pragmaDef{
		{"display_header", false, "Have 'display designator[,designator*]' show header inside\n      []'s before items. Includes retired/active status.\n"},
		{"display_protected", false, "Have 'display designator' and 'specification class' show\n      protected fields: creator, id etc.\n"},
		{"indexer_backend", "as set in config.ini", "Set indexer to use when running 'reindex' NYI\n"},
		{"history_features", 0, "Controls history options. It is a bitstring where setting\n      the bit disables the feature. A value of 0 (default)\n      enables all features. Value 1 disables loading of\n      history.  Value 2 disables saving history. Value 4\n      disables loading init file. Since it is a bitstring a\n      value of 6 disables both loading init file and saving\n      history.\n"},
		{"history_length", -1, "Set the number of lines of history to keep for this session.\n      -1 is infinite.\n"},
		{"_reopen_tracker", false, "Force reopening of tracker when running each command.\n"},
		{"savepoint_limit", 10000, "set the number of rows imported before a database commit is\n      done. Used only for imports on PostgreSQL.\n"},
		{"show_retired", "no", "Show retired items in table, list etc. One of 'no', 'only', 'both'\n"},
		{"_retired_val", false, "internal mapping for show_retired.\n"},
		{"verbose", false, "Enable verbose output: tracing, descriptions...\n"},
		{"_inttest", 3, "Integer valued setting. For testing only.\n"},
		{"_floattest", 3.5, "Float valued setting. For testing only.\n"},
	}
}

func defaultSettings() map[string]any {
	m := map[string]any{}
	for _, d := range pragmaDefs() {
		m[d.name] = d.def
	}
	return m
}

// retiredMode maps the show_retired pragma to a filter mode (Roundup's
// _retired_val: False = active, True = retired only, None = both).
func (a *admin) retiredMode() tracker.RetiredMode {
	switch a.settings["_retired_val"] {
	case true:
		return tracker.RetiredOnly
	case nil:
		return tracker.AnyRetired
	}
	return tracker.ActiveOnly
}

// pyStr prints a setting value as Python's str() does.
func pyStr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int:
		return strconv.Itoa(x)
	case float64:
		return tracker.PyFloat(x)
	case string:
		return x
	}
	return ""
}

// cmdPragma is `pragma setting=value | list` (AdminTool.do_pragma).
func (a *admin) cmdPragma(args []string) error {
	if len(args) < 1 {
		return errNotEnough()
	}
	if !strings.Contains(args[0], "=") {
		if args[0] != "list" {
			return usagef("Argument must be setting=value, was given: %s.", args[0])
		}
		a.listPragmas()
		return nil
	}
	return a.setPragma(args[0])
}

func (a *admin) listPragmas() {
	a.println("Current settings and values (NYI - not yet implemented):")
	verbose := a.settings["verbose"].(bool)
	help := map[string]string{}
	var names []string
	for _, d := range pragmaDefs() {
		help[d.name] = d.help
		names = append(names, d.name)
	}
	sort.Strings(names)
	for _, k := range names {
		if strings.HasPrefix(k, "_") && !verbose {
			continue
		}
		a.printf("   %s=%s\n", k, pyStr(a.settings[k]))
		if verbose {
			a.printf("      %s\n", help[k])
		}
	}
}

// setPragma applies "setting=value" with Roundup's type rules.
func (a *admin) setPragma(arg string) error {
	setting, value, ok := strings.Cut(arg, "=")
	if !ok {
		return usagef("Argument must be setting=value, was given: %s.", arg)
	}
	cur, known := a.settings[setting]
	if !known {
		return usagef("Unknown setting %s. Try \"pragma list\".", setting)
	}
	if setting == "_retired_val" {
		cur = false // Roundup: its type is that of its initial value
	}
	switch cur.(type) {
	case bool:
		switch strings.ToLower(value) {
		case "yes", "true", "on", "1":
			a.settings[setting] = true
		case "no", "false", "off", "0":
			a.settings[setting] = false
		default:
			return usagef("Incorrect value for boolean setting %s: %s.", setting, strings.ToLower(value))
		}
	case int:
		n, err := strconv.Atoi(value)
		if err != nil {
			return usagef("Incorrect value for integer setting %s: %s.", setting, value)
		}
		a.settings[setting] = n
		if setting == "history_length" && a.editor != nil {
			a.editor.setHistoryLength(n)
		}
	case string:
		if setting == "show_retired" {
			switch value {
			case "both":
				a.settings["_retired_val"] = nil
			case "only":
				a.settings["_retired_val"] = true
			case "no":
				a.settings["_retired_val"] = false
			default:
				return usagef("Incorrect value for setting %s: %s. Should be no, both, or only.", setting, value)
			}
		}
		a.settings[setting] = value
	default:
		return usagef("Internal error: pragma can not handle values of type: float")
	}
	return nil
}
