package export

import (
	"fmt"
	"sort"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/schemafile"
)

// journalRow formats one entry as export_journals (rdbms_common.py) does:
// nodeid, date tuple, user id, action, params, each through repr_export.
func journalRow(c *tracker.Class, e *tracker.JournalEntry, row []string) []string {
	var user any
	if e.User != "" {
		user = e.User
	}
	return append(row[:0],
		schemafile.Repr(e.ItemID),
		schemafile.Repr(dateTuple(e.Date)),
		schemafile.Repr(user),
		schemafile.Repr(e.Action),
		schemafile.Repr(journalParams(c, e)))
}

// journalParams is the Python value of an entry's params: {} for create,
// the dict of old values for set, (class, id, prop) for link/unlink, None
// for retired/restored.
func journalParams(c *tracker.Class, e *tracker.JournalEntry) any {
	p := &e.Params
	switch e.Action {
	case tracker.ActCreate:
		return map[string]any{}
	case tracker.ActRetired, tracker.ActRestored:
		return nil
	case tracker.ActLink, tracker.ActUnlink:
		return linkTuple(p)
	case tracker.ActSet:
		return setDict(c, p)
	}
	switch {
	case p.LinkClass != "":
		return linkTuple(p)
	case len(p.Old) > 0 || len(p.Added) > 0 || len(p.Removed) > 0:
		return setDict(c, p)
	}
	return nil
}

func linkTuple(p *tracker.JournalParams) schemafile.Tuple {
	return schemafile.Tuple{p.LinkClass, p.LinkID, p.LinkProp}
}

// setDict builds a "set" entry's dict: old values typed as in CLASS.csv,
// Multilink changes as (('+', added), ('-', removed)) — set_inner in
// rdbms_common.py lists additions first — and properties the schema no
// longer has left out, as export_journals does.
func setDict(c *tracker.Class, p *tracker.JournalParams) map[string]any {
	d := make(map[string]any, len(p.Old)+len(p.Added)+len(p.Removed))
	for k, v := range p.Old {
		prop := c.Prop(k)
		if prop == nil {
			continue
		}
		if v == nil {
			d[k] = nil
			continue
		}
		d[k] = pyValue(prop, v)
	}
	for _, k := range p.Changed() {
		add, rem := p.Added[k], p.Removed[k]
		if len(add) == 0 && len(rem) == 0 {
			continue
		}
		if c.Prop(k) == nil {
			continue
		}
		var t schemafile.Tuple
		if len(add) > 0 {
			t = append(t, schemafile.Tuple{"+", add})
		}
		if len(rem) > 0 {
			t = append(t, schemafile.Tuple{"-", rem})
		}
		d[k] = t
	}
	return d
}

