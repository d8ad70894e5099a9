package web

import (
	"bufio"
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// maxExportRows bounds one export.
const maxExportRows = 100000

// actExportJSON is @action=export_json on any index URL: the rows of the
// index query (its filter, search text, sort and group; all pages) as a
// JSON array, one object per item with "id" and the @columns — the JSON
// twin of Roundup's @action=export_csv. Like the CSV export, links show
// their labels (Multilinks as lists of labels) and every cell is
// permission-checked: an item the user may not view is left out, a
// property they may not view is left out of its object. Dates are
// Roundup's "2026-11-25.15:29:41" (UTC), numbers and booleans JSON
// values, unset properties null.
func (s *Site) actExportJSON(q *rq, class string) bool {
	if class == "" {
		class = "issue"
	}
	c := s.svc.Schema.Class(class)
	if c == nil || !q.can("View", class, "", "") {
		s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to view this page."))
		return true
	}
	iq := s.parseIndexQuery(q, class)
	f := iq.filter(false)
	f.Offset, f.Limit = 0, maxExportRows
	ids, _, err := q.tx.Filter(class, f)
	if err != nil {
		q.errs = append(q.errs, err.Error())
		return false
	}
	cols := []string{}
	for _, col := range iq.Columns {
		if col != "id" && c.Prop(col) != nil && c.Prop(col).Kind != tracker.PasswordKind {
			cols = append(cols, col)
		}
	}
	multis := []string{}
	for _, col := range cols {
		if c.Prop(col).Kind == tracker.Multilink {
			multis = append(multis, col)
		}
	}
	h := q.w.Header()
	h.Del("Content-Security-Policy")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": class + ".json"}))
	h.Set("Cache-Control", "no-cache")
	w := bufio.NewWriterSize(q.w, 32<<10)
	w.WriteString("[")
	first := true
	for start := 0; start < len(ids); start += 500 {
		items, err := q.tx.GetMany(class, ids[start:min(start+500, len(ids))], multis)
		if err != nil {
			s.log.Error("JSON export", "request_id", RequestID(q.ctx), "error", err)
			break
		}
		for _, it := range items {
			if !q.can("View", class, "", it.ID) {
				continue
			}
			if !first {
				w.WriteString(",")
			}
			first = false
			w.WriteString("\n{\"id\":")
			writeJSON(w, it.ID)
			for _, col := range cols {
				if !q.can("View", class, col, it.ID) {
					continue
				}
				w.WriteString(",")
				writeJSON(w, col)
				w.WriteString(":")
				writeJSON(w, s.exportValue(q, c.Prop(col), it.Get(col)))
			}
			w.WriteString("}")
		}
	}
	w.WriteString("\n]\n")
	w.Flush()
	return true
}

func writeJSON(w *bufio.Writer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte("null")
	}
	w.Write(b)
}

// exportValue is a cell: labels for links, Roundup's text for dates and
// intervals, the value itself otherwise.
func (s *Site) exportValue(q *rq, p *tracker.Property, v any) any {
	switch x := v.(type) {
	case nil:
		if p.Kind == tracker.Multilink {
			return []string{}
		}
		return nil
	case time.Time:
		return tracker.FormatDate(x)
	case tracker.Interval:
		return x.String()
	case []string:
		out := make([]string, len(x))
		for i, id := range x {
			out[i] = s.exportLabel(q, p.Class, id)
		}
		return out
	case string:
		if p.Kind == tracker.Link {
			return s.exportLabel(q, p.Class, x)
		}
		return x
	}
	return v
}

func (s *Site) exportLabel(q *rq, class, id string) string {
	if !q.can("View", class, "", id) {
		return id
	}
	l := q.tx.Label(class, id)
	if c := s.svc.Schema.Class(class); c != nil && (c.Label() == "title" || c.Label() == "id") {
		return strings.TrimSpace(id)
	}
	return l
}
