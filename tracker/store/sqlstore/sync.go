package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

type column struct {
	prop *tracker.Property
	name string // "_title"
}

type mlInfo struct {
	prop  *tracker.Property
	table string // "issue_nosy"
	// reverse: a computed rev_multilink; the junction belongs to the
	// forward class, so our id is its linkid.
	reverse bool
}

type classInfo struct {
	c        *tracker.Class
	table    string
	cols     []column
	mls      []mlInfo
	mlByName map[string]*mlInfo
	content  string
	// selectList is the column list Get/GetMany read, in scan order.
	selectList string
}

type propSpec struct {
	Name  string `json:"n"`
	Kind  string `json:"k"`
	Class string `json:"c,omitempty"`
}

type classSpec struct {
	Key   string     `json:"key,omitempty"`
	Props []propSpec `json:"props"`
	// Indexes is the layout version of the class's indexes
	// (indexLayout); Sync rebuilds older ones.
	Indexes int `json:"ix,omitempty"`
}

// indexLayout is the current version of the class-table indexes:
// 1 puts __retired__ after the Link column and before _activity, so
// "open issues by activity" and its count ("1–50 of 8,028") read the
// index alone instead of visiting every matching row to test
// __retired__ (a third of the index page's CPU before).
const indexLayout = 1

func specOf(c *tracker.Class) classSpec {
	cs := classSpec{Key: c.KeyProp, Indexes: indexLayout}
	for _, p := range c.StoredProps() {
		cs.Props = append(cs.Props, propSpec{Name: p.Name, Kind: p.Kind.String(), Class: p.Class})
	}
	return cs
}

func tableName(class string) string          { return "_" + class }
func junctionName(class, prop string) string { return class + "_" + prop }
func contentTable(class string) string       { return "_" + class + "__content" }
func intervalCol(prop string) string         { return "__" + prop + "_int__" }

