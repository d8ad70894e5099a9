package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// scanItem reads one row of ci.selectList.
func scanItem(ci *classInfo, rows interface{ Scan(...any) error }) (*tracker.Item, error) {
	n := 6 + len(ci.cols)
	raw := make([]any, n)
	ptrs := make([]any, n)
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	it := &tracker.Item{Class: ci.c, Values: make(tracker.Values, len(ci.cols)+len(ci.mls))}
	id, _ := asInt64(raw[0])
	it.ID = idStr(id)
	ret, _ := asInt64(raw[1])
	it.Retired = ret != 0
	if ms, ok := asInt64(raw[2]); ok {
		it.Creation = time.UnixMilli(ms).UTC()
	}
	if ms, ok := asInt64(raw[3]); ok {
		it.Activity = time.UnixMilli(ms).UTC()
	}
	if u, ok := asInt64(raw[4]); ok && raw[4] != nil {
		it.Creator = idStr(u)
	}
	if u, ok := asInt64(raw[5]); ok && raw[5] != nil {
		it.Actor = idStr(u)
	}
	for i, col := range ci.cols {
		v, err := fromSQL(col.prop, raw[6+i])
		if err != nil {
			return nil, err
		}
		if v != nil {
			it.Values[col.prop.Name] = v
		}
	}
	return it, nil
}

// Get loads one item with all its multilinks.
func (t *Tx) Get(ctx context.Context, c *tracker.Class, id string) (*tracker.Item, error) {
	return t.get(ctx, c, id, "")
}

// GetLocked loads one item and locks its row (PostgreSQL FOR UPDATE;
// SQLite's single writer already excludes other writers).
func (t *Tx) GetLocked(ctx context.Context, c *tracker.Class, id string) (*tracker.Item, error) {
	return t.get(ctx, c, id, t.s.d.LockRow())
}

func (t *Tx) get(ctx context.Context, c *tracker.Class, id, lock string) (*tracker.Item, error) {
	ci, err := t.s.info(c)
	if err != nil {
		return nil, err
	}
	row := t.queryRow(ctx, "SELECT "+ci.selectList+" FROM "+ci.table+" WHERE id = ?"+lock, tracker.IDInt(id))
	it, err := scanItem(ci, row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s%s: %w", c.Name, id, tracker.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s%s: %w", c.Name, id, err)
	}
	if err := t.loadMultilinks(ctx, ci, []*tracker.Item{it}, nil); err != nil {
		return nil, err
	}
	return it, nil
}

const chunk = 500

// GetMany loads several items in id order of the request.
func (t *Tx) GetMany(ctx context.Context, c *tracker.Class, ids []string, props []string) ([]*tracker.Item, error) {
	ci, err := t.s.info(c)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*tracker.Item, len(ids))
	var all []*tracker.Item
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = tracker.IDInt(id)
		}
		rows, err := t.query(ctx, "SELECT "+ci.selectList+" FROM "+ci.table+" WHERE id IN ("+placeholders(len(part))+")", args...)
		if err != nil {
			return nil, fmt.Errorf("reading %s items: %w", c.Name, err)
		}
		var items []*tracker.Item
		for rows.Next() {
			it, err := scanItem(ci, rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			items = append(items, it)
			byID[it.ID] = it
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if err := t.loadMultilinks(ctx, ci, items, props); err != nil {
			return nil, err
		}
		all = append(all, items...)
	}
	out := make([]*tracker.Item, 0, len(all))
	for _, id := range ids {
		if it := byID[id]; it != nil {
			out = append(out, it)
		}
	}
	return out, nil
}

