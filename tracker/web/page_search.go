package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// searchView is the search page (Roundup's CLASS.search.html; bpo's
// issue.search.html): one row per property with a filter widget and
// the "Display", "Sort on" and "Group on" columns, then the full-text
// box, paging, and the query name for saving.
type searchView struct {
	Class      string
	Issue      bool
	Rows       []searchRow
	ByName     map[string]*searchRow
	SearchText string
	// Ignore: bpo's "Ignore attachments" (ignore=file:content).
	Ignore bool
	// HasStatus offers "open only"; OpenOnly is its state.
	HasStatus, OpenOnly bool
	PageSize, StartWith string
	// Sort and group: the radios' choice and direction, plus a
	// second sort key ("then by").
	SortOn, Sort2On, GroupOn       string
	SortDesc, Sort2Desc, GroupDesc bool
	// Sortable lists the properties for the "then by" select.
	Sortable []string
	// CanSave: the visitor may store queries (@queryname).
	CanSave                 bool
	QueryName, OldQueryName string
}

// searchRow is one property of the search form.
type searchRow struct {
	Name, Label string
	// Kind picks the widget: text, select, users, date, bool.
	Kind  string
	Value string
	// Options are the choices of a select after "don't care": Extras
	// first (bpo's "not selected", "not closed"), then the items.
	Extras, Options []optionView
	// Custom holds a current value no option names (a saved query's
	// "1,3" or an expression), shown as its own selected option.
	Custom *optionView
	// For users links: "me" and "not set" checkboxes.
	Me, MeChecked, NotSetChecked bool
	// Expr offers the multilink expression helper ("(expr)").
	Expr []optionView
	// Column, Sort, Group: whether the row offers those radios; Shown:
	// the column is ticked, Sorted and Grouped the radios.
	Column, Sort, Group, Shown bool
	Sorted, Grouped            bool
	Help                       string
}

// bpoSearchRows is issue.search.html's order and wording.
var bpoSearchRows = [][2]string{
	{"title", "Title"}, {"id", "ID"}, {"stage", "Stage"}, {"creation", "Creation Date"},
	{"creator", "Creator"}, {"activity", "Activity"}, {"actor", "Last actor"},
	{"nosy", "Nosy list member"}, {"type", "Type"}, {"components", "Components"},
	{"versions", "Versions"}, {"dependencies", "Depends on"}, {"assignee", "Assigned to"},
	{"assignedto", "Assigned to"}, {"keywords", "Keyword"}, {"keyword", "Keyword"},
	{"priority", "Priority"}, {"status", "Status"}, {"resolution", "Resolution"},
	{"nosy_count", "Nosy count"}, {"message_count", "Message count"},
}

// serveSearch renders CLASS?@template=search.
func (s *Site) serveSearch(q *rq, class string) {
	if class == "" {
		class = "issue"
	}
	if !q.can("View", class, "", "") {
		s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to search "+class+"s."))
		return
	}
	s.renderSearch(q, class, http.StatusOK)
}

// renderSearch shows the search form filled from the request (a fresh
// form, a refinement from an index, or a refused submission).
func (s *Site) renderSearch(q *rq, class string, status int) {
	v := s.searchView(q, s.svc.Schema.Class(class))
	title := "Search " + class + "s"
	if v.Issue {
		title = "Issue searching"
	}
	s.render(q, status, s.pageName(class, "search"), &pageData{Title: title, Body: v})
}

