package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// maxBatch bounds how many items one batch view or edit takes.
const maxBatch = 500

// batchView is the batch-edit form (_generic.batch.html): the selected
// items as rows of designator@property widgets, after Roundup's
// doc/customizing.txt "Editing multiple items in an index view".
type batchView struct {
	Class    string
	Columns  []string
	Rows     []batchRow
	Selected []string
	// ColumnsArg is the index's @columns, carried through the form.
	ColumnsArg string
	HasTitle   bool
	// CanComment: one comment (@note) goes to every selected item.
	CanComment bool
	Note       string
	BackURL    string
}

type batchRow struct {
	ID, Designator, URL, Title, LastActivity string
	Cells                                    []fieldView
}

// bpoBatchProps are the triage fields a batch edit offers for issues
// when the index did not say which columns it showed.
var bpoBatchProps = []string{"type", "stage", "components", "versions", "status", "resolution",
	"assignee", "assignedto", "priority", "keywords"}

// actBatchEdit answers the index's "Display selected" and "Edit
// selected" buttons (@action=batch with @selected ids): @batch=show
// redirects to the index of just those items (issue?@filter=id&id=1,5,9,
// spec §8 "display selected issues"); @batch=edit shows the batch form,
// which posts @action=edit to the class with ISSUEID@prop values.
func (s *Site) actBatchEdit(q *rq, class string) bool {
	if class == "" {
		class = "issue"
	}
	c := s.svc.Schema.Class(class)
	if !q.can("View", class, "", "") {
		s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to view "+class+"s."))
		return true
	}
	ids, err := selectedIDs(q)
	if err != nil {
		s.fail(q, err)
		return true
	}
	if len(ids) == 0 {
		s.fail(q, errStatus(http.StatusBadRequest, "Select at least one "+class+" first."))
		return true
	}
	cols := s.postedColumns(q, c)
	switch q.value("@batch") {
	case "edit":
		if !q.can("Edit", class, "", "") {
			s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to edit "+class+"s."))
			return true
		}
		s.renderBatch(q, c, ids, http.StatusOK)
	default:
		args := url.Values{"@filter": {"id"}, "id": {strings.Join(ids, ",")}, "@columns": {strings.Join(cols, ",")},
			"@dispname": {"Selected " + class + "s"}}
		if srt := q.value("@sort"); srt != "" {
			args.Set("@sort", srt)
		}
		if g := q.value("@group"); g != "" {
			args.Set("@group", g)
		}
		http.Redirect(q.w, q.r, q.url(class, args), http.StatusSeeOther)
	}
	return true
}

// selectedIDs reads the @selected checkboxes (ids, in order, once).
func selectedIDs(q *rq) ([]string, error) {
	var out []string
	for _, id := range splitList(q.form["@selected"]) {
		id = strings.TrimLeft(id, "0")
		if !tracker.ValidID(id) {
			return nil, errStatus(http.StatusBadRequest, fmt.Sprintf("%q is not an id", id))
		}
		if !contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) > maxBatch {
		return nil, errStatus(http.StatusBadRequest, fmt.Sprintf("Select at most %d items at a time.", maxBatch))
	}
	return out, nil
}

// postedColumns are the index's @columns the form carried, else the
// class's default columns.
func (s *Site) postedColumns(q *rq, c *tracker.Class) []string {
	var cols []string
	for _, col := range splitList(q.form["@columns"]) {
		if c.Prop(col) != nil && !contains(cols, col) {
			cols = append(cols, col)
		}
	}
	if len(cols) == 0 {
		cols = s.defaultColumns(c)
	}
	return cols
}

// renderBatch shows the batch form for ids; after a refused save it
// shows what was typed (the fields' names are the designator ones).
func (s *Site) renderBatch(q *rq, c *tracker.Class, ids []string, status int) {
	v := &batchView{Class: c.Name, Selected: ids, HasTitle: c.Prop("title") != nil, Note: q.value("@note"),
		BackURL: q.url(c.Name, url.Values{"@filter": {"id"}, "id": {strings.Join(ids, ",")}})}
	cols := s.postedColumns(q, c)
	v.ColumnsArg = strings.Join(cols, ",")
	props := []string{} // non-nil: GetMany loads only these multilinks
	if q.value("@columns") == "" && c.Kind == tracker.IssueClass {
		cols = bpoBatchProps
	}
	for _, name := range cols {
		p := c.Prop(name)
		if p == nil || name == "id" || name == "title" || p.Kind == tracker.PasswordKind || p.Computed || name == "messages" || name == "files" {
			continue
		}
		props = append(props, name)
	}
	v.Columns = props
	if mp := c.Prop("messages"); mp != nil && mp.Class == "msg" {
		v.CanComment = q.can("Create", "msg", "", "") && q.can("Edit", c.Name, "messages", "")
	}
	items, err := q.tx.GetMany(c.Name, ids, props)
	if err != nil {
		s.fail(q, err)
		return
	}
	for _, it := range items {
		if !q.can("View", c.Name, "", it.ID) {
			continue
		}
		d := c.Name + it.ID
		row := batchRow{ID: it.ID, Designator: d, URL: s.base.Path + d, Title: it.Str("title"),
			LastActivity: tracker.FormatDate(it.Activity)}
		if !q.can("View", c.Name, "title", it.ID) {
			row.Title = "[hidden]"
		}
		for _, name := range props {
			f := q.field(c, it, name)
			f.Name = d + "@" + name
			row.Cells = append(row.Cells, f)
		}
		q.overlay(row.Cells)
		v.Rows = append(v.Rows, row)
	}
	s.render(q, status, s.pageName(c.Name, "batch"), &pageData{Title: fmt.Sprintf("Edit %d %ss", len(v.Rows), c.Name), Body: v})
}

