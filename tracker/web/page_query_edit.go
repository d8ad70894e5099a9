package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// queryEditView is Roundup's query.edit.html ("Your Queries" editing):
// the visitor's own queries (include in the sidebar or not, rename,
// private or public, delete), the public queries of others (include or
// not), and what their list still holds that is retired or private.
type queryEditView struct {
	Mine, Others, Listed, Retired []queryRow
}

type queryRow struct {
	ID, Name, URL, Owner string
	Included, Private    bool
	CanEdit, CanRetire   bool
	CanRestore, Retired  bool
}

// serveQueryEdit renders query?@template=edit.
func (s *Site) serveQueryEdit(q *rq) {
	if q.anonymous() {
		s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to edit queries; please log in."))
		return
	}
	s.renderQueryEdit(q, http.StatusOK)
}

func (s *Site) renderQueryEdit(q *rq, status int) {
	v, err := s.queryEditView(q)
	if err != nil {
		s.fail(q, err)
		return
	}
	s.render(q, status, s.pageName("query", "edit"), &pageData{Title: `"Your Queries" Editing`, Body: v})
}

func (s *Site) queryEditView(q *rq) (*queryEditView, error) {
	v := &queryEditView{}
	if q.user == nil || s.svc.Schema.Class("query") == nil {
		return v, nil
	}
	mine := q.user.IDs("queries")
	row := func(it *tracker.Item) queryRow {
		r := queryRow{ID: it.ID, Name: it.Str("name"), Included: contains(mine, it.ID), Retired: it.Retired,
			Private: it.Str("private_for") != "", CanEdit: q.can("Edit", "query", "", it.ID),
			CanRetire: q.can("Retire", "query", "", it.ID), CanRestore: q.can("Restore", "query", "", it.ID)}
		klass := it.Str("klass")
		if klass == "" || s.svc.Schema.Class(klass) == nil {
			klass = "issue"
		}
		args, err := url.ParseQuery(it.Str("url"))
		if err != nil {
			args = url.Values{}
		}
		args.Set("@dispname", r.Name)
		r.URL = q.url(klass, args)
		if it.Creator != "" {
			r.Owner = q.tx.Label("user", it.Creator)
		}
		if q.r.Method == http.MethodPost {
			// A refused save shows what was typed.
			if n, ok := q.form["@name@"+it.ID]; ok && len(n) > 0 {
				r.Name = n[0]
			}
			if p := q.value("@private@" + it.ID); p != "" {
				r.Private = p == "yes"
			}
			if contains(q.form["@listed"], it.ID) {
				r.Included = contains(q.form["@include"], it.ID)
			}
		}
		return r
	}
	seen := map[string]bool{}
	ids, _, err := q.tx.SystemFilter("query", &tracker.Filter{Spec: map[string][]string{"creator": {q.uid}}, Sort: []tracker.SortKey{{Prop: "name"}}})
	if err != nil {
		return nil, err
	}
	for _, it := range s.queryItems(q, ids) {
		v.Mine = append(v.Mine, row(it))
		seen[it.ID] = true
	}
	ids, _, err = q.tx.SystemFilter("query", &tracker.Filter{Spec: map[string][]string{"private_for": {"-1"}}, Sort: []tracker.SortKey{{Prop: "name"}}})
	if err != nil {
		return nil, err
	}
	for _, it := range s.queryItems(q, ids) {
		if !seen[it.ID] {
			v.Others = append(v.Others, row(it))
			seen[it.ID] = true
		}
	}
	ids, _, err = q.tx.SystemFilter("query", &tracker.Filter{Spec: map[string][]string{"creator": {q.uid}}, Retired: tracker.RetiredOnly, Sort: []tracker.SortKey{{Prop: "name"}}})
	if err != nil {
		return nil, err
	}
	for _, it := range s.queryItems(q, ids) {
		v.Retired = append(v.Retired, row(it))
		seen[it.ID] = true
	}
	for _, id := range mine {
		if seen[id] {
			continue
		}
		seen[id] = true
		it, err := q.tx.Get("query", id)
		if err != nil {
			continue
		}
		r := row(it)
		if !q.can("View", "query", "", id) {
			// Someone else's query, private now: it can only leave the list.
			r = queryRow{ID: id, Name: "query" + id, Included: true, Private: true}
		}
		v.Listed = append(v.Listed, r)
	}
	return v, nil
}

