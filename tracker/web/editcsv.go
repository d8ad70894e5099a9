package web

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// csvEditMax: bigger classes are not offered for CSV editing (it is
// meant for keywords, statuses, components: Roundup's _generic.index).
const csvEditMax = 1000

// csvEditProps are the columns of a class's CSV text after "id":
// Roundup's sorted non-protected properties (HTMLClass.propnames),
// without computed ones and passwords (never shown, never changed
// here).
func csvEditProps(c *tracker.Class) []string {
	var out []string
	for _, p := range c.Props {
		if p.Computed || p.Kind == tracker.PasswordKind || p.Name == "content" {
			continue
		}
		out = append(out, p.Name)
	}
	sort.Strings(out)
	return out
}

// mayEditClass: the visitor holds Edit on the whole class (a permission
// without a check and without a property list), as Roundup's
// _generic.index.html asks context/is_edit_ok before offering the CSV
// form; python-dev grants it to Coordinators for the lookup classes and
// to Developers for keywords.
func (q *rq) mayEditClass(class string) bool {
	sec := q.s.svc.Schema.Security
	for _, rn := range q.tx.Roles() {
		r := sec.Role(rn)
		if r == nil {
			continue
		}
		for _, p := range r.Perms {
			if p.Name == "Edit" && p.Check == "" && p.Properties == nil && (p.Class == "" || p.Class == class) {
				return true
			}
		}
	}
	return false
}

// ClassCSV is the CSV text the index page offers for editing class, or
// "" when it offers none (not a plain class, too big, not editable by
// the visitor, or holding a value they may not view). After a refused
// edit it is the text as submitted.
func (p *pageData) ClassCSV(class string) string {
	q := p.q
	c := q.s.svc.Schema.Class(class)
	if c == nil || c.Kind != tracker.PlainClass || !q.mayEditClass(class) {
		return ""
	}
	if q.r.Method == http.MethodPost && q.value("@action") == "editcsv" {
		return q.value("rows")
	}
	text, err := q.s.classCSV(q, c)
	if err != nil {
		return ""
	}
	return text
}

// classCSV writes the class's active items as Roundup's HTMLClass.csv:
// a header line, then one line per item with links as ids and
// multilinks as ids joined by ":".
func (s *Site) classCSV(q *rq, c *tracker.Class) (string, error) {
	ids, _, err := q.tx.Filter(c.Name, &tracker.Filter{Sort: []tracker.SortKey{{Prop: "id"}}, Limit: csvEditMax + 1})
	if err != nil {
		return "", err
	}
	if len(ids) > csvEditMax {
		return "", fmt.Errorf("class %s has more than %d items", c.Name, csvEditMax)
	}
	props := csvEditProps(c)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write(append([]string{"id"}, props...))
	items, err := q.tx.GetMany(c.Name, ids, nil)
	if err != nil {
		return "", err
	}
	for _, it := range items {
		row := []string{it.ID}
		for _, name := range props {
			if !q.can("View", c.Name, name, it.ID) {
				return "", errors.New("a value is hidden")
			}
			switch v := it.Get(name).(type) {
			case nil:
				row = append(row, "")
			case []string:
				row = append(row, strings.Join(v, ":"))
			default:
				row = append(row, tracker.FormatValue(c.Prop(name), v))
			}
		}
		_ = w.Write(row)
	}
	w.Flush()
	return b.String(), w.Error()
}

