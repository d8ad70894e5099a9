package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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
	// CellsHTML is Cells rendered as <td> elements, as the generic index
	// template shows them: a 50-row page has 350 cells, and rendering
	// them in Go instead of through html/template's reflective calls
	// halves the index page's CPU.
	CellsHTML template.HTML
}

// cellsHTML renders a row's cells: the id and title link to the item,
// other cells show their links (as the "value" template does) or their
// text.
func cellsHTML(row *rowView) template.HTML {
	var b strings.Builder
	esc := template.HTMLEscapeString
	for _, c := range row.Cells {
		b.WriteString("<td>")
		switch {
		case c.Name == "id" || c.Name == "title":
			b.WriteString(`<a href="`)
			b.WriteString(esc(row.URL))
			b.WriteString(`">`)
			b.WriteString(esc(c.Display))
			b.WriteString("</a>")
		case len(c.Links) > 0:
			for i, l := range c.Links {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(`<a href="`)
				b.WriteString(esc(l.URL))
				b.WriteByte('"')
				if l.CSS != "" {
					b.WriteString(` class="`)
					b.WriteString(esc(l.CSS))
					b.WriteByte('"')
				}
				if l.Title != "" {
					b.WriteString(` title="`)
					b.WriteString(esc(l.Title))
					b.WriteByte('"')
				}
				b.WriteByte('>')
				b.WriteString(esc(l.Label))
				b.WriteString("</a>")
			}
		default:
			b.WriteString(esc(c.Display))
		}
		b.WriteString("</td>")
	}
	return template.HTML(b.String())
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
	prefetchLinks(q.tx, c, items, iq.Columns)
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
		row.CellsHTML = cellsHTML(&row)
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

// prefetchLinks reads the items the page's Link and Multilink columns
// point at, one query per class, before the rows resolve their labels.
// A failure only loses the shortcut: the labels are then read one by one.
func prefetchLinks(tx *tracker.Tx, c *tracker.Class, items []*tracker.Item, cols []string) {
	want := map[string][]string{}
	for _, col := range cols {
		p := c.Prop(col)
		if p == nil || (p.Kind != tracker.Link && p.Kind != tracker.Multilink) {
			continue
		}
		for _, it := range items {
			switch v := it.Get(col).(type) {
			case string:
				if v != "" {
					want[p.Class] = append(want[p.Class], v)
				}
			case []string:
				want[p.Class] = append(want[p.Class], v...)
			}
		}
	}
	for class, ids := range want {
		_ = tx.Prefetch(class, ids)
	}
}
