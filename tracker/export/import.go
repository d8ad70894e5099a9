package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// Import loads the export in dir into svc's tracker (see the package
// documentation for the format and the rules), in one transaction acting
// as the admin (user 1, who need not exist yet). Every CLASS.csv in dir
// that the selection keeps is read, with its CLASS-journals.csv and, when
// opts.Files is set, the contents under CLASS-files. A class that
// schema.py lacks, a column naming an unknown property and a malformed
// field are errors naming the file and line; so is a class that already
// holds items.
func Import(ctx context.Context, svc *tracker.Service, dir string, opts Options) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("importing: %w", err)
	}
	var found []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".csv") || strings.HasSuffix(n, "-journals.csv") {
			continue
		}
		found = append(found, strings.TrimSuffix(n, ".csv"))
	}
	sort.Strings(found)
	names, err := opts.selection(svc.Schema, found)
	if err != nil {
		return fmt.Errorf("importing: %w", err)
	}
	classes := make([]*tracker.Class, 0, len(names))
	for _, n := range names {
		c := svc.Schema.Class(n)
		if c == nil {
			return fmt.Errorf("importing %s: no such class %q in schema.py (declare it, or move %s.csv and %s-journals.csv away): %w",
				filepath.Join(dir, n+".csv"), n, n, n, tracker.ErrNotFound)
		}
		classes = append(classes, c)
	}
	return svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		for _, c := range classes {
			if err := checkEmpty(tx, c); err != nil {
				return err
			}
		}
		for _, c := range classes {
			// The journal file is read and its order checked while the
			// items go in.
			jf := readJournal(c, dir)
			if err := importClass(tx, c, dir, &opts); err != nil {
				return err
			}
			if err := importJournal(tx, <-jf); err != nil {
				return err
			}
			if err := tx.FinishImport(c.Name); err != nil {
				return fmt.Errorf("importing %s: setting the next id: %w", c.Name, err)
			}
		}
		return nil
	})
}

// checkEmpty refuses to import into a class that already has items.
func checkEmpty(tx *tracker.Tx, c *tracker.Class) error {
	ids, _, err := tx.Filter(c.Name, &tracker.Filter{Retired: tracker.AnyRetired, Limit: 3})
	if err != nil {
		return fmt.Errorf("importing %s: %w", c.Name, err)
	}
	if len(ids) == 0 {
		return nil
	}
	return fmt.Errorf("importing %s: the tracker already holds %s items (%s%s...): import loads an export into a tracker without data — install the home and import without initialise (Roundup's \"Migrating backends\"): %w",
		c.Name, c.Name, c.Name, ids[0], tracker.ErrConflict)
}

// column is what one CLASS.csv column holds.
type column struct {
	name string
	prop *tracker.Property // nil for "is retired", content and skipped columns
	kind colKind
}

type colKind uint8

const (
	colValue colKind = iota
	colID
	colCreation
	colActivity
	colCreator
	colActor
	colRetired
	colContent // an old export's FileClass content column
	colSkip    // computed reverse multilinks: rebuilt from the forward side
)

// readHeader maps the header's names to columns; an unknown property is
// an error (import_list fails on it too).
func readHeader(c *tracker.Class, cr *csvReader, header []string) ([]column, error) {
	cols := make([]column, len(header))
	hasID := false
	for i, name := range header {
		col := column{name: name}
		switch name {
		case "is retired":
			col.kind = colRetired
		case "id":
			col.kind, hasID = colID, true
		case "creation":
			col.kind = colCreation
		case "activity":
			col.kind = colActivity
		case "creator":
			col.kind = colCreator
		case "actor":
			col.kind = colActor
		default:
			p := c.Prop(name)
			switch {
			case p == nil:
				return nil, cr.errorf("class %s has no property %q (add it to schema.py, or remove the column)", c.Name, name)
			case p.Computed:
				col.kind = colSkip
			case name == "content" && c.HasContent():
				col.kind = colContent
			default:
				col.prop = p
			}
		}
		cols[i] = col
	}
	if !hasID {
		return nil, cr.errorf("no \"id\" column: Corral imports keep item ids")
	}
	return cols, nil
}

// pending is an item whose insertion waits for the retired items of its
// class (key uniqueness, see importClass).
type pending struct {
	it      *tracker.Item
	content []byte
	line    int
}

