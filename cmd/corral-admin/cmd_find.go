package main

// find and filter.

import (
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// cmdFind is `find classname propname=value ...` (do_find): the active
// items whose Link or Multilink points to any of the given items (ids
// or key values, comma-separated). As in Roundup's rdbms find, several
// Link properties must all match, and each Multilink property adds its
// matches. An empty value (or -1) finds items where the Link is unset.
func (a *admin) cmdFind(args []string) error {
	if len(args) < 1 {
		return errNotEnough()
	}
	c, err := a.class(args[0])
	if err != nil {
		return err
	}
	props, err := propsFromArgs(args[1:])
	if err != nil {
		return err
	}
	tx, done, err := a.reader()
	if err != nil {
		return err
	}
	defer done()
	links := map[string][]string{}
	multi := map[string][]string{}
	for _, kv := range props {
		name, raw := kv[0], kv[1]
		p := c.Prop(name)
		if p == nil {
			return usagef("%s has no property \"%s\"", c.Name, name)
		}
		if !p.Kind.IsLink() {
			return usagef("'%s' not a Link/Multilink property", name)
		}
		var ids []string
		for _, v := range strings.Split(raw, ",") {
			v = strings.TrimSpace(v)
			if v == "" || v == "-1" {
				ids = append(ids, "-1")
				continue
			}
			val, err := tx.ParseValue(c.Name, name, v, nil)
			if err != nil {
				return usagef("%s", errorText(err))
			}
			switch x := val.(type) {
			case string:
				ids = append(ids, x)
			case []string:
				ids = append(ids, x...)
			}
		}
		if p.Kind == tracker.Link {
			links[name] = append(links[name], ids...)
		} else {
			multi[name] = append(multi[name], ids...)
		}
	}
	found := map[string]bool{}
	run := func(spec map[string][]string) error {
		ids, _, err := tx.Filter(c.Name, &tracker.Filter{Spec: spec})
		for _, id := range ids {
			found[id] = true
		}
		return err
	}
	if len(links) > 0 {
		if err := run(links); err != nil {
			return err
		}
	}
	for name, ids := range multi {
		if err := run(map[string][]string{name: ids}); err != nil {
			return err
		}
	}
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	tracker.SortIDs(ids)
	a.println(a.joinList(a.designators(c.Name, visible(tx, c.Name, ids))))
	return nil
}

// cmdFilter is `filter classname propname=value ...` (do_filter): the
// active items matching every property; comma-separated values of a
// String must all occur (substrings, any case), of a Link or Multilink
// any may match (ids or key values, -1 for unset); properties may be
// transitive (assignedto.roles=Admin). Dates take Roundup's ranges.
func (a *admin) cmdFilter(args []string) error {
	if len(args) < 1 {
		return errNotEnough()
	}
	c, err := a.class(args[0])
	if err != nil {
		return err
	}
	props, err := propsFromArgs(args[1:])
	if err != nil {
		return err
	}
	spec := map[string][]string{}
	for _, kv := range props {
		name, raw := kv[0], kv[1]
		if err := a.checkPath(c, name); err != nil {
			return err
		}
		spec[name] = append(spec[name], strings.Split(raw, ",")...)
	}
	tx, done, err := a.reader()
	if err != nil {
		return err
	}
	defer done()
	ids, _, err := tx.Filter(c.Name, &tracker.Filter{Spec: spec, Sort: []tracker.SortKey{{Prop: "id"}}})
	if err != nil {
		return usagef("%s", errorText(err))
	}
	a.println(a.joinList(a.designators(c.Name, visible(tx, c.Name, ids))))
	return nil
}

// checkPath validates a (transitive) property name with Roundup's
// wording.
func (a *admin) checkPath(c *tracker.Class, name string) error {
	parts := strings.Split(name, ".")
	cls := c
	for i, part := range parts {
		p := cls.Prop(part)
		if p == nil {
			if len(parts) == 1 {
				return usagef("%s has no property \"%s\"", c.Name, name)
			}
			return usagef("Class %s has no property %s in %s.", cls.Name, part, name)
		}
		if i < len(parts)-1 {
			if !p.Kind.IsLink() {
				return usagef("Class %s property %s in %s is not a Link or Multilink.", cls.Name, part, name)
			}
			cls = a.h.Schema.Class(p.Class)
		}
	}
	return nil
}

// visible keeps the ids the acting user may view.
func visible(tx *tracker.Tx, class string, ids []string) []string {
	out := ids[:0:0]
	for _, id := range ids {
		if tx.Can("View", class, "", id) {
			out = append(out, id)
		}
	}
	return out
}
