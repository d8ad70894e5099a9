package export

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/schemafile"
)

// journalBatch is how many journal entries go to ImportJournal at once.
const journalBatch = 2000

// journalFile is a CLASS-journals.csv read into memory, with whether its
// entries already come by item id, then date.
type journalFile struct {
	class  *tracker.Class
	name   string
	data   []byte
	sorted bool
	err    error
}

// readJournal reads CLASS-journals.csv (a missing file is an error, as in
// do_import) and checks its order on another goroutine.
func readJournal(c *tracker.Class, dir string) <-chan *journalFile {
	ch := make(chan *journalFile, 1)
	go func() {
		jf := &journalFile{class: c, name: c.Name + "-journals.csv"}
		jf.data, jf.err = os.ReadFile(filepath.Join(dir, jf.name))
		if jf.err != nil {
			jf.err = fmt.Errorf("importing the journal of %s: %w", c.Name, jf.err)
		} else {
			jf.sorted, jf.err = journalSorted(jf.name, jf.data)
		}
		ch <- jf
	}()
	return ch
}

// importJournal stores the entries of a journal file per item in date
// order — Roundup's import_journals sorts them by item and its SQL
// backends read journals by date — which is the order Roundup writes them
// in; a file in another order is sorted in memory first.
func importJournal(tx *tracker.Tx, jf *journalFile) error {
	if jf.err != nil {
		return jf.err
	}
	c := jf.class
	cr := newCSVReader(jf.name, jf.data)
	produce := func(emit func([]tracker.JournalEntry) bool) error {
		var buf []tracker.JournalEntry
		for {
			rec, err := cr.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			e, err := parseJournalRow(c, rec)
			if err != nil {
				return cr.wrap(err)
			}
			buf = append(buf, e)
			if jf.sorted && len(buf) == journalBatch {
				if !emit(buf) {
					return nil
				}
				buf = make([]tracker.JournalEntry, 0, journalBatch)
			}
		}
		if !jf.sorted {
			sort.SliceStable(buf, func(i, j int) bool {
				a, b := tracker.IDInt(buf[i].ItemID), tracker.IDInt(buf[j].ItemID)
				if a != b {
					return a < b
				}
				return buf[i].Date.Before(buf[j].Date)
			})
		}
		for start := 0; start < len(buf); start += journalBatch {
			if !emit(buf[start:min(start+journalBatch, len(buf))]) {
				return nil
			}
		}
		return nil
	}
	return pipe(produce, func(entries []tracker.JournalEntry) error {
		if err := tx.ImportJournal(entries...); err != nil {
			return fmt.Errorf("importing %s: %w", jf.name, err)
		}
		return nil
	})
}

// journalSorted reports whether the file's entries already come by item
// id, then date — a first, light pass reading only those two fields.
func journalSorted(name string, data []byte) (bool, error) {
	cr := newCSVReader(name, data)
	var lastID, lastDate int64
	for {
		rec, err := cr.next()
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if len(rec) < 2 {
			return false, cr.errorf("%d fields, want 5 (nodeid:date:userid:action:params)", len(rec))
		}
		v, err := schemafile.ParseLiteral(rec[0])
		if err != nil {
			return false, cr.wrap(err)
		}
		id, ok := idOf(v)
		if !ok {
			return false, cr.errorf("node id %s is not an item id", rec[0])
		}
		v, err = schemafile.ParseLiteral(rec[1])
		if err != nil {
			return false, cr.wrap(err)
		}
		d, err := parseDate(v)
		if err != nil {
			return false, cr.wrap(err)
		}
		n, ms := tracker.IDInt(id), d.UnixMilli()
		if n < lastID || (n == lastID && ms < lastDate) {
			return false, nil
		}
		lastID, lastDate = n, ms
	}
}