// importClass reads CLASS.csv. In a class with a key property the active
// items go in after all retired ones, whatever the file order, so that an
// active item never blocks a retired one that shares its key (Roundup's
// exporter sorts for the same reason; older exports did not). Rows are
// parsed, and contents read, on another goroutine (pipe).
func importClass(tx *tracker.Tx, c *tracker.Class, dir string, opts *Options) error {
	path := filepath.Join(dir, c.Name+".csv")
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("importing %s: %w", c.Name, err)
	}
	cr := newCSVReader(c.Name+".csv", data)
	rec, err := cr.next()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return err
	}
	cols, err := readHeader(c, cr, append([]string(nil), rec...))
	if err != nil {
		return err
	}
	total := max(countRows(data)-1, 0)
	opts.progress(c.Name, 0, total)
	now := tx.Service().Now()
	produce := func(emit func([]pending) bool) error {
		rows := make([]pending, 0, batch)
		for {
			rec, err := cr.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			it, content, err := parseItem(c, cols, rec)
			if err != nil {
				return cr.wrap(err)
			}
			if it.Creation.IsZero() {
				it.Creation = now
			}
			if it.Activity.IsZero() {
				it.Activity = it.Creation
			}
			if opts.Files && c.HasContent() {
				b, err := os.ReadFile(contentPath(dir, c, it.ID))
				if err != nil {
					return cr.wrap(fmt.Errorf("content of %s%s: %w", c.Name, it.ID, err))
				}
				content = b
			}
			rows = append(rows, pending{it: it, content: content, line: cr.line})
			if len(rows) == batch {
				if !emit(rows) {
					return nil
				}
				rows = make([]pending, 0, batch)
			}
		}
		if len(rows) > 0 {
			emit(rows)
		}
		return nil
	}
	var later []pending
	done := 0
	consume := func(rows []pending) error {
		for _, p := range rows {
			if c.KeyProp != "" && !p.it.Retired {
				later = append(later, p)
			} else if err := tx.ImportItem(p.it, p.content); err != nil {
				return fmt.Errorf("%s:%d: %w", cr.name, p.line, err)
			}
		}
		done += len(rows)
		opts.progress(c.Name, done, total)
		return nil
	}
	if err := pipe(produce, consume); err != nil {
		return err
	}
	for _, p := range later {
		if err := tx.ImportItem(p.it, p.content); err != nil {
			return fmt.Errorf("%s:%d: %w", cr.name, p.line, err)
		}
	}
	if done != total {
		opts.progress(c.Name, done, done)
	}
	return nil
}

// parseItem builds an item from one CLASS.csv record.
func parseItem(c *tracker.Class, cols []column, rec []string) (*tracker.Item, []byte, error) {
	if len(rec) != len(cols) {
		return nil, nil, fmt.Errorf("%d fields, the header has %d", len(rec), len(cols))
	}
	it := &tracker.Item{Class: c, Values: make(tracker.Values, len(cols))}
	var content []byte
	for i, col := range cols {
		if col.kind == colSkip {
			continue
		}
		v, err := parseField(rec[i])
		if err != nil {
			return nil, nil, fmt.Errorf("column %s: %w", col.name, err)
		}
		switch col.kind {
		case colID:
			id, ok := idOf(v)
			if !ok {
				return nil, nil, fmt.Errorf("id %s is not an item id", rec[i])
			}
			it.ID = id
		case colCreation, colActivity:
			if v == nil {
				continue
			}
			t, err := parseDate(v)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", col.name, err)
			}
			if col.kind == colCreation {
				it.Creation = t
			} else {
				it.Activity = t
			}
		case colCreator, colActor:
			if v == nil {
				continue
			}
			u, ok := idOf(v)
			if !ok {
				return nil, nil, fmt.Errorf("%s %s is not a user id", col.name, rec[i])
			}
			if col.kind == colCreator {
				it.Creator = u
			} else {
				it.Actor = u
			}
		case colRetired:
			switch x := v.(type) {
			case bool:
				it.Retired = x
			case int64:
				it.Retired = x != 0
			default:
				return nil, nil, fmt.Errorf("is retired: %s is not True or False", rec[i])
			}
		case colContent:
			if s, ok := v.(string); ok {
				content = []byte(s)
			}
		default:
			gv, err := goValue(col.prop, v)
			if err != nil {
				return nil, nil, err
			}
			if gv != nil {
				it.Values[col.name] = gv
			}
		}
	}
	return it, content, nil
}
