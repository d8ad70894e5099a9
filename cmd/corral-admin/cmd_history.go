package main

// history, and Python reprs of journal entries for `history ... raw`.

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// cmdHistory is `history designator [skipquiet] [raw]` (do_history): one
// line per journal entry the acting user may see, "user(date) action
// detail":
//
//	admin(2026-11-25.15:29:19) create issue
//	bob(...) set assignedto was None; status was chatting(3)
//	admin(...) set modified nosy: added: chen(5); priority was bug(3)
//	admin(...) link added issue4 to keyword
//
// Quiet properties are shown unless skipquiet is given (Roundup's
// history(skipquiet=False)); raw prints the entries as Roundup's Python
// repr of the journal list. The properties of a "set" entry are listed
// by name (Roundup lists them in the order they were changed, which its
// journal keeps and Corral's does not).
func (a *admin) cmdHistory(args []string) error {
	if len(args) < 1 {
		return errNotEnough()
	}
	cn, id, err := splitDesignator(args[0])
	if err != nil {
		return err
	}
	var bad []string
	skipquiet, raw := false, false
	for _, x := range args[1:] {
		switch x {
		case "skipquiet":
			skipquiet = true
		case "raw":
			raw = true
		default:
			bad = append(bad, x)
		}
	}
	if len(bad) > 0 {
		return usagef("Unexpected argument(s): %s. Expected 'skipquiet' or 'raw'.", strings.Join(bad, ", "))
	}
	c, err := a.class(cn)
	if err != nil {
		return err
	}
	tx, done, err := a.reader()
	if err != nil {
		return err
	}
	defer done()
	if _, err := item(tx, c, id); err != nil {
		return err
	}
	if c.NoJournal {
		return fmt.Errorf("Journalling is disabled for this class")
	}
	entries, err := tx.Journal(cn, id)
	if err != nil {
		return err
	}
	entries = a.visibleJournal(tx, c, id, entries, skipquiet)
	if raw {
		a.println(rawJournal(entries))
		return nil
	}
	h := &historyFormatter{tx: tx, c: c}
	lines := make([]string, len(entries))
	for i, e := range entries {
		lines[i] = fmt.Sprintf("%s(%s) %s %s", h.username(e.User), tracker.FormatDate(e.Date), e.Action, h.detail(&e))
	}
	a.println(strings.Join(lines, "\n"))
	return nil
}