// loadMultilinks fills the multilinks of items (all, or only props) with
// one UNION ALL query.
func (t *Tx) loadMultilinks(ctx context.Context, ci *classInfo, items []*tracker.Item, props []string) error {
	if len(ci.mls) == 0 || len(items) == 0 {
		return nil
	}
	want := func(name string) bool {
		if props == nil {
			return true
		}
		for _, p := range props {
			if p == name {
				return true
			}
		}
		return false
	}
	byID := make(map[int64]*tracker.Item, len(items))
	ids := make([]any, 0, len(items))
	for _, it := range items {
		n := tracker.IDInt(it.ID)
		byID[n] = it
		ids = append(ids, n)
	}
	var parts []string
	var args []any
	var idx []*mlInfo
	in := "= ?"
	if len(ids) > 1 {
		in = "IN (" + placeholders(len(ids)) + ")"
	}
	for i := range ci.mls {
		ml := &ci.mls[i]
		if !want(ml.prop.Name) {
			continue
		}
		for _, it := range items {
			it.Values[ml.prop.Name] = []string{}
		}
		k := len(idx)
		idx = append(idx, ml)
		if ml.reverse {
			// Reverse multilinks list active items only (Roundup).
			fwdClass := strings.SplitN(ml.prop.Reverse, ".", 2)[0]
			parts = append(parts, fmt.Sprintf("SELECT %d, j.linkid, j.nodeid FROM %s j JOIN %s f ON f.id = j.nodeid AND f.__retired__ = 0 WHERE j.linkid %s",
				k, ml.table, tableName(fwdClass), in))
		} else {
			parts = append(parts, fmt.Sprintf("SELECT %d, nodeid, linkid FROM %s WHERE nodeid %s", k, ml.table, in))
		}
		args = append(args, ids...)
	}
	if len(parts) == 0 {
		return nil
	}
	rows, err := t.query(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return fmt.Errorf("reading %s multilinks: %w", ci.c.Name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, node, link int64
		if err := rows.Scan(&k, &node, &link); err != nil {
			return err
		}
		it := byID[node]
		name := idx[k].prop.Name
		it.Values[name] = append(it.Values[name].([]string), idStr(link))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, it := range items {
		for _, ml := range idx {
			if l := it.Values[ml.prop.Name].([]string); len(l) > 1 {
				tracker.SortIDs(l)
			}
		}
	}
	return nil
}

func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// Content returns a FileClass item's content.
func (t *Tx) Content(ctx context.Context, c *tracker.Class, id string) ([]byte, error) {
	ci, err := t.s.info(c)
	if err != nil {
		return nil, err
	}
	if ci.content == "" {
		return nil, fmt.Errorf("class %s has no content: %w", c.Name, tracker.ErrNotFound)
	}
	var b []byte
	err = t.queryRow(ctx, "SELECT content FROM "+ci.content+" WHERE id = ?", tracker.IDInt(id)).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading content of %s%s: %w", c.Name, id, err)
	}
	return b, nil
}

// Insert stores a new item.
func (t *Tx) Insert(ctx context.Context, it *tracker.Item, content []byte) (string, error) {
	t.changed()
	ci, err := t.s.info(it.Class)
	if err != nil {
		return "", err
	}
	var id int64
	if it.ID != "" {
		id = tracker.IDInt(it.ID)
	} else if id, err = t.s.d.NextID(ctx, t.tx, ci.table); err != nil {
		return "", fmt.Errorf("allocating %s id: %w", ci.c.Name, err)
	}
	retired := int64(0)
	cols := []string{"__retired__", "_creation", "_activity", "_creator", "_actor"}
	args := []any{retired, it.Creation.UnixMilli(), it.Activity.UnixMilli(), nullID(it.Creator), nullID(it.Actor)}
	if id != 0 {
		cols = append(cols, "id")
		args = append(args, id)
	}
	for _, col := range ci.cols {
		v, ok := it.Values[col.prop.Name]
		if !ok {
			continue
		}
		cols = append(cols, col.name)
		args = append(args, toSQL(col.prop, v))
		if col.prop.Kind == tracker.IntervalKind {
			cols = append(cols, intervalCol(col.prop.Name))
			args = append(args, intervalSeconds(v))
		}
	}
	q := "INSERT INTO " + ci.table + " (" + strings.Join(cols, ", ") + ") VALUES (" + placeholders(len(cols)) + ") RETURNING id"
	if err := t.queryRow(ctx, q, args...).Scan(&id); err != nil {
		if t.s.d.IsUniqueViolation(err) {
			return "", fmt.Errorf("creating %s: %w: %v", ci.c.Name, tracker.ErrConflict, err)
		}
		return "", fmt.Errorf("creating %s: %w", ci.c.Name, err)
	}
	if it.Retired {
		if _, err := t.exec(ctx, "UPDATE "+ci.table+" SET __retired__ = id WHERE id = ?", id); err != nil {
			return "", err
		}
	}
	for i := range ci.mls {
		ml := &ci.mls[i]
		if ml.reverse {
			continue
		}
		if l, _ := it.Values[ml.prop.Name].([]string); len(l) > 0 {
			if err := t.insertLinks(ctx, ml.table, id, l); err != nil {
				return "", err
			}
		}
	}
	if ci.content != "" {
		if _, err := t.exec(ctx, "INSERT INTO "+ci.content+" (id, content) VALUES (?, ?)", id, content); err != nil {
			return "", fmt.Errorf("storing content of %s%d: %w", ci.c.Name, id, err)
		}
	}
	return idStr(id), nil
}

func nullID(s string) any {
	if s == "" {
		return nil
	}
	return tracker.IDInt(s)
}

func intervalSeconds(v any) any {
	if iv, ok := v.(tracker.Interval); ok {
		return iv.Seconds()
	}
	return nil
}

func (t *Tx) insertLinks(ctx context.Context, table string, node int64, links []string) error {
	for start := 0; start < len(links); start += chunk {
		part := links[start:min(start+chunk, len(links))]
		vals := make([]string, len(part))
		args := make([]any, 0, 2*len(part))
		for i, l := range part {
			vals[i] = "(?, ?)"
			args = append(args, node, tracker.IDInt(l))
		}
		if _, err := t.exec(ctx, "INSERT INTO "+table+" (nodeid, linkid) VALUES "+strings.Join(vals, ", "), args...); err != nil {
			return fmt.Errorf("linking %s: %w", table, err)
		}
	}
	return nil
}

// Update writes the given values and activity/actor.
func (t *Tx) Update(ctx context.Context, c *tracker.Class, id string, vals tracker.Values, activity time.Time, actor string) error {
	t.changed()
	ci, err := t.s.info(c)
	if err != nil {
		return err
	}
	n := tracker.IDInt(id)
	sets := []string{"_activity = ?", "_actor = ?"}
	args := []any{activity.UnixMilli(), nullID(actor)}
	for _, col := range ci.cols {
		v, ok := vals[col.prop.Name]
		if !ok {
			continue
		}
		sets = append(sets, col.name+" = ?")
		args = append(args, toSQL(col.prop, v))
		if col.prop.Kind == tracker.IntervalKind {
			sets = append(sets, intervalCol(col.prop.Name)+" = ?")
			args = append(args, intervalSeconds(v))
		}
	}
	args = append(args, n)
	res, err := t.exec(ctx, "UPDATE "+ci.table+" SET "+strings.Join(sets, ", ")+" WHERE id = ?", args...)
	if err != nil {
		if t.s.d.IsUniqueViolation(err) {
			return fmt.Errorf("setting %s%s: %w: %v", c.Name, id, tracker.ErrConflict, err)
		}
		return fmt.Errorf("setting %s%s: %w", c.Name, id, err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return fmt.Errorf("%s%s: %w", c.Name, id, tracker.ErrNotFound)
	}
	for i := range ci.mls {
		ml := &ci.mls[i]
		v, ok := vals[ml.prop.Name]
		if !ok || ml.reverse {
			continue
		}
		if err := t.replaceLinks(ctx, ml.table, n, asList(v)); err != nil {
			return err
		}
	}
	return nil
}

func asList(v any) []string {
	l, _ := v.([]string)
	return l
}

// replaceLinks makes a junction table hold exactly links for node,
// touching only the rows that change.
func (t *Tx) replaceLinks(ctx context.Context, table string, node int64, links []string) error {
	rows, err := t.query(ctx, "SELECT linkid FROM "+table+" WHERE nodeid = ?", node)
	if err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	have := map[int64]bool{}
	for rows.Next() {
		var l int64
		if err := rows.Scan(&l); err != nil {
			rows.Close()
			return err
		}
		have[l] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var add []string
	for _, l := range links {
		n := tracker.IDInt(l)
		if have[n] {
			delete(have, n)
		} else {
			add = append(add, l)
		}
	}
	for l := range have {
		if _, err := t.exec(ctx, "DELETE FROM "+table+" WHERE nodeid = ? AND linkid = ?", node, l); err != nil {
			return fmt.Errorf("unlinking %s: %w", table, err)
		}
	}
	if len(add) > 0 {
		return t.insertLinks(ctx, table, node, add)
	}
	return nil
}

// SetContent replaces a FileClass item's content.
func (t *Tx) SetContent(ctx context.Context, c *tracker.Class, id string, content []byte) error {
	ci, err := t.s.info(c)
	if err != nil {
		return err
	}
	if ci.content == "" {
		return fmt.Errorf("class %s has no content", c.Name)
	}
	n := tracker.IDInt(id)
	if _, err := t.exec(ctx, "DELETE FROM "+ci.content+" WHERE id = ?", n); err != nil {
		return err
	}
	_, err = t.exec(ctx, "INSERT INTO "+ci.content+" (id, content) VALUES (?, ?)", n, content)
	return err
}

// SetRetired retires (setting __retired__ to the id, which frees the key
// as Roundup's layout does) or restores an item.
func (t *Tx) SetRetired(ctx context.Context, c *tracker.Class, id string, retired bool) error {
	t.changed()
	ci, err := t.s.info(c)
	if err != nil {
		return err
	}
	val := "0"
	if retired {
		val = "id"
	}
	_, err = t.exec(ctx, "UPDATE "+ci.table+" SET __retired__ = "+val+" WHERE id = ?", tracker.IDInt(id))
	if err != nil && t.s.d.IsUniqueViolation(err) {
		return fmt.Errorf("restoring %s%s: %w: %v", c.Name, id, tracker.ErrConflict, err)
	}
	return err
}

// Lookup finds an active item by key.
func (t *Tx) Lookup(ctx context.Context, c *tracker.Class, key string) (string, error) {
	ci, err := t.s.info(c)
	if err != nil {
		return "", err
	}
	if c.KeyProp == "" {
		return "", fmt.Errorf("class %s has no key", c.Name)
	}
	var id int64
	err = t.queryRow(ctx, "SELECT id FROM "+ci.table+" WHERE _"+c.KeyProp+" = ? AND __retired__ = 0", key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("no %s with %s %q: %w", c.Name, c.KeyProp, key, tracker.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("looking up %s %q: %w", c.Name, key, err)
	}
	return idStr(id), nil
}

// MaxID returns the largest id of the class.
func (t *Tx) MaxID(ctx context.Context, c *tracker.Class) (int64, error) {
	ci, err := t.s.info(c)
	if err != nil {
		return 0, err
	}
	var n sql.NullInt64
	if err := t.queryRow(ctx, "SELECT MAX(id) FROM "+ci.table).Scan(&n); err != nil {
		return 0, err
	}
	return n.Int64, nil
}

// ResetSequence continues id allocation after the largest id.
func (t *Tx) ResetSequence(ctx context.Context, c *tracker.Class) error {
	ci, err := t.s.info(c)
	if err != nil {
		return err
	}
	return t.s.d.ResetSequence(ctx, t.tx, ci.table)
}
