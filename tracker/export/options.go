package export

import (
	"fmt"
	"sort"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// Options select what Export and Import handle.
type Options struct {
	// Classes is Roundup's `[[-]class[,class]]` argument split at commas:
	// the classes listed, or, when the first entry starts with "-", every
	// class but the listed ones (the "-" may be repeated on later
	// entries). Empty means every class.
	Classes []string
	// Files includes FileClass contents (CLASS-files/...): true for
	// export/import, false for exporttables/importtables, which neither
	// write nor read them (Roundup's export_files/import_files flags).
	// Without them, imported FileClass items have empty content.
	Files bool
	// Progress, when not nil, is called as items of a class are written
	// or read: done of total (total counts the rows of CLASS.csv).
	Progress func(class string, done, total int)
}

// selection returns the class names opts select among all (sorted), or
// an error naming a listed class the schema lacks (Roundup's get_class:
// `no such class "x"`); excluding an unknown class is allowed, as in
// do_export.
func (opts *Options) selection(schema *tracker.Schema, all []string) ([]string, error) {
	if len(opts.Classes) == 0 {
		return all, nil
	}
	exclude := strings.HasPrefix(opts.Classes[0], "-")
	named := map[string]bool{}
	for _, n := range opts.Classes {
		n = strings.TrimSpace(strings.TrimPrefix(n, "-"))
		if n == "" {
			continue
		}
		if !exclude && schema.Class(n) == nil {
			return nil, fmt.Errorf("no such class %q: %w", n, tracker.ErrNotFound)
		}
		named[n] = true
	}
	var out []string
	for _, n := range all {
		if named[n] != exclude {
			out = append(out, n)
		}
	}
	if !exclude {
		// Listed classes are handled even when all lacks them (export of
		// an explicitly named class).
		for n := range named {
			if !contains(out, n) {
				out = append(out, n)
			}
		}
		sort.Strings(out)
	}
	return out, nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func (opts *Options) progress(class string, done, total int) {
	if opts.Progress != nil {
		opts.Progress(class, done, total)
	}
}