// actEditMany applies a form posted with @action=edit to a class rather
// than an item (the batch form; Roundup's query.edit.html posting
// user5@add@queries to "query"): it edits the items the fields name
// (designator@prop), all in one transaction, so a change refused on one
// item changes none. @note becomes one message linked to every edited
// item of the class; DESIGNATOR@@lastactivity detects collisions per item.
func (s *Site) actEditMany(q *rq, class string) bool {
	pf, err := parseForm(s.svc.Schema, class, "", q.form, uploads(q.r))
	if err != nil {
		s.batchFailed(q, class, err)
		return true
	}
	if len(pf.Context.Props) > 0 {
		s.batchFailed(q, class, errStatus(http.StatusBadRequest, "No "+class+" to edit: name the items (for example "+class+"1@property)."))
		return true
	}
	lastActivity := map[*formItem]string{}
	var edited []string
	for _, it := range pf.Others {
		if la, ok := it.Props["@lastactivity"]; ok {
			delete(it.Props, "@lastactivity")
			lastActivity[it] = la
		}
		if it.Class == class {
			edited = append(edited, it.ID)
			for _, prop := range []string{"messages", "files"} {
				if refs := pf.Context.Links[prop]; len(refs) > 0 && s.svc.Schema.Class(class).Prop(prop) != nil {
					it.Links[prop] = append(it.Links[prop], refs...)
				}
			}
		}
	}
	if len(pf.Others) == 0 {
		s.batchFailed(q, class, errStatus(http.StatusBadRequest, "Nothing to edit."))
		return true
	}
	pf.Context.Links = map[string][]string{}
	pf.NoContext = true
	err = s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
		for it, la := range lastActivity {
			cur, err := tx.Get(it.Class, it.ID)
			if err != nil {
				return err
			}
			if la != "" && tracker.FormatDate(cur.Activity) > la {
				return fmt.Errorf("%s%s: %w", it.Class, it.ID, errCollision)
			}
		}
		_, err := s.applyForm(tx, pf)
		return err
	})
	if err != nil {
		s.batchFailed(q, class, err)
		return true
	}
	var names []string
	for _, it := range pf.Others {
		names = append(names, it.Class+it.ID)
	}
	msg := strings.Join(names, ", ") + " edited ok"
	switch {
	case q.value("@template") != "":
		s.redirect(q, q.url(class, url.Values{"@template": {q.value("@template")}}), msg)
	case len(edited) > 0:
		args := url.Values{"@filter": {"id"}, "id": {strings.Join(edited, ",")}, "@dispname": {"Edited " + class + "s"}}
		if cols := q.value("@columns"); cols != "" {
			args.Set("@columns", cols)
		}
		s.redirect(q, q.url(class, args), msg)
	default:
		s.redirect(q, s.base.Path+class, msg)
	}
	return true
}

// batchFailed shows the batch form again with the error (or an error
// page when the form was not ours).
func (s *Site) batchFailed(q *rq, class string, err error) {
	status, ok := failStatus(err)
	if !ok {
		s.fail(q, err)
		return
	}
	ids, _ := selectedIDs(q)
	c := s.svc.Schema.Class(class)
	if len(ids) == 0 || c == nil {
		s.fail(q, errStatus(status, err.Error()))
		return
	}
	q.errs = append(q.errs, err.Error())
	s.renderBatch(q, c, ids, status)
}

// ColumnsArg, SortArg and GroupArg give templates the index's
// @columns, @sort and @group (the index's batch form carries them).
func (iq *indexQuery) ColumnsArg() string { return strings.Join(iq.Columns, ",") }

// SortArg is the index's @sort.
func (iq *indexQuery) SortArg() string { return sortString(iq.Sort) }

// GroupArg is the index's @group.
func (iq *indexQuery) GroupArg() string { return sortString(iq.Group) }

// SearchURL opens the search page filled with this index's query
// ("refine this search").
func (v *indexView) SearchURL() string {
	if v.SelfURL == "" {
		return ""
	}
	sep := "?"
	if strings.Contains(v.SelfURL, "?") {
		sep = "&"
	}
	return v.SelfURL + sep + "@template=search"
}

// failStatus classifies an error of a refused change: the HTTP status
// and whether the user should see it on the form (as editFailed does);
// other errors are server faults.
func failStatus(err error) (int, bool) {
	var pe *tracker.PermissionError
	var he *httpError
	var rej *tracker.Reject
	var ve *tracker.ValueError
	switch {
	case errors.As(err, &pe):
		return http.StatusForbidden, true
	case errors.As(err, &he):
		return he.status, true
	case errors.Is(err, errCollision), errors.Is(err, tracker.ErrConflict):
		return http.StatusConflict, true
	case errors.Is(err, tracker.ErrNotFound):
		return http.StatusNotFound, true
	case errors.As(err, &rej), errors.As(err, &ve):
		return http.StatusBadRequest, true
	}
	return http.StatusInternalServerError, false
}
