package main

import (
	"crypto/md5"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/corral-tracker/corral/tracker"
)

// Helpers shared by the commands: designators, classes, items and
// values with Roundup's error wording.

// splitDesignator splits "issue42" (hyperdb.splitDesignator); anything
// else is a usage error `"x" not a node designator`.
func splitDesignator(s string) (class, id string, err error) {
	class, id, ok := tracker.SplitDesignator(s)
	if !ok {
		return "", "", usagef("\"%s\" not a node designator", s)
	}
	return class, id, nil
}

// class returns the named class or Roundup's `no such class "x"`.
func (a *admin) class(name string) (*tracker.Class, error) {
	c := a.h.Schema.Class(name)
	if c == nil {
		return nil, usagef("no such class \"%s\"", name)
	}
	return c, nil
}

// item loads an item or fails with Roundup's `no such CLASS node "ID"`.
func item(tx *tracker.Tx, c *tracker.Class, id string) (*tracker.Item, error) {
	it, err := tx.Get(c.Name, id)
	if errors.Is(err, tracker.ErrNotFound) {
		return nil, usagef("no such %s node \"%s\"", c.Name, id)
	}
	return it, err
}

// checkView requires View permission on the item (and property, when
// given) for the acting user; admin passes always.
func checkView(tx *tracker.Tx, c *tracker.Class, prop, id string) error {
	if tx.Can("View", c.Name, prop, id) {
		return nil
	}
	return &tracker.PermissionError{User: tx.UserID(), Permission: "View", Class: c.Name, Prop: prop, ItemID: id}
}

// allPropNames returns the class's property names with the automatic
// ones, as Roundup's Class.getprops() keys: declared order first, then
// id, creation, activity, creator, actor.
func allProps(c *tracker.Class) []*tracker.Property {
	out := append([]*tracker.Property(nil), c.Props...)
	return append(out, tracker.ProtectedProps()...)
}

// listLabel is the property `list` shows by default: Roundup's
// labelprop() without default_to_id — setlabelprop, the key, "name",
// "title", else the first property name alphabetically, the automatic
// ones included.
func listLabel(c *tracker.Class) string {
	if l := c.Label(); l != "id" || c.LabelPropName == "id" {
		return l
	}
	var names []string
	for _, p := range allProps(c) {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	return names[0]
}

// formatProp prints one property of an item as Roundup's str() of the
// value (roundup-admin display, get, list and table): FileClass content
// as text, or Roundup's "not text" notice with the content's md5.
func formatProp(tx *tracker.Tx, it *tracker.Item, prop string) (string, error) {
	p := it.Class.Prop(prop)
	if p == nil {
		return "", usagef("no such %s property \"%s\"", it.Class.Name, prop)
	}
	if prop == "content" && it.Class.HasContent() {
		b, err := tx.Content(it.Class.Name, it.ID)
		if err != nil {
			return "", err
		}
		if !utf8.Valid(b) {
			return fmt.Sprintf("%s%s is not text, retrieve using binary_content property. mdsum: %x",
				it.Class.Name, it.ID, md5.Sum(b)), nil
		}
		return string(b), nil
	}
	return tracker.FormatValue(p, it.Get(prop)), nil
}

// allIDs returns the ids of a class's items in id order, active,
// retired or both.
func allIDs(tx *tracker.Tx, class string, mode tracker.RetiredMode) ([]string, error) {
	ids, _, err := tx.Filter(class, &tracker.Filter{Retired: mode, Sort: []tracker.SortKey{{Prop: "id"}}})
	return ids, err
}

// propsFromArgs parses "prop=value" arguments (AdminTool.props_from_args);
// order is kept for error messages.
func propsFromArgs(args []string) ([][2]string, error) {
	var out [][2]string
	for _, arg := range args {
		k, v, ok := strings.Cut(arg, "=")
		if !ok {
			return nil, usagef("argument \"%s\" not propname=value", arg)
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

// multilinkNames lists a class's Multilink properties among props (for
// GetMany, which loads only the multilinks asked for).
func multilinkNames(c *tracker.Class, props []string) []string {
	out := []string{}
	for _, n := range props {
		if p := c.Prop(n); p != nil && p.Kind == tracker.Multilink {
			out = append(out, n)
		}
	}
	return out
}

// joinList prints ids (or designators) as roundup-admin prints lists:
// joined with the -c/-S/-s separator, else as a Python list repr.
func (a *admin) joinList(items []string) string {
	if a.sepSet {
		return strings.Join(items, a.sep)
	}
	return pyList(items)
}

// designators prefixes ids with the class name when -d is given.
func (a *admin) designators(class string, ids []string) []string {
	if !a.printDesignator {
		return ids
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = class + id
	}
	return out
}
