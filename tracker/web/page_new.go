package web

import (
	"net/http"

	"github.com/corral-tracker/corral/tracker"
)

// serveNewItem renders the "Create New" form (CLASS?@template=item).
func (s *Site) serveNewItem(q *rq, class string) {
	if !q.can("Create", class, "", "") {
		if q.anonymous() {
			s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to create "+class+"s; please log in."))
		} else {
			s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to create "+class+"s."))
		}
		return
	}
	v := s.newItemView(q, s.svc.Schema.Class(class))
	s.render(q, http.StatusOK, s.pageName(class, "item"), &pageData{Title: "New " + class, Body: v})
}

// newItemView is the view of a not-yet-created item: every property the
// visitor may set, prefilled from the query string (Roundup lets links
// prefill a new-item form).
func (s *Site) newItemView(q *rq, c *tracker.Class) *itemView {
	v := &itemView{Class: c.Name, Title: "New " + c.Name, Issue: c.Kind == tracker.IssueClass, ByName: map[string]*fieldView{}, CanEdit: true}
	for _, name := range sortedProps(c) {
		p := c.Prop(name)
		if p.Computed || (v.Issue && (name == "messages" || name == "files")) {
			continue
		}
		f := q.field(c, nil, name)
		if !f.Editable {
			continue
		}
		if val := q.value(name); val != "" {
			f.Value = val
		}
		v.Fields = append(v.Fields, f)
	}
	q.overlay(v.Fields)
	for i := range v.Fields {
		v.ByName[v.Fields[i].Name] = &v.Fields[i]
	}
	v.Note = q.value("@note")
	return v
}

// serveConfirmEdit answers a GET carrying @action=edit with a prefilled
// form that POSTs the same change (DESIGN.md §2.1: GET never edits; bpo's
// notes tell developers to restore a message with
// issueN?@action=edit&@add@messages=M).
func (s *Site) serveConfirmEdit(q *rq, class, id string) {
	if class == "" || id == "" {
		s.fail(q, errStatus(http.StatusBadRequest, "No item to edit"))
		return
	}
	var fields [][2]string
	for _, k := range sortedKeys(q.form) {
		if k == "@action" || k == "@csrf" {
			continue
		}
		for _, v := range q.form[k] {
			fields = append(fields, [2]string{k, v})
		}
	}
	s.render(q, http.StatusOK, "_generic.confirm", &pageData{Title: "Confirm change to " + class + id,
		Body: struct {
			Designator string
			Fields     [][2]string
		}{class + id, fields}})
}

// serveClassList lists the classes (Roundup's home.classlist.html).
func (s *Site) serveClassList(q *rq) {
	s.render(q, http.StatusOK, "_generic.classlist", &pageData{Title: "Classes"})
}