func (s *Site) searchView(q *rq, c *tracker.Class) *searchView {
	v := &searchView{Class: c.Name, Issue: c.Kind == tracker.IssueClass, ByName: map[string]*searchRow{},
		SearchText: q.value("@search_text"), PageSize: strconv.Itoa(s.cfg.PageSize), StartWith: "0"}
	if n := q.value("@pagesize"); n != "" {
		v.PageSize = n
	}
	if n := q.value("@startwith"); n != "" {
		v.StartWith = n
	}
	fresh := q.value("@columns") == "" && q.value("@filter") == ""
	v.Ignore = q.value("ignore") != "" || (fresh && v.Issue)
	cols := s.defaultColumns(c)
	if vs := splitList(q.form["@columns"]); len(vs) > 0 {
		cols = vs
	}
	sorts := sortSpec(q, "sort")
	if d := q.value("@sortdir"); d != "" && len(sorts) > 0 {
		sorts[0].Desc = true
	}
	if len(sorts) == 0 && v.Issue && fresh {
		sorts = []tracker.SortKey{{Prop: "activity", Desc: true}}
	}
	if len(sorts) > 0 {
		v.SortOn, v.SortDesc = sorts[0].Prop, sorts[0].Desc
	}
	if len(sorts) > 1 {
		v.Sort2On, v.Sort2Desc = sorts[1].Prop, sorts[1].Desc
	}
	if groups := sortSpec(q, "group"); len(groups) > 0 {
		v.GroupOn, v.GroupDesc = groups[0].Prop, groups[0].Desc || q.value("@groupdir") != ""
	}
	for _, name := range searchOrder(c) {
		if !q.searchable(c.Name, name) {
			continue
		}
		row := s.searchRow(q, c, name, cols)
		v.Rows = append(v.Rows, row)
		if row.Sort {
			v.Sortable = append(v.Sortable, name)
		}
	}
	for i := range v.Rows {
		r := &v.Rows[i]
		r.Sorted = r.Sort && r.Name == v.SortOn
		r.Grouped = r.Group && r.Name == v.GroupOn
		v.ByName[r.Name] = r
	}
	if r := v.ByName["status"]; r != nil {
		v.HasStatus = true
		v.OpenOnly = r.Value != "" && r.Value == s.openStatuses(q)
	}
	v.CanSave = !q.anonymous() && s.svc.Schema.Class("query") != nil && q.can("Create", "query", "", "")
	v.QueryName = q.value("@queryname")
	if v.QueryName == "" && v.CanSave {
		// Refining a saved query (its sidebar link carries @dispname)
		// offers to save it under the same name.
		if dn := q.value("@dispname"); dn != "" && s.ownQuery(q, dn) != "" {
			v.QueryName = dn
		}
	}
	v.OldQueryName = q.value("@old-queryname")
	if v.OldQueryName == "" {
		v.OldQueryName = v.QueryName
	}
	return v
}

// searchOrder lists a class's properties for the search page: bpo's
// rows first for issues, then the rest by name, the automatic ones last.
func searchOrder(c *tracker.Class) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		if p := c.Prop(n); p != nil && !seen[n] && p.Kind != tracker.PasswordKind && !p.Computed && n != "content" {
			out = append(out, n)
			seen[n] = true
		}
	}
	if c.Kind == tracker.IssueClass {
		for _, r := range bpoSearchRows {
			add(r[0])
		}
	}
	for _, n := range sortedProps(c) {
		add(n)
	}
	for _, n := range []string{"id", "creation", "creator", "activity", "actor"} {
		add(n)
	}
	return out
}

func searchLabel(c *tracker.Class, name string) string {
	if c.Kind == tracker.IssueClass {
		for _, r := range bpoSearchRows {
			if r[0] == name {
				return r[1]
			}
		}
	}
	l := strings.ReplaceAll(name, "_", " ")
	return strings.ToUpper(l[:1]) + l[1:]
}

// searchRow builds one property's widget from the request's value.
func (s *Site) searchRow(q *rq, c *tracker.Class, name string, cols []string) searchRow {
	p := c.Prop(name)
	row := searchRow{Name: name, Label: searchLabel(c, name), Value: joinMulti(q.form[name]),
		Column: q.can("View", c.Name, name, ""), Sort: true, Shown: contains(cols, name)}
	row.Group = p.Kind != tracker.String && name != "id" && name != "activity"
	switch p.Kind {
	case tracker.Link, tracker.Multilink:
		s.linkSearchRow(q, c, p, &row)
	case tracker.Date:
		row.Kind = "date"
		row.Help = "a date or range: 2024-01-31, -1w; (the last week), 2024-01;2024-03"
	case tracker.Boolean:
		row.Kind = "bool"
	case tracker.Number, tracker.Integer, tracker.IntervalKind:
		row.Kind = "text"
		row.Help = "a value, or a range lo;hi"
	default:
		row.Kind = "text"
		if name == "id" {
			row.Help = "ids, comma-separated"
		}
	}
	return row
}

