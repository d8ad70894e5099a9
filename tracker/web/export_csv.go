package web

import (
	"bufio"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// csvBatch is how many items the export reads at a time.
const csvBatch = 500

// actExportCSV answers @action=export_csv (Roundup's ExportCSVAction)
// and export_csv_id (ExportCSVWithIdAction) on an index URL: every item
// of the index query (its filter, full-text search, sort and group; no
// paging) as CSV with the @columns. export_csv shows link values as
// labels (Multilinks sorted and joined with ";"), dates as
// "YYYY-MM-DD HH:MM" in the tracker's zone; export_csv_id shows the raw
// values as Roundup's original export did: ids, ['1', '2'] lists, None.
// Items the visitor may not view are left out and cells they may not
// view read "[hidden]" (Roundup refuses the whole export_csv_id
// instead). Fields are quoted as Python's csv.QUOTE_NONNUMERIC quotes
// strings, i.e. all of them.
func (s *Site) actExportCSV(q *rq, class string, withID bool) bool {
	if class == "" {
		class = "issue"
	}
	c := s.svc.Schema.Class(class)
	if !q.can("View", class, "", "") {
		s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to view "+class+"s."))
		return true
	}
	for _, col := range splitList(q.form["@columns"]) {
		if c.Prop(col) == nil {
			s.fail(q, errStatus(http.StatusBadRequest, fmt.Sprintf("Column %q not found in %s", col, class)))
			return true
		}
	}
	iq := s.parseIndexQuery(q, class)
	f := iq.filter(false)
	f.Limit, f.Offset = 0, 0
	ids, _, err := q.tx.Filter(class, f)
	if err != nil {
		s.fail(q, errStatus(http.StatusBadRequest, err.Error()))
		return true
	}
	h := q.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": class + ".csv"}))
	h.Set("Cache-Control", "no-cache")
	if q.r.Method == http.MethodHead {
		q.w.WriteHeader(http.StatusOK)
		return true
	}
	w := bufio.NewWriter(q.w)
	writeCSVRow(w, iq.Columns)
	multis := []string{} // non-nil: load only these multilinks
	for _, col := range iq.Columns {
		if p := c.Prop(col); p.Kind == tracker.Multilink {
			multis = append(multis, col)
		}
	}
	for start := 0; start < len(ids); start += csvBatch {
		items, err := q.tx.GetMany(class, ids[start:min(start+csvBatch, len(ids))], multis)
		if err != nil {
			// The header is out: all we can do is stop and log.
			s.log.Error("csv export", "request_id", RequestID(q.ctx), "class", class, "error", err)
			break
		}
		row := make([]string, len(iq.Columns))
		for _, it := range items {
			if !q.can("View", class, "", it.ID) {
				continue
			}
			for i, col := range iq.Columns {
				row[i] = s.csvCell(q, c, it, col, withID)
			}
			writeCSVRow(w, row)
		}
	}
	if err := w.Flush(); err != nil {
		s.log.Debug("csv export interrupted", "request_id", RequestID(q.ctx), "error", err)
	}
	return true
}

// csvCell formats one value for the export.
func (s *Site) csvCell(q *rq, c *tracker.Class, it *tracker.Item, col string, withID bool) string {
	if !q.can("View", c.Name, col, it.ID) {
		return "[hidden]"
	}
	p := c.Prop(col)
	v := it.Get(col)
	switch {
	case col == "id":
		return it.ID
	case p.Kind == tracker.PasswordKind:
		return "[hidden]"
	}
	if withID {
		if ids, ok := v.([]string); ok {
			ids = slices.Clone(ids)
			slices.Sort(ids)
			v = ids
		}
		return tracker.FormatValue(p, v)
	}
	if v == nil {
		return ""
	}
	switch p.Kind {
	case tracker.Link, tracker.Multilink:
		if !q.can("View", p.Class, "", "") {
			return "[hidden]"
		}
		ids := idsOf(v)
		labels := make([]string, 0, len(ids))
		tc := s.svc.Schema.Class(p.Class)
		for _, id := range ids {
			if tc != nil && !q.can("View", p.Class, tc.Label(), id) {
				labels = append(labels, "[hidden]")
				continue
			}
			labels = append(labels, q.tx.Label(p.Class, id))
		}
		slices.Sort(labels)
		return strings.Join(labels, ";")
	case tracker.Date:
		t, ok := v.(time.Time)
		if !ok {
			return tracker.FormatValue(p, v)
		}
		t = t.In(s.loc)
		if t.Hour() == 0 && t.Minute() == 0 {
			return t.Format("2006-01-02")
		}
		return t.Format("2006-01-02 15:04")
	}
	return tracker.FormatValue(p, v)
}

// writeCSVRow writes fields quoted, doubling quotes, with CRLF (Python's
// csv.writer with QUOTE_NONNUMERIC over strings).
func writeCSVRow(w *bufio.Writer, fields []string) {
	for i, f := range fields {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteByte('"')
		w.WriteString(strings.ReplaceAll(f, `"`, `""`))
		w.WriteByte('"')
	}
	w.WriteString("\r\n")
}
