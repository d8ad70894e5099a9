package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/export"
)

// export, exporttables, import and importtables move a tracker's data
// in Roundup's export format (specs/roundup.md §5.2) through
// tracker/export. Both run in their own transaction as the admin, so
// the acting user must hold the Admin role, and an interactive session
// must not have uncommitted changes (they would not be exported, and on
// SQLite the import would wait for the session's write lock forever).

// cmdExport is `export [[-]class[,class]] export_dir` (do_export).
func (a *admin) cmdExport(args []string) error { return a.export(args, true) }

// cmdExporttables is `exporttables [[-]class[,class]] export_dir`
// (do_exporttables): the same without FileClass contents.
func (a *admin) cmdExporttables(args []string) error { return a.export(args, false) }

// cmdImport is `import import_dir` (do_import). The tracker's classes
// must be empty: import into a freshly installed home, without
// initialise (Roundup's "Migrating backends").
func (a *admin) cmdImport(args []string) error { return a.importDir(args, true) }

// cmdImporttables is `importtables export_dir` (do_importtables): the
// same without FileClass contents.
func (a *admin) cmdImporttables(args []string) error { return a.importDir(args, false) }

func (a *admin) export(args []string, files bool) error {
	if len(args) < 1 {
		return errNotEnough()
	}
	if len(args) > 2 {
		return usagef("Too many arguments supplied")
	}
	opts := export.Options{Files: files}
	selected := a.h.Schema.ClassNames()
	if len(args) == 2 {
		opts.Classes = strings.Split(args[0], ",")
		var err error
		if selected, err = a.selectClasses(opts.Classes); err != nil {
			return err
		}
	}
	if err := a.exclusive("export"); err != nil {
		return err
	}
	if !files && (a.outTerm || a.verbose) {
		for _, n := range selected {
			if a.h.Schema.Class(n).HasContent() {
				a.printf("Exporting %s WITHOUT the files\r\n", n)
			}
		}
	}
	opts.Progress = a.transferProgress("Exporting")
	err := export.Export(a.ctx, a.h.Service, args[len(args)-1], opts)
	return a.transferError(err)
}

func (a *admin) importDir(args []string, files bool) error {
	if len(args) < 1 {
		return errNotEnough()
	}
	if len(args) > 1 {
		return usagef("Too many arguments supplied")
	}
	if err := a.exclusive("import"); err != nil {
		return err
	}
	opts := export.Options{Files: files, Progress: a.transferProgress("Importing")}
	if err := export.Import(a.ctx, a.h.Service, args[0], opts); err != nil {
		return a.transferError(err)
	}
	a.committed = true
	return nil
}

// selectClasses resolves Roundup's `[-]class[,class]` argument: the
// listed classes (each must exist: `no such class "x"`), or with a
// leading "-" every class but the listed ones.
func (a *admin) selectClasses(list []string) ([]string, error) {
	exclude := strings.HasPrefix(list[0], "-")
	named := map[string]bool{}
	for _, n := range list {
		n = strings.TrimSpace(strings.TrimPrefix(n, "-"))
		if n == "" {
			continue
		}
		if !exclude {
			if _, err := a.class(n); err != nil {
				return nil, err
			}
		}
		named[n] = true
	}
	var out []string
	for _, n := range a.h.Schema.ClassNames() {
		if named[n] != exclude {
			out = append(out, n)
		}
	}
	return out, nil
}

// exclusive checks that the acting user is an Admin and that no
// uncommitted changes are pending, and ends the session's transaction.
func (a *admin) exclusive(what string) error {
	if a.uncommitted {
		return fmt.Errorf("there are uncommitted changes: commit or rollback before %s", what)
	}
	a.rollback()
	tx, done, err := a.reader()
	if err != nil {
		return err
	}
	defer done()
	if !tx.HasRole("admin") {
		return &tracker.PermissionError{User: tx.UserID(), Permission: strings.ToUpper(what[:1]) + what[1:]}
	}
	return nil
}

// transferProgress shows a progress line per class on a terminal, or
// with -V a line per class when it is done.
func (a *admin) transferProgress(verb string) func(class string, done, total int) {
	var cur *progress
	curClass := ""
	finished := map[string]bool{}
	return func(class string, done, total int) {
		if finished[class] {
			return
		}
		finished[class] = done == total
		if a.outTerm {
			if class != curClass {
				cur.done()
				cur, curClass = a.newProgress(verb+" "+class, total), class
			}
			cur.set(done)
			if done == total {
				cur.done()
				cur, curClass = nil, ""
			}
			return
		}
		if a.verbose && done == total {
			a.printf("%s %s - %d\n", verb, class, total)
		}
	}
}

// transferError makes "no such class" a usage error, as Roundup's
// get_class does.
func (a *admin) transferError(err error) error {
	if err != nil && errors.Is(err, tracker.ErrNotFound) && strings.Contains(err.Error(), "no such class") {
		return usagef("%s", strings.TrimSuffix(errorText(err), ": "+tracker.ErrNotFound.Error()))
	}
	return err
}