// parseJournalRow reads one CLASS-journals.csv record into an entry, as
// import_journals (hyperdb.py) does: "set" values are converted by
// property type (a property the schema lacks is an error there too),
// "create" params are dropped (very old trackers stored the initial
// values in them), "link"/"unlink" take the (class, id, prop) tuple.
func parseJournalRow(c *tracker.Class, rec []string) (tracker.JournalEntry, error) {
	var e tracker.JournalEntry
	if len(rec) != 5 {
		return e, fmt.Errorf("%d fields, want 5 (nodeid:date:userid:action:params)", len(rec))
	}
	var vals [5]any
	for i, f := range rec {
		v, err := schemafile.ParseLiteral(f)
		if err != nil {
			return e, fmt.Errorf("field %d: %w", i+1, err)
		}
		vals[i] = v
	}
	id, ok := idOf(vals[0])
	if !ok {
		return e, fmt.Errorf("node id %s is not an item id", rec[0])
	}
	date, err := parseDate(vals[1])
	if err != nil {
		return e, err
	}
	e = tracker.JournalEntry{Class: c.Name, ItemID: id, Date: date}
	if vals[2] != nil {
		u, ok := idOf(vals[2])
		if !ok {
			return e, fmt.Errorf("user %s is not a user id", rec[2])
		}
		e.User = u
	}
	action, ok := vals[3].(string)
	if !ok || action == "" {
		return e, fmt.Errorf("action %s is not a string", rec[3])
	}
	e.Action = action
	switch params := vals[4].(type) {
	case nil:
	case map[string]any:
		if action == tracker.ActCreate {
			break
		}
		if e.Params, err = parseSetParams(c, params); err != nil {
			return e, err
		}
	case []any:
		if action != tracker.ActLink && action != tracker.ActUnlink {
			break
		}
		if len(params) != 3 {
			return e, fmt.Errorf("%s params %s: want (class, id, property)", action, rec[4])
		}
		cls, ok1 := params[0].(string)
		lid, ok2 := idOf(params[1])
		prop, ok3 := params[2].(string)
		if !ok1 || !ok2 || !ok3 {
			return e, fmt.Errorf("%s params %s: want (class, id, property)", action, rec[4])
		}
		e.Params = tracker.JournalParams{LinkClass: cls, LinkID: lid, LinkProp: prop}
	default:
		return e, fmt.Errorf("params %s: not a dict, tuple or None", rec[4])
	}
	return e, nil
}

func parseSetParams(c *tracker.Class, params map[string]any) (tracker.JournalParams, error) {
	var p tracker.JournalParams
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := params[k]
		prop := c.Prop(k)
		if prop == nil {
			return p, fmt.Errorf("class %s has no property %q (add it to schema.py to keep its history)", c.Name, k)
		}
		if prop.Kind == tracker.Multilink {
			add, rem, err := multilinkChange(prop, v)
			if err != nil {
				return p, err
			}
			if len(add) > 0 {
				if p.Added == nil {
					p.Added = map[string][]string{}
				}
				p.Added[k] = add
			}
			if len(rem) > 0 {
				if p.Removed == nil {
					p.Removed = map[string][]string{}
				}
				p.Removed[k] = rem
			}
			continue
		}
		gv, err := goValue(prop, v)
		if err != nil {
			return p, err
		}
		if pw, ok := gv.(tracker.Password); ok {
			// password.JournalPassword: only the scheme survives.
			gv = pw.JournalString()
		}
		if p.Old == nil {
			p.Old = tracker.Values{}
		}
		p.Old[k] = gv
	}
	return p, nil
}

// multilinkChange reads (('+', ids), ('-', ids)). Roundup journals the
// old list itself when a set changed only the order; that carries no
// change and is dropped.
func multilinkChange(prop *tracker.Property, v any) (add, rem []string, err error) {
	l, ok := v.([]any)
	if !ok {
		if v == nil {
			return nil, nil, nil
		}
		return nil, nil, fmt.Errorf("property %s: %s is not a multilink change", prop.Name, schemafile.Repr(v))
	}
	for _, e := range l {
		pair, ok := e.([]any)
		if !ok {
			if _, isID := idOf(e); isID {
				return nil, nil, nil // the old list
			}
			return nil, nil, fmt.Errorf("property %s: %s is not a multilink change", prop.Name, schemafile.Repr(v))
		}
		if len(pair) != 2 {
			return nil, nil, fmt.Errorf("property %s: %s is not a multilink change", prop.Name, schemafile.Repr(v))
		}
		op, _ := pair[0].(string)
		ids, err := goValue(prop, pair[1])
		if err != nil || ids == nil {
			return nil, nil, fmt.Errorf("property %s: %s is not a multilink change", prop.Name, schemafile.Repr(v))
		}
		switch op {
		case "+":
			add = append(add, ids.([]string)...)
		case "-":
			rem = append(rem, ids.([]string)...)
		default:
			return nil, nil, fmt.Errorf("property %s: %s is not a multilink change", prop.Name, schemafile.Repr(v))
		}
	}
	return add, rem, nil
}
