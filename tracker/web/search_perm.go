package web

import (
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// searchable reports whether the visitor may filter, sort or group class
// by path ("status", "assignee.username"): Roundup's
// Security.hasSearchPermission. Every step of the path needs a View (or
// Search) permission without a check function that covers the property;
// a path ending in a Link or Multilink also needs id, the label and the
// order property of the target class, since matching by key reveals
// them. Permissions with checks never make a property searchable: a
// filter would otherwise tell, item by item, what the check hides
// (e.g. other users' addresses).
func (q *rq) searchable(class, path string) bool {
	schema := q.s.svc.Schema
	c := schema.Class(class)
	if c == nil || path == "" {
		return false
	}
	var p *tracker.Property
	for i, part := range strings.Split(path, ".") {
		if i > 0 {
			if p == nil || !p.Kind.IsLink() {
				return false
			}
			if c = schema.Class(p.Class); c == nil {
				return false
			}
		}
		if p = c.Prop(part); p == nil || !q.roleSearchable(c.Name, part) {
			return false
		}
	}
	if p.Kind.IsLink() {
		tc := schema.Class(p.Class)
		if tc == nil {
			return false
		}
		for _, n := range []string{"id", tc.Label(), tc.Order()} {
			if !q.roleSearchable(tc.Name, n) {
				return false
			}
		}
	}
	return true
}

// roleSearchable is Roundup's Role.searchable over the visitor's roles.
func (q *rq) roleSearchable(class, prop string) bool {
	sec := q.s.svc.Schema.Security
	for _, rn := range q.tx.Roles() {
		r := sec.Role(rn)
		if r == nil {
			continue
		}
		for _, p := range r.Perms {
			if p.Name != "View" && p.Name != "Search" || p.Check != "" {
				continue
			}
			if p.Class != "" && p.Class != class {
				continue
			}
			if p.Properties == nil || contains(p.Properties, prop) {
				return true
			}
		}
	}
	return false
}

// propPath resolves a transitive property path on class
// ("messages.author.username"); nil when a step does not exist or does
// not link (Roundup's Class.get_transitive_prop).
func propPath(schema *tracker.Schema, class, path string) *tracker.Property {
	c := schema.Class(class)
	var p *tracker.Property
	for i, part := range strings.Split(path, ".") {
		if i > 0 {
			if !p.Kind.IsLink() {
				return nil
			}
			if c = schema.Class(p.Class); c == nil {
				return nil
			}
		}
		if c == nil {
			return nil
		}
		if p = c.Prop(part); p == nil {
			return nil
		}
	}
	return p
}

// dropUnsearchable removes the filters, sort and group keys the visitor
// may not search, as Roundup's filter_with_permissions does
// (filterFilterspec, filterSortspec); dropped filters are reported, so
// a bookmark opened by someone with fewer rights does not silently
// show more than it says.
func (iq *indexQuery) dropUnsearchable(q *rq) {
	var kept, dropped []string
	for _, f := range iq.Filter {
		if q.searchable(iq.Class, f) {
			kept = append(kept, f)
		} else {
			dropped = append(dropped, f)
			delete(iq.Spec, f)
		}
	}
	iq.Filter = kept
	if len(dropped) > 0 {
		q.errs = append(q.errs, "You may not search by "+strings.Join(dropped, ", ")+"; the filter was left out.")
	}
	keep := func(keys []tracker.SortKey) []tracker.SortKey {
		var out []tracker.SortKey
		for _, k := range keys {
			if q.searchable(iq.Class, k.Prop) {
				out = append(out, k)
			}
		}
		return out
	}
	iq.Sort, iq.Group = keep(iq.Sort), keep(iq.Group)
}
