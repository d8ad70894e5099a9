package export

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/schemafile"
)

// batch is how many items are read per GetMany while exporting.
const batch = 1000

// Export writes the selected classes of svc's tracker to dir (created
// when missing) in Roundup's export format (see the package
// documentation), reading everything in one read-only transaction so the
// export is a consistent snapshot.
func Export(ctx context.Context, svc *tracker.Service, dir string, opts Options) error {
	classes, err := opts.selection(svc.Schema, svc.Schema.ClassNames())
	if err != nil {
		return fmt.Errorf("exporting: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("exporting: %w", err)
	}
	return svc.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		for _, name := range classes {
			c := svc.Schema.Class(name)
			if err := exportClass(tx, c, dir, &opts); err != nil {
				return err
			}
			if err := exportJournal(tx, c, dir); err != nil {
				return err
			}
		}
		return nil
	})
}

// exportPropnames is Roundup's export_propnames: every property,
// automatic and computed ones included, sorted; a FileClass without
// "content".
func exportPropnames(c *tracker.Class) []*tracker.Property {
	var props []*tracker.Property
	for _, p := range c.Props {
		if c.HasContent() && p.Name == "content" {
			continue
		}
		props = append(props, p)
	}
	props = append(props, tracker.ProtectedProps()...)
	sort.Slice(props, func(i, j int) bool { return props[i].Name < props[j].Name })
	return props
}

func exportClass(tx *tracker.Tx, c *tracker.Class, dir string, opts *Options) (err error) {
	path := filepath.Join(dir, c.Name+".csv")
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("exporting %s: %w", c.Name, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("exporting %s: %w", c.Name, cerr)
		}
	}()
	w := newCSVWriter(f)
	props := exportPropnames(c)
	header := make([]string, 0, len(props)+1)
	for _, p := range props {
		header = append(header, p.Name)
	}
	w.write(append(header, "is retired"))

	ids, _, err := tx.Filter(c.Name, &tracker.Filter{Retired: tracker.AnyRetired})
	if err != nil {
		return fmt.Errorf("exporting %s: %w", c.Name, err)
	}
	tracker.SortIDs(ids)
	total := len(ids)
	opts.progress(c.Name, 0, total)
	row := make([]string, 0, len(props)+1)
	writeItem := func(it *tracker.Item) error {
		row = row[:0]
		for _, p := range props {
			row = append(row, schemafile.Repr(pyValue(p, it.Get(p.Name))))
		}
		row = append(row, schemafile.Repr(it.Retired))
		w.write(row)
		if opts.Files && c.HasContent() {
			return exportContent(tx, c, dir, it.ID)
		}
		return nil
	}
	done := 0
	if c.KeyProp != "" {
		// admin.py do_export sorts a keyed class by key, retired items
		// first, so that an import never meets an active key before the
		// retired item that shares it.
		items, err := tx.GetMany(c.Name, ids, nil)
		if err != nil {
			return fmt.Errorf("exporting %s: %w", c.Name, err)
		}
		sort.SliceStable(items, func(i, j int) bool {
			ki, kj := items[i].Str(c.KeyProp), items[j].Str(c.KeyProp)
			if ki != kj {
				return ki < kj
			}
			return items[i].Retired && !items[j].Retired
		})
		for _, it := range items {
			if err := writeItem(it); err != nil {
				return err
			}
			done++
			if done%batch == 0 {
				opts.progress(c.Name, done, total)
			}
		}
	} else {
		for start := 0; start < len(ids); start += batch {
			items, err := tx.GetMany(c.Name, ids[start:min(start+batch, len(ids))], nil)
			if err != nil {
				return fmt.Errorf("exporting %s: %w", c.Name, err)
			}
			for _, it := range items {
				if err := writeItem(it); err != nil {
					return err
				}
			}
			done += len(items)
			opts.progress(c.Name, done, total)
		}
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if done%batch != 0 || done == 0 {
		opts.progress(c.Name, done, total)
	}
	return nil
}

// contentPath is where a FileClass item's content lives in an export:
// CLASS-files/N/CLASSID with N = id div 1000 (hyperdb.py exportFilename,
// blobfiles.py subdirFilename).
func contentPath(dir string, c *tracker.Class, id string) string {
	sub := strconv.FormatInt(tracker.IDInt(id)/1000, 10)
	return filepath.Join(dir, c.Name+"-files", sub, c.Name+id)
}

func exportContent(tx *tracker.Tx, c *tracker.Class, dir, id string) error {
	b, err := tx.Content(c.Name, id)
	if err != nil {
		return fmt.Errorf("exporting content of %s%s: %w", c.Name, id, err)
	}
	p := contentPath(dir, c, id)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("exporting content of %s%s: %w", c.Name, id, err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return fmt.Errorf("exporting content of %s%s: %w", c.Name, id, err)
	}
	return nil
}

// exportJournal writes CLASS-journals.csv: per item in id order, its
// entries by date (export_journals walks getnodeids() and each item's
// history(), which the SQL backends order by date).
func exportJournal(tx *tracker.Tx, c *tracker.Class, dir string) (err error) {
	path := filepath.Join(dir, c.Name+"-journals.csv")
	entries, err := tx.JournalClass(c.Name)
	if err != nil {
		return fmt.Errorf("exporting the journal of %s: %w", c.Name, err)
	}
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := tracker.IDInt(entries[i].ItemID), tracker.IDInt(entries[j].ItemID)
		if a != b {
			return a < b
		}
		return entries[i].Date.Before(entries[j].Date)
	})
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("exporting the journal of %s: %w", c.Name, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("exporting the journal of %s: %w", c.Name, cerr)
		}
	}()
	w := newCSVWriter(f)
	row := make([]string, 0, 5)
	for i := range entries {
		row = journalRow(c, &entries[i], row)
		w.write(row)
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
