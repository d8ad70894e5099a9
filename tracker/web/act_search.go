package web

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// actSearch is Roundup's SearchAction (roundup/cgi/actions.py): the
// filled fields of the search form become @filter plus their values
// (String values split on spaces and commas, quotes keeping phrases
// together), the form's sort/group radios and direction boxes become
// @sort/@group, and with @queryname the query is saved for the visitor
// (class query: klass, name, url, private_for; listed in user.queries;
// @old-queryname renames). It answers with a redirect (303) to the index
// URL, so the result is a bookmarkable GET. Saving changes data, so it
// happens only for POST; a GET carrying @queryname shows the form to
// confirm.
func (s *Site) actSearch(q *rq, class string) bool {
	if class == "" {
		class = "issue"
	}
	c := s.svc.Schema.Class(class)
	if !q.can("View", class, "", "") {
		s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to search "+class+"s."))
		return true
	}
	args, err := s.searchArgs(q, c)
	if err != nil {
		q.errs = append(q.errs, err.Error())
		s.renderSearch(q, class, http.StatusBadRequest)
		return true
	}
	name := strings.TrimSpace(q.value("@queryname"))
	if name != "" {
		if q.r.Method != http.MethodPost {
			q.ok = append(q.ok, "Press Search to save the query \""+name+"\".")
			s.renderSearch(q, class, http.StatusOK)
			return true
		}
		if err := s.saveQuery(q, class, name, strings.TrimSpace(q.value("@old-queryname")), args); err != nil {
			status := http.StatusBadRequest
			var pe *tracker.PermissionError
			if errors.As(err, &pe) || errors.Is(err, errNoSave) {
				status = http.StatusForbidden
			}
			var dup *dupQueryError
			if errors.As(err, &dup) {
				// Roundup: the name gets " - duplicate" so a second
				// submit cannot overwrite the other query.
				q.form.Set("@queryname", name+" - duplicate")
				q.form.Set("@old-queryname", name+" - duplicate")
			} else if !errors.As(err, &pe) && !errors.Is(err, errNoSave) {
				var ve *tracker.ValueError
				var rej *tracker.Reject
				if !errors.As(err, &ve) && !errors.As(err, &rej) {
					s.fail(q, err)
					return true
				}
			}
			q.errs = append(q.errs, err.Error())
			s.renderSearch(q, class, status)
			return true
		}
		args.Set("@dispname", name)
	}
	target := q.url(class, args)
	http.Redirect(q.w, q.r, target, http.StatusSeeOther)
	return true
}

// searchArgs turns the search form into index URL arguments
// (Roundup's fakeFilterVars and indexargs_url), checked by building the
// query once so a bad value is reported on the form.
func (s *Site) searchArgs(q *rq, c *tracker.Class) (url.Values, error) {
	args := url.Values{}
	spec := map[string][]string{}
	var filter []string
	setFilter := func(name string, vals []string) {
		if len(vals) == 0 {
			return
		}
		if _, ok := spec[name]; !ok {
			filter = append(filter, name)
		}
		spec[name] = vals
	}
	keys := make([]string, 0, len(q.form))
	for k := range q.form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.HasPrefix(k, "@") || strings.HasPrefix(k, ":") || k == "ignore" {
			continue
		}
		p := propPath(s.svc.Schema, c.Name, k)
		if p == nil || !q.searchable(c.Name, k) {
			continue
		}
		var vals []string
		for _, x := range q.form[k] {
			if x = strings.TrimSpace(x); x == "" {
				continue
			}
			if p.Kind == tracker.String && k != "id" {
				vals = append(vals, tokenSplit(x)...)
			} else {
				vals = append(vals, x)
			}
		}
		if p.Kind.IsLink() || k == "id" {
			vals = splitList(vals)
			if len(vals) > 0 {
				vals = []string{strings.Join(vals, ",")}
			}
		}
		setFilter(k, vals)
	}
	// Date pickers (from/to) fill a date filter left empty.
	for _, k := range keys {
		prop, ok := strings.CutPrefix(k, "@datefrom@")
		if !ok {
			continue
		}
		if p := c.Prop(prop); p == nil || p.Kind != tracker.Date || len(spec[prop]) > 0 || !q.searchable(c.Name, prop) {
			continue
		}
		from, to := q.value("@datefrom@"+prop), q.value("@dateto@"+prop)
		if from != "" || to != "" {
			setFilter(prop, []string{from + ";" + to})
		}
	}
	for _, k := range keys {
		if prop, ok := strings.CutPrefix(k, "@dateto@"); ok && q.value("@datefrom@"+prop) == "" {
			if p := c.Prop(prop); p != nil && p.Kind == tracker.Date && len(spec[prop]) == 0 && q.searchable(c.Name, prop) {
				if to := q.value(k); to != "" {
					setFilter(prop, []string{";" + to})
				}
			}
		}
	}
	// The "(expr)" helper: selections become an RPN expression.
	for _, k := range keys {
		prop, ok := strings.CutPrefix(k, "@expr@")
		if !ok {
			continue
		}
		if p := c.Prop(prop); p == nil || p.Kind != tracker.Multilink || !q.searchable(c.Name, prop) {
			continue
		}
		if e := compileExpr(q.form[k], q.value("@exprop@"+prop)); e != "" {
			setFilter(prop, []string{e})
		}
	}
	if q.value("@openonly") != "" && c.Prop("status") != nil && q.searchable(c.Name, "status") {
		open := s.openStatuses(q)
		if cur := spec["status"]; len(cur) > 0 {
			// Keep only the chosen statuses that are open.
			openSet := splitList([]string{open})
			var keep []string
			for _, x := range splitList(cur) {
				if contains(openSet, x) {
					keep = append(keep, x)
				}
			}
			if len(keep) == 0 {
				keep = []string{"-1"}
			}
			spec["status"] = []string{strings.Join(keep, ",")}
		} else {
			setFilter("status", []string{open})
		}
	}
	// Columns: the ticked boxes (several @columns fields) or a list.
	var cols []string
	for _, col := range splitList(q.form["@columns"]) {
		if c.Prop(col) != nil && !contains(cols, col) {
			cols = append(cols, col)
		}
	}
	if len(cols) == 0 {
		cols = s.defaultColumns(c)
	}
	args.Set("@columns", strings.Join(cols, ","))
	sorts := searchSortKeys(q, c.Name, "sort")
	groups := searchSortKeys(q, c.Name, "group")
	if len(sorts) > 0 {
		args.Set("@sort", sortString(sorts))
	}
	if len(groups) > 0 {
		args.Set("@group", sortString(groups))
	}
	if len(filter) > 0 {
		args.Set("@filter", strings.Join(filter, ","))
		for _, f := range filter {
			args[f] = spec[f]
		}
	}
	ps := s.cfg.PageSize
	if n, err := strconv.Atoi(strings.TrimSpace(q.value("@pagesize"))); err == nil && n > 0 {
		ps = min(n, 1000)
	}
	args.Set("@pagesize", strconv.Itoa(ps))
	if n, err := strconv.Atoi(strings.TrimSpace(q.value("@startwith"))); err == nil && n > 0 {
		args.Set("@startwith", strconv.Itoa(n))
	}
	if t := strings.TrimSpace(q.value("@search_text")); t != "" {
		args.Set("@search_text", t)
		if len(strings.Fields(t)) > 50 {
			return nil, errors.New("Too many words in the search; use at most 50.")
		}
	}
	if ig := q.value("ignore"); ig != "" {
		args.Set("ignore", ig)
	}
	if t := q.value("@template"); t != "" && t != "index" && t != "search" && t != "index|search" {
		args.Set("@template", t)
	}
	if _, err := q.tx.BuildQuery(c, &tracker.Filter{Spec: spec, Sort: sorts, Group: groups}); err != nil {
		return nil, err
	}
	return args, nil
}

