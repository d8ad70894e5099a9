package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/search"
)

// indexText reduces a text to the indexed word list. Stop words are not
// removed here (the query side drops them), so changing the stop list
// needs no reindex.
func indexText(_ *Store, text string) string {
	return search.IndexText(text, nil)
}

// Full-text entries are keyed by a "text field" number per indexed
// class.property (table __textfield), so the index needs no per-row
// class name: SQLite packs field and item id into the FTS rowid, and a
// query maps hits to classes by field number.

// syncTextFields gives every indexed property of the schema a field
// number (kept forever, so index entries stay valid) and loads the map.
func (s *Store) syncTextFields(ctx context.Context, tx *sql.Tx, schema *tracker.Schema) (map[[2]string]int64, error) {
	fields := map[[2]string]int64{}
	rows, err := tx.QueryContext(ctx, `SELECT id, class, prop FROM __textfield`)
	if err != nil {
		return nil, fmt.Errorf("reading __textfield: %w", err)
	}
	for rows.Next() {
		var id int64
		var c, p string
		if err := rows.Scan(&id, &c, &p); err != nil {
			rows.Close()
			return nil, err
		}
		fields[[2]string{c, p}] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, c := range schema.Classes {
		for _, p := range c.Props {
			if p.Kind != tracker.String || !p.Indexme {
				continue
			}
			k := [2]string{c.Name, p.Name}
			if _, ok := fields[k]; ok {
				continue
			}
			var id int64
			if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO __textfield (class, prop) VALUES (?, ?) RETURNING id`), c.Name, p.Name).Scan(&id); err != nil {
				return nil, fmt.Errorf("numbering text field %s.%s: %w", c.Name, p.Name, err)
			}
			fields[k] = id
		}
	}
	return fields, nil
}

// textField returns the number of an indexed class.property.
func (s *Store) textField(class, prop string) (int64, error) {
	s.mu.RLock()
	f, ok := s.fields[[2]string{class, prop}]
	s.mu.RUnlock()
	if !ok {
		return 0, fmt.Errorf("%s.%s is not an indexed property", class, prop)
	}
	return f, nil
}

// textFieldsOf returns the field numbers of a class's indexed properties.
func (s *Store) textFieldsOf(class string) []int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []int64
	for k, f := range s.fields {
		if k[0] == class {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
