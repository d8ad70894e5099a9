package main

// The command table and Roundup's unique-prefix command lookup.

import (
	"sort"
	"strings"
)

// needs says what a command needs before it runs.
type needs uint8

const (
	// needNothing: help, templates, genconfig, pragma, readline run
	// without a tracker (as in Roundup, where they need no database).
	needNothing needs = iota
	// needHome: install and initialise need a home directory name only.
	needHome
	// needTracker: everything else opens the tracker first.
	needTracker
)

// command is one roundup-admin command: its name, help text (Roundup's
// docstring, its first line "Usage: ..."), what it needs and whether it
// changes the database (the session then has uncommitted changes).
type command struct {
	name   string
	doc    string
	needs  needs
	writes bool
	run    func(a *admin, args []string) error
}

// commands returns the command table, sorted by name. It is built per
// call (it is small) so that no mutable package state exists.
func commands() []*command {
	cmds := []*command{
		{name: "commit", doc: docCommit, needs: needTracker, run: (*admin).cmdCommit},
		{name: "create", doc: docCreate, needs: needTracker, writes: true, run: (*admin).cmdCreate},
		{name: "display", doc: docDisplay, needs: needTracker, run: (*admin).cmdDisplay},
		{name: "export", doc: docExport, needs: needTracker, run: (*admin).cmdExport},
		{name: "exporttables", doc: docExporttables, needs: needTracker, run: (*admin).cmdExporttables},
		{name: "filter", doc: docFilter, needs: needTracker, run: (*admin).cmdFilter},
		{name: "find", doc: docFind, needs: needTracker, run: (*admin).cmdFind},
		{name: "genconfig", doc: docGenconfig, needs: needNothing, run: (*admin).cmdGenconfig},
		{name: "get", doc: docGet, needs: needTracker, run: (*admin).cmdGet},
		{name: "help", doc: docHelp, needs: needNothing, run: func(a *admin, args []string) error {
			if a.help(args) != 0 {
				return errReported
			}
			return nil
		}},
		{name: "history", doc: docHistory, needs: needTracker, run: (*admin).cmdHistory},
		{name: "import", doc: docImport, needs: needTracker, run: (*admin).cmdImport},
		{name: "importtables", doc: docImporttables, needs: needTracker, run: (*admin).cmdImporttables},
		{name: "initialise", doc: docInitialise, needs: needHome, run: (*admin).cmdInitialise},
		{name: "install", doc: docInstall, needs: needHome, run: (*admin).cmdInstall},
		{name: "list", doc: docList, needs: needTracker, run: (*admin).cmdList},
		{name: "migrate", doc: docMigrate, needs: needTracker, run: (*admin).cmdMigrate},
		{name: "pack", doc: docPack, needs: needTracker, writes: true, run: (*admin).cmdPack},
		{name: "perftest", doc: docPerftest, needs: needTracker, run: (*admin).cmdPerftest},
		{name: "pragma", doc: docPragma, needs: needNothing, run: (*admin).cmdPragma},
		{name: "readline", doc: docReadline, needs: needNothing, run: (*admin).cmdReadline},
		{name: "reindex", doc: docReindex, needs: needTracker, writes: true, run: (*admin).cmdReindex},
		{name: "restore", doc: docRestore, needs: needTracker, writes: true, run: (*admin).cmdRestore},
		{name: "retire", doc: docRetire, needs: needTracker, writes: true, run: (*admin).cmdRetire},
		{name: "rollback", doc: docRollback, needs: needTracker, run: (*admin).cmdRollback},
		{name: "security", doc: docSecurity, needs: needTracker, run: (*admin).cmdSecurity},
		{name: "set", doc: docSet, needs: needTracker, writes: true, run: (*admin).cmdSet},
		{name: "specification", doc: docSpecification, needs: needTracker, run: (*admin).cmdSpecification},
		{name: "table", doc: docTable, needs: needTracker, run: (*admin).cmdTable},
		{name: "templates", doc: docTemplates, needs: needNothing, run: (*admin).cmdTemplates},
		{name: "updateconfig", doc: docUpdateconfig, needs: needHome, run: (*admin).cmdUpdateconfig},
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	return cmds
}

// findCommands resolves a possibly abbreviated command name as Roundup's
// CommandDict.get does: an exact name wins; otherwise every command the
// name is a prefix of, in name order.
func findCommands(name string) []*command {
	var out []*command
	for _, c := range commands() {
		if c.name == name {
			return []*command{c}
		}
		if strings.HasPrefix(c.name, name) {
			out = append(out, c)
		}
	}
	return out
}