// Sync creates and alters the class tables to match the schema, as
// Roundup's rdbms backends do on open (added and removed properties and
// classes); it records each class's layout in __schema. Tables of classes
// no longer in the schema are kept (data is never dropped silently).
func (s *Store) Sync(ctx context.Context, schema *tracker.Schema) ([]string, error) {
	sd, _ := s.d.(SchemaDialect)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if sd != nil && sd.SchemaLock() != "" {
		if _, err := tx.ExecContext(ctx, sd.SchemaLock()); err != nil {
			return nil, fmt.Errorf("locking schema: %w", err)
		}
	}
	have := map[string]classSpec{}
	rows, err := tx.QueryContext(ctx, `SELECT class, spec FROM __schema`)
	if err != nil {
		return nil, fmt.Errorf("reading __schema: %w", err)
	}
	for rows.Next() {
		var name, spec string
		if err := rows.Scan(&name, &spec); err != nil {
			rows.Close()
			return nil, err
		}
		var cs classSpec
		if err := json.Unmarshal([]byte(spec), &cs); err != nil {
			rows.Close()
			return nil, fmt.Errorf("__schema row for %s: %w", name, err)
		}
		have[name] = cs
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var changes []string
	exec := func(stmts ...string) error {
		for _, st := range stmts {
			if _, err := tx.ExecContext(ctx, st); err != nil {
				return fmt.Errorf("%s: %w", st, err)
			}
		}
		return nil
	}
	for _, c := range schema.Classes {
		want := specOf(c)
		old, ok := have[c.Name]
		var stmts []string
		if !ok {
			stmts = s.createClass(c)
			changes = append(changes, "created class "+c.Name)
		} else {
			var ch []string
			stmts, ch = s.alterClass(c, old, want)
			changes = append(changes, ch...)
			if ri := s.reindex(c, old); ri != nil {
				stmts = append(stmts, ri...)
				changes = append(changes, "class "+c.Name+": indexes rebuilt")
			}
		}
		if err := exec(stmts...); err != nil {
			return nil, fmt.Errorf("syncing class %s: %w", c.Name, err)
		}
		b, _ := json.Marshal(want)
		if !ok {
			_, err = tx.ExecContext(ctx, s.q(`INSERT INTO __schema (class, spec) VALUES (?, ?)`), c.Name, string(b))
		} else {
			_, err = tx.ExecContext(ctx, s.q(`UPDATE __schema SET spec = ? WHERE class = ?`), string(b), c.Name)
		}
		if err != nil {
			return nil, fmt.Errorf("recording class %s: %w", c.Name, err)
		}
	}
	fields, err := s.syncTextFields(ctx, tx, schema)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.setSchema(schema)
	s.mu.Lock()
	s.fields = fields
	s.mu.Unlock()
	return changes, nil
}

func (s *Store) setSchema(schema *tracker.Schema) {
	m := map[string]*classInfo{}
	for _, c := range schema.Classes {
		ci := &classInfo{c: c, table: tableName(c.Name), mlByName: map[string]*mlInfo{}}
		sel := []string{"id", "__retired__", "_creation", "_activity", "_creator", "_actor"}
		for _, p := range c.Props {
			switch {
			case p.Computed:
				fwd := strings.SplitN(p.Reverse, ".", 2)
				ci.mls = append(ci.mls, mlInfo{prop: p, table: junctionName(fwd[0], fwd[1]), reverse: true})
			case p.Kind == tracker.Multilink:
				ci.mls = append(ci.mls, mlInfo{prop: p, table: junctionName(c.Name, p.Name)})
			case p.Name == "content" && c.HasContent():
				ci.content = contentTable(c.Name)
			default:
				ci.cols = append(ci.cols, column{prop: p, name: "_" + p.Name})
				sel = append(sel, "_"+p.Name)
			}
		}
		for i := range ci.mls {
			ci.mlByName[ci.mls[i].prop.Name] = &ci.mls[i]
		}
		ci.selectList = strings.Join(sel, ", ")
		m[c.Name] = ci
	}
	s.mu.Lock()
	s.schema, s.classes = schema, m
	s.mu.Unlock()
}

func (s *Store) columnDDL(p *tracker.Property) []string {
	cols := []string{"_" + p.Name + " " + s.d.ColumnType(p.Kind)}
	if p.Kind == tracker.IntervalKind {
		cols = append(cols, intervalCol(p.Name)+" BIGINT")
	}
	return cols
}

// propIndexes indexes Link columns together with activity, so both
// "items linking to X" and the common index page "status open, most
// recent activity first" are answered from the index without sorting.
func (s *Store) propIndexes(c *tracker.Class, p *tracker.Property) []string {
	if p.Kind == tracker.Link {
		t := tableName(c.Name)
		return []string{fmt.Sprintf("CREATE INDEX %s__%s_idx ON %s (_%s, __retired__, _activity%s)", t, p.Name, t, p.Name, s.d.IndexNulls())}
	}
	return nil
}

func (s *Store) activityIndex(c *tracker.Class) string {
	t := tableName(c.Name)
	return fmt.Sprintf("CREATE INDEX %s__activity_idx ON %s (__retired__, _activity%s)", t, t, s.d.IndexNulls())
}

// reindex rebuilds the indexes of a class created under an older
// indexLayout (properties the alteration adds or drops are left to it).
func (s *Store) reindex(c *tracker.Class, old classSpec) []string {
	if old.Indexes >= indexLayout {
		return nil
	}
	t := tableName(c.Name)
	kept := map[string]bool{}
	for _, p := range old.Props {
		if p.Kind == "Link" {
			kept[p.Name] = true
		}
	}
	stmts := []string{fmt.Sprintf("DROP INDEX IF EXISTS %s__activity_idx", t), s.activityIndex(c)}
	for _, p := range c.StoredProps() {
		if p.Kind == tracker.Link && kept[p.Name] {
			if op := c.Prop(p.Name); op != nil {
				stmts = append(stmts, fmt.Sprintf("DROP INDEX IF EXISTS %s__%s_idx", t, p.Name))
				stmts = append(stmts, s.propIndexes(c, op)...)
			}
		}
	}
	return stmts
}

func (s *Store) keyIndex(c *tracker.Class) string {
	t := tableName(c.Name)
	return fmt.Sprintf("CREATE UNIQUE INDEX %s__key ON %s (_%s, __retired__)", t, t, c.KeyProp)
}

func (s *Store) junctionDDL(table string) []string {
	if sd, ok := s.d.(SchemaDialect); ok {
		return sd.JunctionDDL(table)
	}
	return []string{
		fmt.Sprintf("CREATE TABLE %s (nodeid BIGINT NOT NULL, linkid BIGINT NOT NULL, PRIMARY KEY (nodeid, linkid))", table),
		fmt.Sprintf("CREATE INDEX %s_linkid ON %s (linkid, nodeid)", table, table),
	}
}

func (s *Store) createClass(c *tracker.Class) []string {
	t := tableName(c.Name)
	cols := []string{"id " + s.d.IDType() + " PRIMARY KEY", "__retired__ BIGINT NOT NULL DEFAULT 0",
		"_creation BIGINT", "_activity BIGINT", "_creator BIGINT", "_actor BIGINT"}
	var after []string
	for _, p := range c.StoredProps() {
		switch {
		case p.Kind == tracker.Multilink:
			after = append(after, s.junctionDDL(junctionName(c.Name, p.Name))...)
		case p.Name == "content" && c.HasContent():
			after = append(after, fmt.Sprintf("CREATE TABLE %s (id BIGINT PRIMARY KEY, content %s)", contentTable(c.Name), s.d.BlobType()))
		default:
			cols = append(cols, s.columnDDL(p)...)
			after = append(after, s.propIndexes(c, p)...)
		}
	}
	stmts := []string{fmt.Sprintf("CREATE TABLE %s (%s)", t, strings.Join(cols, ", "))}
	stmts = append(stmts, s.d.CreateSequence(t)...)
	stmts = append(stmts,
		s.activityIndex(c),
		fmt.Sprintf("CREATE INDEX %s__creation_idx ON %s (_creation%s)", t, t, s.d.IndexNulls()),
		fmt.Sprintf("CREATE INDEX %s__creator_idx ON %s (_creator)", t, t))
	if c.KeyProp != "" {
		stmts = append(stmts, s.keyIndex(c))
	}
	return append(stmts, after...)
}

func (s *Store) alterClass(c *tracker.Class, old, want classSpec) ([]string, []string) {
	t := tableName(c.Name)
	oldBy := map[string]propSpec{}
	for _, p := range old.Props {
		oldBy[p.Name] = p
	}
	wantBy := map[string]propSpec{}
	for _, p := range want.Props {
		wantBy[p.Name] = p
	}
	var stmts, changes []string
	if old.Key != want.Key && old.Key != "" {
		stmts = append(stmts, fmt.Sprintf("DROP INDEX %s__key", t))
	}
	drop := func(p propSpec) {
		switch {
		case p.Kind == "Multilink":
			stmts = append(stmts, "DROP TABLE "+junctionName(c.Name, p.Name))
		case p.Name == "content" && c.HasContent():
			// content lives in its own table; keep it
		default:
			if p.Kind == "Link" {
				stmts = append(stmts, fmt.Sprintf("DROP INDEX %s__%s_idx", t, p.Name))
			}
			stmts = append(stmts, s.d.DropColumn(t, "_"+p.Name)...)
			if p.Kind == "Interval" {
				stmts = append(stmts, s.d.DropColumn(t, intervalCol(p.Name))...)
			}
		}
	}
	add := func(p *tracker.Property) {
		switch {
		case p.Kind == tracker.Multilink:
			stmts = append(stmts, s.junctionDDL(junctionName(c.Name, p.Name))...)
		case p.Name == "content" && c.HasContent():
			stmts = append(stmts, fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (id BIGINT PRIMARY KEY, content %s)", contentTable(c.Name), s.d.BlobType()))
		default:
			for _, col := range s.columnDDL(p) {
				stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s", t, col))
			}
			stmts = append(stmts, s.propIndexes(c, p)...)
		}
	}
	for _, p := range old.Props {
		w, ok := wantBy[p.Name]
		if !ok {
			drop(p)
			changes = append(changes, fmt.Sprintf("class %s: removed property %s", c.Name, p.Name))
		} else if w.Kind != p.Kind || w.Class != p.Class {
			drop(p)
			add(c.Prop(p.Name))
			changes = append(changes, fmt.Sprintf("class %s: property %s changed from %s to %s; old values dropped", c.Name, p.Name, describe(p), describe(w)))
		}
	}
	for _, p := range c.StoredProps() {
		if _, ok := oldBy[p.Name]; !ok {
			add(p)
			changes = append(changes, fmt.Sprintf("class %s: added property %s", c.Name, p.Name))
		}
	}
	if old.Key != want.Key && want.Key != "" {
		stmts = append(stmts, s.keyIndex(c))
		changes = append(changes, fmt.Sprintf("class %s: key property is now %s", c.Name, want.Key))
	}
	return stmts, changes
}

func describe(p propSpec) string {
	if p.Class != "" {
		return fmt.Sprintf("%s(%q)", p.Kind, p.Class)
	}
	return p.Kind
}
