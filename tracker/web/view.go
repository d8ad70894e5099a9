package web

import (
	"net/url"
	"sort"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// fieldView is one property as a page shows it: read-only text and
// links, or a form widget with its current value.
type fieldView struct {
	Name string
	// Kind selects the widget: string, text, number, bool, date,
	// interval, password, link, multilink.
	Kind string
	// Value is what the input holds (keys for links, comma-separated
	// for multilinks).
	Value   string
	Display string
	Links   []linkView
	Options []optionView
	// Editable: the visitor may change it; Visible: may see it.
	Editable, Visible bool
	// Target is the linked class.
	Target string
}

type linkView struct {
	Label, URL, Title, CSS string
}

type optionView struct {
	Value, Label string
	Selected     bool
}

// maxMenu is the largest class offered as a drop-down; bigger ones
// (users, issues) are typed by key or id.
const maxMenu = 200

// field builds the view of one property of an item (it nil: a new item).
func (q *rq) field(c *tracker.Class, it *tracker.Item, name string) fieldView {
	p := c.Prop(name)
	f := fieldView{Name: name, Kind: strings.ToLower(p.Kind.String()), Target: p.Class}
	id := ""
	var v any
	if it != nil {
		id = it.ID
		v = it.Get(name)
	}
	f.Visible = it == nil || q.can("View", c.Name, name, id)
	if it == nil {
		f.Editable = q.can("Create", c.Name, name, "")
	} else {
		f.Editable = !p.Protected && !p.Computed && q.can("Edit", c.Name, name, id)
	}
	if !f.Visible {
		f.Display = "[hidden]"
		return f
	}
	switch p.Kind {
	case tracker.Link, tracker.Multilink:
		ids := idsOf(v)
		var keys []string
		tc := q.s.svc.Schema.Class(p.Class)
		for _, lid := range ids {
			lv := q.linkView(p.Class, lid)
			f.Links = append(f.Links, lv)
			if tc != nil && tc.KeyProp != "" {
				keys = append(keys, lv.Label)
			} else {
				keys = append(keys, lid)
			}
		}
		f.Value = strings.Join(keys, ",")
		labels := make([]string, len(f.Links))
		for i, l := range f.Links {
			labels[i] = l.Label
		}
		f.Display = strings.Join(labels, ", ")
		if f.Editable && tc != nil && tc.KeyProp != "" && p.Class != "user" {
			f.Options = q.menu(p.Class, ids)
		}
	case tracker.PasswordKind:
		f.Display = ""
		if v != nil {
			f.Display = "********"
		}
	case tracker.String:
		s, _ := v.(string)
		f.Value, f.Display = s, s
		if strings.Contains(s, "\n") || name == "description" || name == "content" {
			f.Kind = "text"
		}
	case tracker.Date:
		if v != nil {
			f.Value = tracker.FormatValue(p, v)
			f.Display = f.Value
		}
	default:
		if v != nil {
			f.Value = tracker.FormatValue(p, v)
			f.Display = f.Value
		}
	}
	return f
}

func idsOf(v any) []string {
	switch x := v.(type) {
	case string:
		if x != "" {
			return []string{x}
		}
	case []string:
		return x
	}
	return nil
}

// linkView shows a linked item: its label and URL; issues carry their
// status as a CSS class and their title as tooltip (bpo's status-coloured
// dependency links).
func (q *rq) linkView(class, id string) linkView {
	lv := linkView{Label: q.tx.Label(class, id), URL: q.s.base.Path + class + id}
	if !q.can("View", class, "", id) {
		return linkView{Label: class + id, URL: lv.URL}
	}
	if it, err := q.tx.Get(class, id); err == nil {
		if it.Retired {
			lv.CSS = "retired"
		}
		if t := it.Str("title"); t != "" {
			lv.Title = t
			if lv.Label == t {
				lv.Label = class + id
			}
		}
		if st := it.Str("status"); st != "" {
			lv.CSS = strings.TrimSpace(lv.CSS + " status-" + cssName(q.tx.Label("status", st)))
		}
	}
	return lv
}

func cssName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// menu lists a small class's active items by its order property, for
// select widgets; current values stay selectable even when retired.
func (q *rq) menu(class string, selected []string) []optionView {
	c := q.s.svc.Schema.Class(class)
	ids, _, err := q.tx.Filter(class, &tracker.Filter{Sort: []tracker.SortKey{{Prop: c.Order()}}, Limit: maxMenu + 1})
	if err != nil || len(ids) > maxMenu {
		return nil
	}
	sel := map[string]bool{}
	for _, s := range selected {
		sel[s] = true
	}
	var out []optionView
	seen := map[string]bool{}
	for _, id := range ids {
		if !q.can("View", class, "", id) {
			continue
		}
		lbl := q.tx.Label(class, id)
		out = append(out, optionView{Value: lbl, Label: lbl, Selected: sel[id]})
		seen[id] = true
	}
	for _, s := range selected {
		if !seen[s] {
			lbl := q.tx.Label(class, s)
			out = append(out, optionView{Value: lbl, Label: lbl, Selected: true})
		}
	}
	return out
}

// formValues returns the submitted values of a re-rendered form, so a
// refused edit shows what the user typed.
func (q *rq) overlay(fields []fieldView) {
	if q.r.Method != "POST" {
		return
	}
	for i := range fields {
		if vs, ok := q.form[fields[i].Name]; ok {
			fields[i].Value = joinMulti(vs)
			for j := range fields[i].Options {
				fields[i].Options[j].Selected = contains(splitList(vs), fields[i].Options[j].Value)
			}
		}
	}
}

// urlQueryEscape escapes a query component.
func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// sortedProps returns a class's properties for a generic page: the key
// first, then the others by name, automatic ones last.
func sortedProps(c *tracker.Class) []string {
	var names []string
	for _, p := range c.Props {
		if p.Name == c.KeyProp || p.Name == "content" {
			continue
		}
		names = append(names, p.Name)
	}
	sort.Strings(names)
	if c.KeyProp != "" {
		names = append([]string{c.KeyProp}, names...)
	}
	return names
}
