package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// The user pages: bpo's user.item.html and user.index.html. Their
// models are built from the generic item and index views by the
// pageData methods below, so the generic handlers (serveItem,
// serveIndex, editFailed) serve them unchanged.

// userRow is one row of the user details form.
type userRow struct {
	Label string
	Field fieldView
	// Date is contrib_form_date, shown beside contrib_form.
	Date *fieldView
	Help string
}

// userLayout is bpo's user.item.html order and labels; properties a
// schema lacks are skipped, others the visitor may see follow by name.
var userLayout = []struct{ name, label, help string }{
	{"realname", "Name", ""},
	{"username", "Login Name", "letters a-z (any case), digits 0-9 and the symbols ._-"},
	{"password", "Login Password", ""},
	{"roles", "Roles", "to give the user more than one role, enter a comma,separated,list"},
	{"github", "GitHub Name", ""},
	{"organisation", "Organisation", ""},
	{"timezone", "Timezone", ""},
	{"homepage", "Home page", ""},
	{"contrib_form", "Contributor Form Received", ""},
	{"iscommitter", "Is Committer", ""},
	{"address", "E-mail address", ""},
	{"alternate_addresses", "Alternate E-mail addresses", "one address per line"},
}

// userSkip are never form rows: the password of an existing user has
// its own form, queries are edited on the query page.
var userSkip = map[string]bool{"queries": true, "contrib_form_date": true, "openids": true}

func (p *pageData) userItem() *itemView {
	v, ok := p.Body.(*itemView)
	if !ok || v.Class != "user" {
		return nil
	}
	return v
}

// UserForm returns the rows of the user details form. What a row shows
// and whether it is an input follows the schema's View and Edit
// permissions (bpo: a User edits their own details but not roles or the
// CLA fields, a Coordinator edits everything), and roles are an input
// only for those with "Web Roles", as Roundup's user.item.html has it.
func (p *pageData) UserForm() []userRow {
	v := p.userItem()
	if v == nil {
		return nil
	}
	webRoles := p.q.can("Web Roles", "", "", "")
	used := map[string]bool{}
	var rows []userRow
	add := func(name, label, help string) {
		f := v.ByName[name]
		used[name] = true
		if f == nil || !f.Visible || userSkip[name] || (name == "password" && v.ID != "") {
			return
		}
		r := userRow{Label: label, Field: *f, Help: help}
		switch name {
		case "roles":
			r.Field.Editable = r.Field.Editable && webRoles
			if v.ID == "" && r.Field.Value == "" {
				r.Field.Value = p.q.s.cfg.NewWebUserRoles
			}
		case "alternate_addresses":
			r.Field.Kind = "text"
		case "contrib_form":
			if d := v.ByName["contrib_form_date"]; d != nil && d.Visible {
				dd := *d
				r.Date = &dd
			}
		}
		if !r.Field.Editable {
			r.Help = ""
		}
		rows = append(rows, r)
	}
	for _, l := range userLayout {
		add(l.name, l.label, l.help)
	}
	for _, f := range v.Fields {
		if !used[f.Name] {
			add(f.Name, f.Name, "")
		}
	}
	return rows
}

// UserEditable reports whether the details form has anything to submit.
func (p *pageData) UserEditable() bool {
	for _, r := range p.UserForm() {
		if r.Field.Editable || r.Date != nil && r.Date.Editable {
			return true
		}
	}
	return false
}

// CanChangePassword: the separate password form (Edit on user.password).
func (p *pageData) CanChangePassword() bool {
	v := p.userItem()
	return v != nil && v.ID != "" && !v.Retired && p.q.can("Edit", "user", "password", v.ID)
}

// UserHistoryOK is bpo's is_history_ok: a user's history is shown to
// that user and to those who administer users ("Web Roles").
func (p *pageData) UserHistoryOK() bool {
	v := p.userItem()
	return v != nil && v.ID != "" && (v.ID == p.q.uid || p.q.can("Web Roles", "", "", ""))
}

// userIndexView is bpo's user listing.
type userIndexView struct {
	*indexView
	Cols             []userCol
	Rows             []userIndexRow
	Search           []userSearch
	PrevURL, NextURL string
}

type userCol struct {
	columnView
	Label string
}