// queryItems reads the queries the visitor may view.
func (s *Site) queryItems(q *rq, ids []string) []*tracker.Item {
	var out []*tracker.Item
	for _, id := range ids {
		if !q.can("View", "query", "", id) {
			continue
		}
		if it, err := q.tx.Get("query", id); err == nil {
			out = append(out, it)
		}
	}
	return out
}

// actQueries saves the query editing form (@action=queries) in one
// transaction: the sidebar selection (@listed are the queries the form
// showed, @include the ticked ones), renames (@name@ID), privacy
// (@private@ID = yes|no), @retire and @restore. The tracker checks each
// change (python-dev: only the creator edits or retires a query, a user
// edits only their own queries list).
func (s *Site) actQueries(q *rq) bool {
	if q.anonymous() {
		s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to edit queries; please log in."))
		return true
	}
	ids := func(name string) ([]string, error) {
		out := splitList(q.form[name])
		for _, id := range out {
			if !tracker.ValidID(id) {
				return nil, errStatus(http.StatusBadRequest, "\""+id+"\" is not a query id")
			}
		}
		return out, nil
	}
	listed, err1 := ids("@listed")
	include, err2 := ids("@include")
	retire, err3 := ids("@retire")
	restore, err4 := ids("@restore")
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		s.queriesFailed(q, err)
		return true
	}
	err := s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
		for _, id := range restore {
			if err := tx.Restore("query", id); err != nil {
				return err
			}
		}
		for _, key := range sortedKeys(q.form) {
			id, ok := strings.CutPrefix(key, "@name@")
			if !ok {
				continue
			}
			if err := renameQuery(tx, q.uid, id, strings.TrimSpace(q.value(key))); err != nil {
				return err
			}
		}
		for _, key := range sortedKeys(q.form) {
			id, ok := strings.CutPrefix(key, "@private@")
			if !ok || !tracker.ValidID(id) {
				continue
			}
			var pf any
			if q.value(key) == "yes" {
				pf = q.uid
			}
			if err := tx.Set("query", id, tracker.Values{"private_for": pf}); err != nil {
				return err
			}
		}
		for _, id := range retire {
			if err := tx.Retire("query", id); err != nil {
				return err
			}
		}
		u, err := tx.Get("user", q.uid)
		if err != nil {
			return err
		}
		cur := u.IDs("queries")
		var next []string
		for _, id := range cur {
			if !contains(listed, id) || contains(include, id) {
				next = append(next, id)
			}
		}
		for _, id := range include {
			if contains(listed, id) && !contains(next, id) {
				if !tx.Can("View", "query", "", id) {
					return &tracker.PermissionError{User: q.uid, Permission: "View", Class: "query", ItemID: id}
				}
				next = append(next, id)
			}
		}
		if !equalSets(cur, next) {
			return tx.Set("user", q.uid, tracker.Values{"queries": next})
		}
		return nil
	})
	if err != nil {
		s.queriesFailed(q, err)
		return true
	}
	s.redirect(q, s.base.Path+"query?@template=edit", "Your queries have been saved.")
	return true
}

// renameQuery gives query id a new name, refusing an empty one or one
// the user already uses for another query.
func renameQuery(tx *tracker.Tx, uid, id, name string) error {
	if !tracker.ValidID(id) {
		return errStatus(http.StatusBadRequest, "\""+id+"\" is not a query id")
	}
	it, err := tx.Get("query", id)
	if err != nil {
		return err
	}
	if it.Str("name") == name {
		return nil
	}
	if name == "" {
		return &tracker.ValueError{Class: "query", Prop: "name", Msg: "A query needs a name."}
	}
	if dup, err := queryByName(tx, "creator", uid, name); err != nil {
		return err
	} else if dup != "" && dup != id {
		return &dupQueryError{name}
	}
	return tx.Set("query", id, tracker.Values{"name": name})
}

// queriesFailed shows the query editing page again with the error.
func (s *Site) queriesFailed(q *rq, err error) {
	status, ok := failStatus(err)
	var dup *dupQueryError
	if errors.As(err, &dup) {
		status, ok = http.StatusBadRequest, true
	}
	if !ok {
		s.fail(q, err)
		return
	}
	q.errs = append(q.errs, err.Error())
	s.renderQueryEdit(q, status)
}

func equalSets(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !contains(b, x) {
			return false
		}
	}
	return true
}
