package web

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/corral-tracker/corral/tracker"
)

// errNoSave refuses to store a query for a visitor who may not.
var errNoSave = errors.New("You do not have permission to store queries; please log in.")

// dupQueryError: the visitor already owns a query of that name.
type dupQueryError struct{ name string }

func (e *dupQueryError) Error() string {
	return fmt.Sprintf("You already own a query named '%s'. Please choose another name.", e.name)
}

// saveQuery stores the search args as a query named name for the
// visitor, as Roundup's SearchAction does when the query class has no
// key: a query of theirs named oldName (private to them first, else
// created by them) is updated and renamed; otherwise a new one is made,
// private to them. Either way it joins user.queries, the sidebar's
// "Your Queries". Permissions are the tracker's (python-dev: Create
// query; Edit and Retire only by the creator).
func (s *Site) saveQuery(q *rq, class, name, oldName string, args url.Values) error {
	if q.anonymous() || s.svc.Schema.Class("query") == nil {
		return errNoSave
	}
	saved := cloneValues(args)
	saved.Del("@dispname")
	qs := saved.Encode()
	return s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
		if oldName != name {
			dup, err := queryByName(tx, "creator", q.uid, name)
			if err != nil {
				return err
			}
			if dup != "" {
				return &dupQueryError{name}
			}
		}
		qid := ""
		if oldName != "" {
			var err error
			if qid, err = queryByName(tx, "private_for", q.uid, oldName); err != nil {
				return err
			}
			if qid == "" {
				if qid, err = queryByName(tx, "creator", q.uid, oldName); err != nil {
					return err
				}
			}
		}
		if qid != "" {
			if err := tx.Set("query", qid, tracker.Values{"klass": class, "url": qs, "name": name}); err != nil {
				return err
			}
		} else {
			if !tx.Can("Create", "query", "", "") {
				return errNoSave
			}
			var err error
			qid, err = tx.Create("query", tracker.Values{"klass": class, "url": qs, "name": name, "private_for": q.uid})
			if err != nil {
				return err
			}
		}
		u, err := tx.Get("user", q.uid)
		if err != nil {
			return err
		}
		if mine := u.IDs("queries"); !contains(mine, qid) {
			return tx.Set("user", q.uid, tracker.Values{"queries": append(append([]string(nil), mine...), qid)})
		}
		return nil
	})
}

// queryByName finds an active query whose prop (creator, private_for)
// is uid and whose name is exactly name; "" when there is none.
func queryByName(tx *tracker.Tx, prop, uid, name string) (string, error) {
	ids, _, err := tx.SystemFilter("query", &tracker.Filter{Spec: map[string][]string{prop: {uid}}, Sort: []tracker.SortKey{{Prop: "id"}}})
	if err != nil {
		return "", fmt.Errorf("finding query %q: %w", name, err)
	}
	for _, id := range ids {
		it, err := tx.Get("query", id)
		if err != nil {
			return "", err
		}
		if it.Str("name") == name {
			return id, nil
		}
	}
	return "", nil
}

// ownQuery returns the id of the visitor's query named name, or "".
func (s *Site) ownQuery(q *rq, name string) string {
	if q.anonymous() || s.svc.Schema.Class("query") == nil {
		return ""
	}
	id, _ := queryByName(q.tx, "creator", q.uid, name)
	return id
}
