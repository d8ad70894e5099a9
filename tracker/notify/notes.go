package notify

import (
	"sort"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// noteSkip are the properties change notes never list (Roundup's
// generateChangeNote).
var noteSkip = map[string]bool{"files": true, "messages": true, "actor": true, "activity": true, "creator": true, "creation": true}

// labels returns the labels of linked items (Roundup: labelprop with
// default_to_id).
func labels(tx *tracker.Tx, class string, ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = tx.Label(class, id)
	}
	return out
}

// valueText is Python's str() of a non-link value as Roundup's notes
// print it ("None" for unset, 1.0, True, 2009-02-13.23:31:30).
func valueText(p *tracker.Property, v any) string {
	if v == nil {
		return "None"
	}
	return tracker.FormatValue(p, v)
}

func indent(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}

// CreateNote lists the initial values of a new item (Roundup's
// generateCreateNote): every non-protected, non-quiet property with a
// value, sorted by name; links as labels, multilinks as sorted labels;
// multi-line values on indented lines below.
func CreateNote(tx *tracker.Tx, c *tracker.Class, vals tracker.Values) string {
	names := c.PropNames()
	var m []string
	for _, name := range names {
		p := c.Prop(name)
		v := vals[name]
		if p.Quiet || p.Computed || name == "content" || isEmpty(v) {
			continue
		}
		var s string
		switch p.Kind {
		case tracker.Link:
			s = tx.Label(p.Class, v.(string))
		case tracker.Multilink:
			l := labels(tx, p.Class, v.([]string))
			sort.Strings(l)
			s = strings.Join(l, ", ")
		default:
			s = valueText(p, v)
			if strings.Contains(s, "\n") {
				s = "\n" + indent(s)
			}
		}
		m = append(m, name+": "+s)
	}
	return "\n----------\n" + strings.Join(m, "\n")
}

// ChangeNote lists what a change did (Roundup's generateChangeNote):
// changed properties except files, messages, the automatic ones and
// quiet ones, sorted; "old -> new" for scalars and links (labels, ” for
// unset), "+added -removed" label lists for multilinks, a Now:/Was: block
// for multi-line text. Empty when nothing qualifies.
func ChangeNote(tx *tracker.Tx, c *tracker.Class, ev *tracker.ChangeEvent) string {
	var m []string
	for _, name := range ev.Changed {
		p := c.Prop(name)
		if p == nil || p.Quiet || noteSkip[name] {
			continue
		}
		oldV, newV := ev.Old[name], ev.New[name]
		if tracker.Equal(oldV, newV) {
			continue
		}
		var change string
		switch p.Kind {
		case tracker.Link:
			o, n := "", ""
			if s, _ := oldV.(string); s != "" {
				o = tx.Label(p.Class, s)
			}
			if s, _ := newV.(string); s != "" {
				n = tx.Label(p.Class, s)
			}
			change = o + " -> " + n
		case tracker.Multilink:
			ol, _ := oldV.([]string)
			nl, _ := newV.([]string)
			add, rem := diffIDs(ol, nl)
			if len(add) > 0 {
				l := labels(tx, p.Class, add)
				sort.Strings(l)
				change = "+" + strings.Join(l, ", ")
			}
			if len(rem) > 0 {
				l := labels(tx, p.Class, rem)
				sort.Strings(l)
				change += " -" + strings.Join(l, ", ")
			}
		default:
			o, n := valueText(p, oldV), valueText(p, newV)
			change = o + " -> " + n
			if strings.Contains(change, "\n") {
				change = "\nNow:\n" + indent(n) + "\nWas:\n" + indent(o)
			}
		}
		m = append(m, name+": "+change)
	}
	if len(m) == 0 {
		return ""
	}
	return "\n----------\n" + strings.Join(m, "\n")
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	case bool:
		return !x
	case float64:
		return x == 0
	case int64:
		return x == 0
	}
	return false
}

func diffIDs(a, b []string) (added, removed []string) {
	in := make(map[string]bool, len(a))
	for _, x := range a {
		in[x] = true
	}
	inb := make(map[string]bool, len(b))
	for _, x := range b {
		inb[x] = true
		if !in[x] {
			added = append(added, x)
		}
	}
	for _, x := range a {
		if !inb[x] {
			removed = append(removed, x)
		}
	}
	return added, removed
}
