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

// importJournal reads CLASS-journals.csv (a missing file is an error, as
// in do_import). Entries are stored per item in date order — Roundup's
// import_journals sorts them by item and its SQL backends read journals
// by date — which is the order Roundup writes them in; a file in another
// order is sorted in memory first.
func importJournal(tx *tracker.Tx, c *tracker.Class, dir string) error {
	name := c.Name + "-journals.csv"
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return fmt.Errorf("importing the journal of %s: %w", c.Name, err)
	}
	sorted, err := journalSorted(name, data)
	if err != nil {
		return err
	}
	cr := newCSVReader(name, data)
	var buf []tracker.JournalEntry
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		err := tx.ImportJournal(buf...)
		buf = buf[:0]
		if err != nil {
			return fmt.Errorf("importing %s: %w", name, err)
		}
		return nil
	}
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
		if sorted && len(buf) >= journalBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if !sorted {
		sort.SliceStable(buf, func(i, j int) bool {
			a, b := tracker.IDInt(buf[i].ItemID), tracker.IDInt(buf[j].ItemID)
			if a != b {
				return a < b
			}
			return buf[i].Date.Before(buf[j].Date)
		})
		for start := 0; start < len(buf); start += journalBatch {
			if err := tx.ImportJournal(buf[start:min(start+journalBatch, len(buf))]...); err != nil {
				return fmt.Errorf("importing %s: %w", name, err)
			}
		}
		return nil
	}
	return flush()
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
