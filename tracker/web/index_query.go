package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// indexQuery is an index view as Roundup's URLs describe it
// (roundup/cgi/templating.py HTMLRequest): @columns, @sort, @group,
// @filter plus the filtered properties' values, @pagesize, @startwith,
// @search_text and @dispname. Saved queries and bookmarks are these
// query strings, so they must keep meaning the same thing.
type indexQuery struct {
	Class      string
	Columns    []string
	Sort       []tracker.SortKey
	Group      []tracker.SortKey
	Filter     []string
	Spec       map[string][]string
	PageSize   int
	StartWith  int
	SearchText string
	DispName   string
	// Ignore is bpo's "ignore=file:content" (the full-text search leaves
	// attached files out); kept in every URL the index builds.
	Ignore string
}

// sortSpec reads "@sort=-activity,id" and the search form's
// @sort0/@sortdir0, @sort1/@sortdir1 variant.
func sortSpec(q *rq, name string) []tracker.SortKey {
	if v := q.value("@" + name); v != "" {
		return tracker.ParseSort(v)
	}
	var out []tracker.SortKey
	for i := 0; i < 4; i++ {
		n := strconv.Itoa(i)
		p := q.value("@" + name + n)
		if p == "" {
			continue
		}
		out = append(out, tracker.SortKey{Prop: p, Desc: q.value("@"+name+"dir"+n) != ""})
	}
	return out
}

// parseIndexQuery reads the index grammar from the request for class.
func (s *Site) parseIndexQuery(q *rq, class string) *indexQuery {
	c := s.svc.Schema.Class(class)
	iq := &indexQuery{Class: class, Spec: map[string][]string{}, PageSize: s.cfg.PageSize}
	if v := q.value("@columns"); v != "" {
		for _, col := range strings.Split(v, ",") {
			if col = strings.TrimSpace(col); col != "" && c.Prop(col) != nil {
				iq.Columns = append(iq.Columns, col)
			}
		}
	}
	iq.Sort = sortSpec(q, "sort")
	iq.Group = sortSpec(q, "group")
	if v := q.value("@filter"); v != "" {
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			iq.Filter = append(iq.Filter, f)
			if vs, ok := q.form[f]; ok {
				for _, x := range vs {
					if x != "" {
						iq.Spec[f] = append(iq.Spec[f], x)
					}
				}
			}
		}
	}
	iq.dropUnsearchable(q)
	if n, err := strconv.Atoi(q.value("@pagesize")); err == nil && n > 0 {
		iq.PageSize = min(n, 1000)
	}
	if n, err := strconv.Atoi(q.value("@startwith")); err == nil && n > 0 {
		iq.StartWith = n
	}
	iq.SearchText = q.value("@search_text")
	iq.Ignore = q.value("ignore")
	iq.DispName = q.value("@dispname")
	if len(iq.Columns) == 0 {
		iq.Columns = s.defaultColumns(c)
	}
	bare := q.value("@columns") == "" && q.value("@filter") == "" && q.value("@sort") == "" && iq.SearchText == ""
	if bare && c.Kind == tracker.IssueClass {
		// Roundup's and bpo's home page: open issues, latest activity first.
		iq.Sort = []tracker.SortKey{{Prop: "activity", Desc: true}}
		if c.Prop("status") != nil {
			iq.Filter = []string{"status"}
			iq.Spec["status"] = []string{s.openStatuses(q)}
		}
	}
	if len(iq.Sort) == 0 && len(iq.Group) == 0 {
		if c.Kind == tracker.IssueClass {
			iq.Sort = []tracker.SortKey{{Prop: "activity", Desc: true}}
		} else {
			iq.Sort = []tracker.SortKey{{Prop: c.Order()}}
		}
	}
	return iq
}

// defaultColumns are bpo's for issues, else the key and a few others.
func (s *Site) defaultColumns(c *tracker.Class) []string {
	if c.Kind == tracker.IssueClass {
		var out []string
		for _, n := range []string{"id", "activity", "title", "creator", "assignee", "assignedto", "status", "type"} {
			if c.Prop(n) != nil {
				out = append(out, n)
			}
		}
		return out
	}
	out := []string{"id"}
	for _, n := range sortedProps(c) {
		p := c.Prop(n)
		if p.Kind == tracker.PasswordKind || p.Computed || len(out) >= 6 {
			continue
		}
		out = append(out, n)
	}
	return out
}

// openStatuses is "not closed": empty plus every status but the
// closing ones (bpo: status=-1,1,3; classic: not resolved).
func (s *Site) openStatuses(q *rq) string {
	ids, _, err := q.tx.Filter("status", &tracker.Filter{})
	if err != nil {
		return "-1"
	}
	out := []string{"-1"}
	for _, id := range ids {
		switch strings.ToLower(q.tx.Label("status", id)) {
		case "closed", "resolved", "done-cbb", "languishing":
			continue
		}
		out = append(out, id)
	}
	return strings.Join(out, ",")
}

// values renders the query back into URL parameters (paging, sorting
// links, CSV export, saved queries).
func (iq *indexQuery) values() url.Values {
	v := url.Values{}
	v.Set("@columns", strings.Join(iq.Columns, ","))
	if len(iq.Sort) > 0 {
		v.Set("@sort", sortString(iq.Sort))
	}
	if len(iq.Group) > 0 {
		v.Set("@group", sortString(iq.Group))
	}
	if len(iq.Filter) > 0 {
		v.Set("@filter", strings.Join(iq.Filter, ","))
		for _, f := range iq.Filter {
			for _, x := range iq.Spec[f] {
				v.Add(f, x)
			}
		}
	}
	v.Set("@pagesize", strconv.Itoa(iq.PageSize))
	if iq.StartWith > 0 {
		v.Set("@startwith", strconv.Itoa(iq.StartWith))
	}
	if iq.SearchText != "" {
		v.Set("@search_text", iq.SearchText)
	}
	if iq.DispName != "" {
		v.Set("@dispname", iq.DispName)
	}
	if iq.Ignore != "" {
		v.Set("ignore", iq.Ignore)
	}
	return v
}

func sortString(keys []tracker.SortKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		if k.Desc {
			parts[i] = "-" + k.Prop
		} else {
			parts[i] = k.Prop
		}
	}
	return strings.Join(parts, ",")
}

// filter is the query as a tracker.Filter.
func (iq *indexQuery) filter(count bool) *tracker.Filter {
	f := &tracker.Filter{Spec: iq.Spec, Sort: iq.Sort, Group: iq.Group, Text: iq.SearchText,
		Limit: iq.PageSize, Offset: iq.StartWith, Count: count}
	if iq.Ignore != "" {
		f.IgnoreText = strings.Split(iq.Ignore, ",")
	}
	return f
}
