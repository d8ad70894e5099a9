package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/corral-tracker/corral/tracker"
)

// Read-only commands that print items: display, get, list, table and
// specification. They check View permission for the acting user
// (Roundup's admin tool reads without checks; the admin user passes
// them all, so the output is the same).

// cmdDisplay is `display designator[,designator]*` (do_display): one
// "prop: value" line per property, sorted by name; with the
// display_protected pragma the automatic properties too, marked "*";
// with display_header a "[designator (active|retired)]" line first.
func (a *admin) cmdDisplay(args []string) error {
	if len(args) < 1 {
		return errNotEnough()
	}
	tx, done, err := a.reader()
	if err != nil {
		return err
	}
	defer done()
	protected := a.settings["display_protected"].(bool)
	header := a.settings["display_header"].(bool)
	for _, d := range strings.Split(args[0], ",") {
		cn, id, err := splitDesignator(d)
		if err != nil {
			return err
		}
		c, err := a.class(cn)
		if err != nil {
			return err
		}
		it, err := item(tx, c, id)
		if err != nil {
			return err
		}
		if err := checkView(tx, c, "", id); err != nil {
			return err
		}
		names := c.PropNames()
		normal := map[string]bool{}
		for _, n := range names {
			normal[n] = true
		}
		if protected {
			names = names[:0:0]
			for _, p := range allProps(c) {
				names = append(names, p.Name)
			}
			sort.Strings(names)
		}
		if header {
			status := "active"
			if it.Retired {
				status = "retired"
			}
			a.printf("\n[%s (%s)]\n", d, status)
		}
		for _, n := range names {
			if !tx.Can("View", c.Name, n, id) {
				continue
			}
			v, err := formatProp(tx, it, n)
			if err != nil {
				return err
			}
			mark := ""
			if protected || header {
				mark = " "
				if !normal[n] {
					mark = "*"
				}
			}
			a.printf("%s%s: %s\n", mark, n, v)
		}
	}
	return nil
}

// cmdGet is `get property designator[,designator]*` (do_get): the value
// alone per line. With -d or -c/-S/-s the property must be a Link or
// Multilink and its ids are printed one a line, or joined, as ids or
// (with -d) designators. Roundup iterates a Link's id string character
// by character there (issue12 -> "issue1", "issue2"); Corral prints it
// as one id.
func (a *admin) cmdGet(args []string) error {
	if len(args) < 2 {
		return errNotEnough()
	}
	prop := args[0]
	tx, done, err := a.reader()
	if err != nil {
		return err
	}
	defer done()
	for _, d := range strings.Split(args[1], ",") {
		cn, id, err := splitDesignator(d)
		if err != nil {
			return err
		}
		c, err := a.class(cn)
		if err != nil {
			return err
		}
		it, err := item(tx, c, id)
		if err != nil {
			return err
		}
		p := c.Prop(prop)
		if p == nil {
			return usagef("no such %s property \"%s\"", cn, prop)
		}
		if err := checkView(tx, c, prop, id); err != nil {
			return err
		}
		if !a.sepSet && !a.printDesignator {
			v, err := formatProp(tx, it, prop)
			if err != nil {
				return err
			}
			a.println(v)
			continue
		}
		if !p.Kind.IsLink() {
			return usagef("property %s is not of type Multilink or Link so -d flag does not apply.", prop)
		}
		var ids []string
		switch v := it.Get(prop).(type) {
		case string:
			ids = []string{v}
		case []string:
			ids = v
		}
		ids = a.designators(p.Class, ids)
		if a.sepSet {
			a.println(strings.Join(ids, a.sep))
		} else {
			a.println(strings.Join(ids, "\n"))
		}
	}
	return nil
}

// cmdList is `list classname [property]` (do_list): "%4s: %s" per item
// (id, label or the property), or with -c/-S/-s the ids (no property)
// or the values joined. The show_retired pragma selects the items.
func (a *admin) cmdList(args []string) error {
	if len(args) > 2 {
		return usagef("Too many arguments supplied")
	}
	if len(args) < 1 {
		return errNotEnough()
	}
	c, err := a.class(args[0])
	if err != nil {
		return err
	}
	prop := listLabel(c)
	if len(args) > 1 {
		prop = args[1]
	}
	if c.Prop(prop) == nil {
		return usagef("%s has no property \"%s\"", c.Name, prop)
	}
	tx, done, err := a.reader()
	if err != nil {
		return err
	}
	defer done()
	ids, err := allIDs(tx, c.Name, a.retiredMode())
	if err != nil {
		return err
	}
	if a.sepSet && len(args) < 2 {
		a.println(strings.Join(ids, a.sep))
		return nil
	}
	items, err := tx.GetMany(c.Name, ids, multilinkNames(c, []string{prop}))
	if err != nil {
		return err
	}
	var vals []string
	for _, it := range items {
		if !tx.Can("View", c.Name, prop, it.ID) {
			continue
		}
		v, err := formatProp(tx, it, prop)
		if err != nil {
			return err
		}
		if a.sepSet {
			vals = append(vals, v)
		} else {
			a.printf("%4s: %s\n", it.ID, v)
		}
	}
	if a.sepSet {
		a.println(strings.Join(vals, a.sep))
	}
	return nil
}