// searchSortKeys reads the form's sort (or group) choice: "@sort=prop"
// with the "@sortdir" box (bpo's radios), "@sort=-a,b", or
// "@sort0/@sortdir0", "@sort1/@sortdir1" (Roundup's classic form and our
// "then by"); keys the visitor may not search are left out.
func searchSortKeys(q *rq, class, name string) []tracker.SortKey {
	var keys []tracker.SortKey
	if v := q.value("@" + name); v != "" {
		keys = tracker.ParseSort(v)
		if len(keys) == 1 && q.value("@"+name+"dir") != "" {
			keys[0].Desc = true
		}
	}
	for i := 0; i < 4; i++ {
		n := strconv.Itoa(i)
		p := strings.TrimSpace(q.value("@" + name + n))
		if p == "" {
			continue
		}
		keys = append(keys, tracker.SortKey{Prop: p, Desc: q.value("@"+name+"dir"+n) != ""})
	}
	var out []tracker.SortKey
	for _, k := range keys {
		dup := false
		for _, o := range out {
			dup = dup || o.Prop == k.Prop
		}
		if !dup && q.searchable(class, k.Prop) {
			out = append(out, k)
		}
	}
	return out
}

// tokenSplit splits a String search value into words on spaces and
// commas; quotes keep a phrase together (Roundup's token_split).
func tokenSplit(s string) []string {
	var out []string
	var cur strings.Builder
	quote := rune(0)
	has := false
	flush := func() {
		if has {
			out = append(out, cur.String())
		}
		cur.Reset()
		has = false
	}
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, has = r, true
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == ',':
			flush()
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	flush()
	return out
}

// compileExpr turns the "(expr)" helper's choices into Roundup's RPN
// multilink expression (roundup/mlink_expr.py): "has:ID" is the id,
// "not:ID" the id and -2 (not), "empty" is -1; the operands are joined
// with -3 (and) or, when op is "or", -4.
func compileExpr(choices []string, op string) string {
	var operands [][]string
	for _, ch := range choices {
		switch kind, id, _ := strings.Cut(ch, ":"); {
		case kind == "has" && tracker.ValidID(id):
			operands = append(operands, []string{id})
		case kind == "not" && tracker.ValidID(id):
			operands = append(operands, []string{id, "-2"})
		case ch == "empty":
			operands = append(operands, []string{"-1"})
		}
	}
	if len(operands) == 0 {
		return ""
	}
	join := "-3"
	if op == "or" {
		join = "-4"
	}
	toks := operands[0]
	for _, o := range operands[1:] {
		toks = append(append(toks, o...), join)
	}
	return strings.Join(toks, ",")
}