// userSearch is a box of bpo's "Search for users" form.
type userSearch struct{ Name, Label, Value string }

var userColLabels = map[string]string{"username": "Username", "github": "GitHub", "realname": "Real name",
	"organisation": "Organisation", "address": "E-mail address"}

type userIndexRow struct {
	ID, URL string
	Cells   []fieldView
	// CLA is the contributor-form note of the username (bpo's "*").
	CLA string
}

// UserIndex is the user listing's model: bpo's columns (username,
// GitHub, real name, organisation) unless the URL names @columns, plus
// the address for those allowed to see other users' addresses
// (python-dev: Developers and Coordinators); a cell the visitor may not
// see stays empty. Nil when the page is not a user index.
func (p *pageData) UserIndex() *userIndexView {
	iv, ok := p.Body.(*indexView)
	if !ok || iv.Class != "user" || iv.Query == nil {
		return nil
	}
	q := p.q
	c := q.s.svc.Schema.Class("user")
	out := &userIndexView{indexView: iv}
	cols := iv.Query.Columns
	if q.value("@columns") == "" {
		cols = nil
		for _, n := range []string{"username", "github", "realname", "organisation", "address"} {
			if c.Prop(n) != nil && (n != "address" || q.viewsOthers("user", n)) {
				cols = append(cols, n)
			}
		}
	}
	base := iv.Query.values()
	base.Set("@columns", strings.Join(cols, ","))
	if q.value("@columns") == "" {
		base.Del("@columns")
	}
	for _, col := range cols {
		cv := columnView{Name: col}
		nv := cloneValues(base)
		nv.Del("@startwith")
		sorted := len(iv.Query.Sort) > 0 && iv.Query.Sort[0].Prop == col
		switch {
		case sorted && iv.Query.Sort[0].Desc:
			cv.Sorted = "desc"
			nv.Set("@sort", col)
		case sorted:
			cv.Sorted = "asc"
			nv.Set("@sort", "-"+col)
		default:
			nv.Set("@sort", col)
		}
		cv.SortURL = q.url("user", nv)
		label := userColLabels[col]
		if label == "" {
			label = col
		}
		out.Cols = append(out.Cols, userCol{cv, label})
	}
	if iv.PrevURL != "" {
		nv := cloneValues(base)
		nv.Set("@startwith", strconv.Itoa(max(0, iv.Query.StartWith-iv.Query.PageSize)))
		out.PrevURL = q.url("user", nv)
	}
	if iv.NextURL != "" {
		nv := cloneValues(base)
		nv.Set("@startwith", strconv.Itoa(iv.Query.StartWith+iv.Query.PageSize))
		out.NextURL = q.url("user", nv)
	}
	for _, n := range []string{"username", "realname", "github"} {
		if c.Prop(n) != nil {
			out.Search = append(out.Search, userSearch{n, userColLabels[n], q.value(n)})
		}
	}
	for _, g := range iv.Groups {
		for _, r := range g.Rows {
			it, err := q.tx.Get("user", r.ID)
			if err != nil {
				continue
			}
			row := userIndexRow{ID: r.ID, URL: r.URL}
			for _, col := range cols {
				f := q.field(c, it, col)
				if col == "id" {
					f.Display = it.ID
				}
				row.Cells = append(row.Cells, f)
			}
			if b, _ := it.Values["contrib_form"].(bool); b && q.can("View", "user", "contrib_form", r.ID) {
				row.CLA = "Contributor form received"
				if d, ok := it.Values["contrib_form_date"].(time.Time); ok && q.can("View", "user", "contrib_form_date", r.ID) {
					row.CLA += " on " + d.In(q.s.loc).Format("2006-01-02")
				}
			}
			out.Rows = append(out.Rows, row)
		}
	}
	return out
}

// viewsOthers reports whether the visitor may see prop of users other
// than themselves: a class-level question would be answered yes by
// python-dev's "own record" permission, so it is asked about someone
// else (anonymous, or admin for the anonymous visitor).
func (q *rq) viewsOthers(class, prop string) bool {
	other, _ := q.s.svc.AnonymousID(q.ctx)
	if other == "" || other == q.uid {
		other = tracker.AdminID
	}
	if other == q.uid {
		return true // the admin
	}
	return q.can("View", class, prop, other)
}