// actEditCSV is Roundup's EditCSVAction (@action=editcsv): the "rows"
// text replaces the class's items in one transaction. A line with an
// existing id edits that item (restoring it if retired, as Roundup does
// even without the Restore permission), "X" or an
// unknown id creates one, and items whose lines were removed are
// retired. Values go through the tracker's parsing (links by id or
// key, multilinks ":"-separated); every change is checked by the
// tracker (Create, Edit per property, Retire).
func (s *Site) actEditCSV(q *rq, class string) bool {
	c := s.svc.Schema.Class(class)
	if c == nil || c.Kind != tracker.PlainClass {
		s.fail(q, errStatus(http.StatusBadRequest, "Only plain classes can be edited as CSV"))
		return true
	}
	if !q.mayEditClass(class) {
		s.fail(q, errStatus(http.StatusForbidden, "You do not have permission to edit "+class))
		return true
	}
	props := csvEditProps(c)
	header := append([]string{"id"}, props...)
	r := csv.NewReader(strings.NewReader(q.value("rows")))
	r.FieldsPerRecord = -1
	var lines [][]string
	var lineNo []int
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.editCSVFailed(q, c, &tracker.ValueError{Class: class, Msg: "The CSV text cannot be read: " + err.Error()})
			return true
		}
		n, _ := r.FieldPos(0)
		if equalStrings(rec, header) || len(lines) == 0 && len(rec) > 0 && strings.TrimSpace(rec[0]) == "id" {
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		lines = append(lines, rec)
		lineNo = append(lineNo, n)
	}
	err := s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
		found := map[string]bool{}
		for i, rec := range lines {
			lerr := func(err error) error { return fmt.Errorf("line %d: %w", lineNo[i], err) }
			if len(rec)-1 < len(props) {
				return &tracker.ValueError{Class: class, Msg: fmt.Sprintf("Not enough values on line %d", lineNo[i])}
			}
			if len(rec)-1 > len(props) {
				return &tracker.ValueError{Class: class, Msg: fmt.Sprintf("Too many values on line %d", lineNo[i])}
			}
			id := strings.TrimSpace(rec[0])
			raw := map[string]string{}
			for j, name := range props {
				v := strings.TrimSpace(rec[j+1])
				if c.Prop(name).Kind == tracker.Multilink {
					v = strings.ReplaceAll(v, ":", ",")
				}
				raw[name] = v
			}
			var cur *tracker.Item
			if tracker.ValidID(id) {
				if it, err := tx.Get(class, id); err == nil {
					cur = it
				} else if !errors.Is(err, tracker.ErrNotFound) {
					return err
				}
			}
			if cur == nil {
				for k, v := range raw {
					if v == "" {
						delete(raw, k)
					}
				}
				vals, err := tx.ParseValues(class, "", raw)
				if err != nil {
					return lerr(err)
				}
				nid, err := tx.Create(class, vals)
				if err != nil {
					return lerr(err)
				}
				found[nid] = true
				continue
			}
			found[id] = true
			if cur.Retired {
				// Roundup's EditCSVAction restores a listed retired item
				// for whoever may edit the class (its documented way
				// back), without asking for Restore.
				restore := func() error { return tx.Restore(class, id) }
				if !tx.Can("Restore", class, "", id) {
					restore = func() error { return tx.System(func() error { return tx.Restore(class, id) }) }
				}
				if err := restore(); err != nil {
					return lerr(err)
				}
			}
			vals, err := tx.ParseValues(class, id, raw)
			if err != nil {
				return lerr(err)
			}
			if err := tx.Set(class, id, vals); err != nil {
				return lerr(err)
			}
		}
		ids, _, err := tx.Filter(class, &tracker.Filter{})
		if err != nil {
			return err
		}
		for _, id := range ids {
			if !found[id] {
				if err := tx.Retire(class, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		s.editCSVFailed(q, c, err)
		return true
	}
	s.redirect(q, s.base.Path+class, "Items edited OK")
	return true
}

// editCSVFailed shows the class index again with the error and the
// submitted text.
func (s *Site) editCSVFailed(q *rq, c *tracker.Class, err error) {
	status, ok := failStatus(err)
	if !ok {
		s.fail(q, err)
		return
	}
	q.errs = append(q.errs, err.Error())
	iq := s.parseIndexQuery(q, c.Name)
	v, verr := s.indexView(q, c, iq)
	if verr != nil {
		v = &indexView{Class: c.Name, Query: iq, Title: "List of " + c.Name + "s"}
	}
	name := c.Name + ".index"
	if s.pages[name] == nil {
		name = "_generic.index"
	}
	s.render(q, status, name, &pageData{Title: v.Title, Body: v})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.TrimSpace(a[i]) != b[i] {
			return false
		}
	}
	return true
}