// visibleJournal filters entries as Roundup's Class.history with
// enforceperm: properties gone from the schema only for the roles in
// [main] obsolete_history_roles, quiet properties only without
// skipquiet, and only properties and linked items the user may view or
// edit; a "set" entry left without properties is dropped.
func (a *admin) visibleJournal(tx *tracker.Tx, c *tracker.Class, id string, entries []tracker.JournalEntry, skipquiet bool) []tracker.JournalEntry {
	obsoleteOK := false
	for _, r := range a.h.Config.List("main", "obsolete_history_roles") {
		if tx.HasRole(r) {
			obsoleteOK = true
		}
	}
	may := func(class, prop, item string) bool {
		return tx.Can("View", class, prop, item) || tx.Can("Edit", class, prop, item)
	}
	keep := func(prop string) bool {
		p := c.Prop(prop)
		if p == nil {
			return obsoleteOK
		}
		if skipquiet && p.Quiet {
			return false
		}
		return may(c.Name, prop, id)
	}
	var out []tracker.JournalEntry
	for _, e := range entries {
		switch e.Action {
		case tracker.ActSet:
			p := e.Params
			np := tracker.JournalParams{}
			for k, v := range p.Old {
				if keep(k) {
					if np.Old == nil {
						np.Old = tracker.Values{}
					}
					np.Old[k] = v
				}
			}
			np.Added = filterIDMap(p.Added, keep)
			np.Removed = filterIDMap(p.Removed, keep)
			if len(np.Changed()) == 0 {
				continue
			}
			e.Params = np
		case tracker.ActLink, tracker.ActUnlink:
			lc := a.h.Schema.Class(e.Params.LinkClass)
			var lp *tracker.Property
			if lc != nil {
				lp = lc.Prop(e.Params.LinkProp)
			}
			if lp == nil {
				if !obsoleteOK {
					continue
				}
				break
			}
			if _, err := tx.Get(lc.Name, e.Params.LinkID); err != nil {
				if !obsoleteOK {
					continue
				}
				break
			}
			if skipquiet && lp.Quiet {
				continue
			}
			if !may(lc.Name, lp.Name, "") || !may(lc.Name, "", e.Params.LinkID) {
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

func filterIDMap(m map[string][]string, keep func(string) bool) map[string][]string {
	var out map[string][]string
	for k, v := range m {
		if keep(k) {
			if out == nil {
				out = map[string][]string{}
			}
			out[k] = v
		}
	}
	return out
}

// historyFormatter renders journal entries as Roundup's do_history.
type historyFormatter struct {
	tx *tracker.Tx
	c  *tracker.Class
}

func (h *historyFormatter) username(id string) string {
	if u, err := h.tx.Get("user", id); err == nil {
		if n := u.Str("username"); n != "" {
			return n
		}
	}
	return id
}

// label returns the name a linked item is shown by ("chatting" for
// status3), or "" when the property is no link or its class is labelled
// by id or title (Roundup's get_prop_name).
func (h *historyFormatter) label(prop, id string) string {
	p := h.c.Prop(prop)
	if p == nil || !p.Kind.IsLink() {
		return ""
	}
	tc := h.tx.Service().Schema.Class(p.Class)
	if tc == nil {
		return ""
	}
	lp := tc.Label()
	if lp == "id" || lp == "title" {
		return ""
	}
	it, err := h.tx.Get(tc.Name, id)
	if err != nil {
		return ""
	}
	return tracker.FormatValue(tc.Prop(lp), it.Get(lp))
}

// linkClass returns the class a Link/Multilink property points to.
func (h *historyFormatter) linkClass(prop string) string {
	if p := h.c.Prop(prop); p != nil && p.Kind.IsLink() {
		return p.Class
	}
	return ""
}

// idList renders "chen(5), bob(3)", "msg4, msg7" or bare ids.
func (h *historyFormatter) idList(prop string, ids []string) string {
	out := make([]string, len(ids))
	named := len(ids) > 0 && h.label(prop, ids[0]) != ""
	lc := h.linkClass(prop)
	for i, id := range ids {
		switch {
		case named:
			out[i] = h.label(prop, id) + "(" + id + ")"
		case lc != "":
			out[i] = lc + id
		default:
			out[i] = id
		}
	}
	return strings.Join(out, ", ")
}

func (h *historyFormatter) detail(e *tracker.JournalEntry) string {
	switch e.Action {
	case tracker.ActCreate, tracker.ActRetired, tracker.ActRestored:
		return h.c.Name
	case tracker.ActLink:
		return fmt.Sprintf("added %s%s to %s", e.Params.LinkClass, e.Params.LinkID, e.Params.LinkProp)
	case tracker.ActUnlink:
		return fmt.Sprintf("removed %s%s from %s", e.Params.LinkClass, e.Params.LinkID, e.Params.LinkProp)
	case tracker.ActSet:
		var parts []string
		for _, prop := range e.Params.Changed() {
			if v, ok := e.Params.Old[prop]; ok {
				parts = append(parts, h.oldValue(prop, v))
			}
			var ops []string
			if add := e.Params.Added[prop]; len(add) > 0 {
				ops = append(ops, "added: "+h.idList(prop, add))
			}
			if rem := e.Params.Removed[prop]; len(rem) > 0 {
				ops = append(ops, "removed: "+h.idList(prop, rem))
			}
			if len(ops) > 0 {
				parts = append(parts, fmt.Sprintf("modified %s: %s", prop, strings.Join(ops, ", ")))
			}
		}
		return strings.Join(parts, "; ")
	}
	return ""
}

// oldValue renders "status was chatting(3)", "title was 'old title'",
// "assignedto was None".
func (h *historyFormatter) oldValue(prop string, v any) string {
	p := h.c.Prop(prop)
	switch x := v.(type) {
	case string:
		if p != nil && p.Kind == tracker.PasswordKind {
			return prop + " was " + x
		}
		if name := h.label(prop, x); name != "" {
			return fmt.Sprintf("%s was %s(%s)", prop, name, x)
		}
		return prop + " was " + pyRepr(x)
	case []string:
		return fmt.Sprintf("%s was [%s]", prop, h.idList(prop, x))
	}
	return prop + " was " + tracker.FormatValue(p, v)
}

// rawJournal prints entries as Python's repr of Roundup's journal list
// [(nodeid, <Date ...>, userid, action, params), ...].
func rawJournal(entries []tracker.JournalEntry) string {
	parts := make([]string, len(entries))
	for i, e := range entries {
		var params string
		switch e.Action {
		case tracker.ActCreate:
			params = "{}"
		case tracker.ActRetired, tracker.ActRestored:
			params = "None"
		case tracker.ActLink, tracker.ActUnlink:
			params = pyTuple([]string{e.Params.LinkClass, e.Params.LinkID, e.Params.LinkProp})
		default:
			params = rawSetParams(&e.Params)
		}
		parts[i] = fmt.Sprintf("(%s, %s, %s, %s, %s)", pyRepr(e.ItemID), dateRepr(e.Date), pyRepr(e.User), pyRepr(e.Action), params)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// rawSetParams is the repr of a "set" entry's dict of old values, with
// multilink changes as (('+', [ids]), ('-', [ids])).
func rawSetParams(p *tracker.JournalParams) string {
	names := p.Changed()
	sort.Strings(names)
	var items []string
	for _, k := range names {
		var v string
		if old, ok := p.Old[k]; ok {
			v = pyValueRepr(old)
		} else {
			var ops []string
			if add := p.Added[k]; len(add) > 0 {
				ops = append(ops, "('+', "+pyList(add)+")")
			}
			if rem := p.Removed[k]; len(rem) > 0 {
				ops = append(ops, "('-', "+pyList(rem)+")")
			}
			if len(ops) == 1 {
				v = "(" + ops[0] + ",)"
			} else {
				v = "(" + strings.Join(ops, ", ") + ")"
			}
		}
		items = append(items, pyRepr(k)+": "+v)
	}
	return "{" + strings.Join(items, ", ") + "}"
}

// pyValueRepr is the Python repr of a journalled value.
func pyValueRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case string:
		return pyRepr(x)
	case []string:
		return pyList(x)
	case time.Time:
		return dateRepr(x)
	case tracker.Interval:
		return "<Interval " + x.String() + ">"
	}
	return tracker.FormatValue(nil, v)
}

// dateRepr is Roundup's repr(Date): <Date 2026-11-25.15:29:19.458>.
func dateRepr(t time.Time) string {
	t = t.UTC()
	sec := float64(t.Second()) + float64(t.Nanosecond())/1e9
	return fmt.Sprintf("<Date %s.%02d:%02d:%06.3f>", t.Format("2006-01-02"), t.Hour(), t.Minute(), sec)
}