// linkSearchRow: small keyed classes (statuses, keywords) get a select
// of their items (values are ids, as in bpo's URLs), users a text box
// with "me" and "not set", other classes a text box of ids or keys.
func (s *Site) linkSearchRow(q *rq, c *tracker.Class, p *tracker.Property, row *searchRow) {
	tc := s.svc.Schema.Class(p.Class)
	notSet := optionView{Value: "-1", Label: "not selected", Selected: row.Value == "-1"}
	if p.Kind == tracker.Multilink {
		notSet.Label = "not set"
	}
	if tc.Name == "user" {
		row.Kind = "users"
		row.Help = "usernames or ids, comma-separated"
		row.Me = !q.anonymous()
		var rest []string
		for _, x := range strings.Split(row.Value, ",") {
			switch x = strings.TrimSpace(x); x {
			case "@current_user":
				row.MeChecked = true
			case "-1":
				row.NotSetChecked = true
			case "":
			default:
				rest = append(rest, x)
			}
		}
		row.Value = strings.Join(rest, ",")
		return
	}
	var items []optionView
	if tc.Kind == tracker.PlainClass && tc.KeyProp != "" {
		items = s.menuIDs(q, tc)
	}
	if items == nil {
		row.Kind = "text"
		row.Help = "ids, comma-separated; -1: not set"
		if tc.KeyProp != "" {
			row.Help = tc.Name + " names or ids, comma-separated; -1: not set"
		}
		return
	}
	row.Kind = "select"
	if p.Name == "status" && c.Kind == tracker.IssueClass {
		nc := s.notClosed(q)
		row.Extras = append(row.Extras, optionView{Value: nc, Label: "not closed", Selected: row.Value == nc})
	}
	row.Extras = append(row.Extras, notSet)
	matched := row.Value == ""
	for _, e := range row.Extras {
		matched = matched || e.Selected
	}
	for _, it := range items {
		sel := row.Value == it.Value
		matched = matched || sel
		row.Options = append(row.Options, optionView{Value: it.Value, Label: it.Label, Selected: sel})
		if p.Kind == tracker.Multilink {
			row.Expr = append(row.Expr, optionView{Value: it.Value, Label: it.Label})
		}
	}
	if !matched {
		row.Custom = &optionView{Value: row.Value, Label: s.describeFilter(q, tc, row.Value), Selected: true}
	}
}

// menuIDs lists a small class's active items (id and label) by its
// order property; nil when the class is too big for a menu.
func (s *Site) menuIDs(q *rq, c *tracker.Class) []optionView {
	ids, _, err := q.tx.Filter(c.Name, &tracker.Filter{Sort: []tracker.SortKey{{Prop: c.Order()}}, Limit: maxMenu + 1})
	if err != nil || len(ids) > maxMenu {
		return nil
	}
	out := []optionView{}
	for _, id := range ids {
		if q.can("View", c.Name, "", id) {
			out = append(out, optionView{Value: id, Label: q.tx.Label(c.Name, id)})
		}
	}
	return out
}

// notClosed is bpo's "not closed" status choice: unset or any status
// but the closing ones (bpo: -1,1,3,4).
func (s *Site) notClosed(q *rq) string {
	ids, _, err := q.tx.Filter("status", &tracker.Filter{})
	if err != nil {
		return "-1"
	}
	out := []string{"-1"}
	for _, id := range ids {
		switch strings.ToLower(q.tx.Label("status", id)) {
		case "closed", "resolved", "done-cbb":
			continue
		}
		out = append(out, id)
	}
	return strings.Join(out, ",")
}

// describeFilter renders a Link/Multilink filter value for people:
// "open or pending", "patch and not easy", "not set".
func (s *Site) describeFilter(q *rq, c *tracker.Class, value string) string {
	toks := splitList([]string{value})
	label := func(t string) string {
		switch t {
		case "-1":
			return "not set"
		case "@current_user":
			return "me"
		}
		if tracker.ValidID(t) {
			return q.tx.Label(c.Name, t)
		}
		return t
	}
	var stack []string
	expr := false
	for _, t := range toks {
		switch t {
		case "-2", "-3", "-4":
			expr = true
		}
	}
	if !expr {
		parts := make([]string, len(toks))
		for i, t := range toks {
			parts[i] = label(t)
		}
		return strings.Join(parts, " or ")
	}
	for _, t := range toks {
		switch t {
		case "-2":
			if len(stack) < 1 {
				return value
			}
			stack[len(stack)-1] = "not " + stack[len(stack)-1]
		case "-3", "-4":
			if len(stack) < 2 {
				return value
			}
			op := " and "
			if t == "-4" {
				op = " or "
			}
			a, b := stack[len(stack)-2], stack[len(stack)-1]
			stack = append(stack[:len(stack)-2], "("+a+op+b+")")
		default:
			stack = append(stack, label(t))
		}
	}
	if len(stack) != 1 {
		return value
	}
	return strings.TrimSuffix(strings.TrimPrefix(stack[0], "("), ")")
}