// tableColumn is one column of `table`: a property and its width.
type tableColumn struct {
	name  string
	width int
	auto  bool
}

// cmdTable is `table classname [property[,property]*]` (do_table):
// columns of the given properties (all, the automatic ones included,
// by default), each as wide as its widest value or heading, or as
// "name:width" says ("name:" = the heading's width); values are cut to
// the width. Widths count characters, as Python's do.
func (a *admin) cmdTable(args []string) error {
	if len(args) < 1 {
		return errNotEnough()
	}
	c, err := a.class(args[0])
	if err != nil {
		return err
	}
	var cols []tableColumn
	if len(args) > 1 {
		for _, spec := range strings.Split(args[1], ",") {
			name, width, hasWidth := strings.Cut(spec, ":")
			if strings.Contains(width, ":") {
				return usagef("\"%s\" not name:width", spec)
			}
			if c.Prop(name) == nil {
				return usagef("%s has no property \"%s\"", c.Name, name)
			}
			col := tableColumn{name: name}
			switch {
			case !hasWidth:
				col.auto = true
				col.width = utf8.RuneCountInString(name)
			case width == "":
				col.width = utf8.RuneCountInString(name)
			default:
				n, err := strconv.Atoi(width)
				if err != nil {
					return usagef("\"%s\" does not have an integer width: \"%s\"", spec, width)
				}
				col.width = n
			}
			cols = append(cols, col)
		}
	} else {
		for _, p := range allProps(c) {
			cols = append(cols, tableColumn{name: p.Name, width: len(p.Name), auto: true})
		}
	}
	tx, done, err := a.reader()
	if err != nil {
		return err
	}
	defer done()
	ids, err := allIDs(tx, c.Name, a.retiredMode())
	if err != nil {
		return err
	}
	names := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.name
	}
	items, err := tx.GetMany(c.Name, ids, multilinkNames(c, names))
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(items))
	for _, it := range items {
		if !tx.Can("View", c.Name, "", it.ID) {
			continue
		}
		row := make([]string, len(cols))
		for i, col := range cols {
			v := ""
			if tx.Can("View", c.Name, col.name, it.ID) {
				if v, err = formatProp(tx, it, col.name); err != nil {
					return err
				}
			}
			row[i] = v
			if col.auto {
				cols[i].width = max(cols[i].width, utf8.RuneCountInString(v))
			}
		}
		rows = append(rows, row)
	}
	cells := make([]string, len(cols))
	for i, col := range cols {
		cells[i] = pad(capitalize(col.name), col.width)
	}
	a.println(strings.Join(cells, " "))
	for _, row := range rows {
		for i, col := range cols {
			cells[i] = pad(cut(row[i], col.width), col.width)
		}
		a.println(strings.Join(cells, " "))
	}
	return nil
}

// capitalize is Python's str.capitalize: first character upper case,
// the rest lower case.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + strings.ToLower(s[n:])
}

// pad is Python's ljust: s padded with spaces to width characters
// (never cut).
func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

// cut keeps the first width characters of s.
func cut(s string, width int) string {
	if width < 0 {
		width = 0
	}
	i := 0
	for j := range s {
		if i == width {
			return s[:j]
		}
		i++
	}
	return s
}

// cmdSpecification is `specification classname` (do_specification):
// "name: <roundup.hyperdb.Type>" per property in declaration order, the
// key property marked; the automatic ones too with display_protected.
func (a *admin) cmdSpecification(args []string) error {
	if len(args) < 1 {
		return errNotEnough()
	}
	c, err := a.class(args[0])
	if err != nil {
		return err
	}
	props := c.Props
	if a.settings["display_protected"].(bool) {
		props = allProps(c)
	}
	for _, p := range props {
		key := ""
		if p.Name == c.KeyProp {
			key = " (key property)"
		}
		a.printf("%s: %s%s\n", p.Name, typeRepr(p), key)
	}
	return nil
}

// typeRepr is Roundup's repr of a property type object.
func typeRepr(p *tracker.Property) string {
	if p.Kind.IsLink() {
		return fmt.Sprintf("<roundup.hyperdb.%s to \"%s\">", p.Kind, p.Class)
	}
	return fmt.Sprintf("<roundup.hyperdb.%s>", p.Kind)
}
