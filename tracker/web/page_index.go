package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/corral-tracker/corral/tracker"
)

// indexView is a class index page.
type indexView struct {
	Class    string
	Query    *indexQuery
	Columns  []columnView
	Groups   []groupView
	Total    int
	First    int // 1-based number of the first row
	Last     int
	PrevURL  string
	NextURL  string
	CSVURL   string
	FeedURL  string
	SelfURL  string
	CanEdit  bool // batch edit checkboxes
	Title    string
	Selected bool // a "display selected" view
}

type columnView struct {
	Name    string
	SortURL string
	Sorted  string // "", "asc", "desc"
}

type groupView struct {
	Label string
	Rows  []rowView
}

type rowView struct {
	ID    string
	URL   string
	Cells []fieldView
}

// serveIndex renders a class index (Roundup's CLASS.index.html).
func (s *Site) serveIndex(q *rq, class string) {
	c := s.svc.Schema.Class(class)
	if !q.can("View", class, "", "") {
		s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to view this page."))
		return
	}
	iq := s.parseIndexQuery(q, class)
	v, err := s.indexView(q, c, iq)
	if err != nil {
		q.errs = append(q.errs, err.Error())
		v = &indexView{Class: class, Query: iq}
	}
	name := class + ".index"
	if s.pages[name] == nil {
		name = "_generic.index"
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusBadRequest
	}
	s.render(q, status, name, &pageData{Title: v.Title, Body: v})
}

func (s *Site) indexView(q *rq, c *tracker.Class, iq *indexQuery) (*indexView, error) {
	v := &indexView{Class: c.Name, Query: iq, Title: iq.DispName, CanEdit: q.can("Edit", c.Name, "", "")}
	if v.Title == "" {
		v.Title = "List of " + c.Name + "s"
	}
	ids, total, err := q.tx.Filter(c.Name, iq.filter(true))
	if err != nil {
		return v, err
	}
	v.Total = total
	base := iq.values()
	for _, col := range iq.Columns {
		cv := columnView{Name: col}
		nv := cloneValues(base)
		nv.Del("@startwith")
		desc := len(iq.Sort) > 0 && iq.Sort[0].Prop == col && !iq.Sort[0].Desc
		if len(iq.Sort) > 0 && iq.Sort[0].Prop == col {
			cv.Sorted = "asc"
			if iq.Sort[0].Desc {
				cv.Sorted = "desc"
			}
		}
		if desc {
			nv.Set("@sort", "-"+col)
		} else {
			nv.Set("@sort", col)
		}
		cv.SortURL = q.url(c.Name, nv)
		v.Columns = append(v.Columns, cv)
	}
	multis := []string{} // non-nil: load only these multilinks
	for _, col := range iq.Columns {
		if p := c.Prop(col); p != nil && p.Kind == tracker.Multilink {
			multis = append(multis, col)
		}
	}
	items, err := q.tx.GetMany(c.Name, ids, multis)
	if err != nil {
		return v, err
	}
	var cur *groupView
	curKey := "\x00"
	for _, it := range items {
		if !q.can("View", c.Name, "", it.ID) {
			continue
		}
		row := rowView{ID: it.ID, URL: s.base.Path + c.Name + it.ID}
		for _, col := range iq.Columns {
			f := q.field(c, it, col)
			if col == "id" {
				f.Display = it.ID
			}
			row.Cells = append(row.Cells, f)
		}
		key := ""
		if len(iq.Group) > 0 {
			for i, g := range iq.Group {
				f := q.field(c, it, g.Prop)
				if i > 0 {
					key += " / "
				}
				key += f.Display
			}
		}
		if cur == nil || key != curKey {
			v.Groups = append(v.Groups, groupView{Label: key})
			cur = &v.Groups[len(v.Groups)-1]
			curKey = key
		}
		cur.Rows = append(cur.Rows, row)
	}
	v.First = iq.StartWith + 1
	v.Last = iq.StartWith + len(ids)
	if iq.StartWith > 0 {
		nv := cloneValues(base)
		nv.Set("@startwith", strconv.Itoa(max(0, iq.StartWith-iq.PageSize)))
		v.PrevURL = q.url(c.Name, nv)
	}
	if iq.StartWith+iq.PageSize < total {
		nv := cloneValues(base)
		nv.Set("@startwith", strconv.Itoa(iq.StartWith+iq.PageSize))
		v.NextURL = q.url(c.Name, nv)
	}
	csv := cloneValues(base)
	csv.Set("@action", "export_csv")
	csv.Del("@startwith")
	csv.Del("@pagesize")
	v.CSVURL = q.url(c.Name, csv)
	feed := cloneValues(base)
	feed.Del("@startwith")
	feed.Del("@pagesize")
	v.FeedURL = q.url(c.Name+".atom", feed)
	v.SelfURL = q.url(c.Name, base)
	return v, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, x := range v {
		out[k] = append([]string(nil), x...)
	}
	return out
}
