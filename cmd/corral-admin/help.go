package main

// The help command and the general help texts.

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/corral-tracker/corral/templates"
)

// help is `help [topic]` (AdminTool.do_help): "commands", "all",
// "initopts", or a (possibly abbreviated) command name, whose help is
// printed for every command it matches. Roundup exits 0 even for an
// unknown topic; Corral prints the complaint on stderr and exits 1.
func (a *admin) help(args []string) int {
	topic := "help"
	if len(args) > 0 {
		topic = args[0]
	}
	switch topic {
	case "commands":
		a.helpCommands()
		return 0
	case "all":
		a.helpAll()
		return 0
	case "initopts":
		a.printf("Templates: %s\n", strings.Join(templates.Names(), ", "))
		a.printf("Back ends: %s\n", strings.Join(backends(), ", "))
		return 0
	}
	matches := findCommands(topic)
	if len(matches) == 0 {
		fmt.Fprintf(a.err, "Sorry, no help for \"%s\"\n", topic)
		return 1
	}
	for _, c := range matches {
		a.printf("%s\n", c.doc)
	}
	return 0
}

// backends are the [rdbms] backend values Corral supports.
func backends() []string { return []string{"postgresql", "sqlite"} }

// helpCommands prints "Commands:" and each command's usage line, sorted
// (AdminTool.help_commands).
func (a *admin) helpCommands() { a.writeCommandList(a.out) }

func (a *admin) writeCommandList(w io.Writer) {
	lines := []string{""}
	for _, c := range commands() {
		first, _, _ := strings.Cut(c.doc, "\n")
		_, u, _ := strings.Cut(first, ": ")
		lines = append(lines, " "+strings.TrimLeft(u, " "))
	}
	sort.Strings(lines)
	lines = append(lines, "Commands may be abbreviated as long as the abbreviation\nmatches only one command, e.g. l == li == lis == list.")
	fmt.Fprintf(w, "Commands: %s\n\n", strings.Join(lines, "\n"))
}

// helpAll prints the general help and every command's help
// (AdminTool.help_all).
func (a *admin) helpAll() {
	a.printf("%s\n", helpAllText)
	for _, c := range commands() {
		a.printf("%s:\n", c.name)
		a.printf("    %s\n", c.doc)
	}
}

// helpAllText is Roundup's help_all text, with Corral's names.
const helpAllText = `
All commands (except help) require a tracker specifier. This is just
the path to the corral tracker you're working with. A corral tracker
is where corral keeps the database and configuration file that defines
an issue tracker. It may be thought of as the issue tracker's "home
directory". It may be specified in the environment variable TRACKER_HOME
or on the command line as "-i tracker".

A designator is a classname and a nodeid concatenated, eg. bug1, user10, ...

Property values are represented as strings in command arguments and in the
printed results:
 . Strings are, well, strings.
 . Date values are printed in the full date format in UTC, and accepted
   in the full format or any of the partial formats explained below.
 . Link values are printed as node designators. When given as an argument,
   node designators and key strings are both accepted.
 . Multilink values are printed as lists of node designators joined
   by commas.  When given as an argument, node designators and key
   strings are both accepted; an empty string, a single node, or a list
   of nodes joined by commas is accepted.

When property values must contain spaces, just surround the value with
quotes, either ' or ". A single space may also be backslash-quoted. If a
value must contain a quote character, it must be backslash-quoted or inside
quotes. Examples:
           hello world      (2 tokens: hello, world)
           "hello world"    (1 token: hello world)
           "Roch'e" Compaan (2 tokens: Roch'e Compaan)
           Roch\'e Compaan  (2 tokens: Roch'e Compaan)
           address="1 2 3"  (1 token: address=1 2 3)
           \\               (1 token: \)
           \n\r\t           (1 token: a newline, carriage-return and tab)
           f "test\"q"      (2 tokens: f test"q)

When multiple nodes are specified to the corral-admin get or set
commands, the specified properties are retrieved or set on all the listed
nodes.

When multiple results are returned by the corral-admin get or find
commands, they are printed one per line (default) or joined by commas (with
the -c) option.

Where the command changes data, a login name/password is required. The
login may be specified as either "name" or "name:password".
 . ROUNDUP_LOGIN environment variable
 . the -u command-line option
If the name is not supplied, admin is used; a password, when given, is
checked.

Date format examples:
  "2000-04-17.03:45" means <Date 2000-04-17.03:45:00>
  "2000-04-17" means <Date 2000-04-17.00:00:00>
  "01-25" means <Date yyyy-01-25.00:00:00>
  "08-13.22:13" means <Date yyyy-08-13.22:13:00>
  "11-07.09:32:43" means <Date yyyy-11-07.09:32:43>
  "14:25" means <Date yyyy-mm-dd.14:25:00>
  "8:47:11" means <Date yyyy-mm-dd.08:47:11>
  "." means "right now"

Command help:`
