package web

import (
	"errors"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// redirect answers a successful action with 303 to target, carrying an
// @ok_message as Roundup's actions do.
func (s *Site) redirect(q *rq, target, ok string) {
	if ok != "" {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "@ok_message=" + url.QueryEscape(ok)
	}
	http.Redirect(q.w, q.r, target, http.StatusSeeOther)
}

// actLogin is Roundup's LoginAction (__login_name, __login_password,
// __came_from).
func (s *Site) actLogin(q *rq) bool {
	name, pw := q.value("__login_name"), q.value("__login_password")
	uid, err := s.checkPassword(q, name, pw)
	if err != nil {
		var he *httpError
		status := http.StatusUnauthorized
		if errors.As(err, &he) {
			status = he.status
		}
		q.errs = append(q.errs, err.Error())
		s.render(q, status, "_generic.login", &pageData{Title: "Log in"})
		return true
	}
	if err := s.startSession(q, uid); err != nil {
		s.fail(q, err)
		return true
	}
	target := s.base.Path
	if cf := q.value("__came_from"); cf != "" && s.localURL(cf) {
		target = cf
	}
	s.redirect(q, target, "")
	return true
}

// actLogout ends the session.
func (s *Site) actLogout(q *rq) bool {
	s.endSession(q)
	s.redirect(q, s.base.Path, "You are logged out")
	return true
}

// actEdit applies a form to an existing item (id) or creates one of
// class (id ""): Roundup's EditAction/NewAction. A refused change shows
// the form again with the error and what the user typed.
func (s *Site) actEdit(q *rq, class, id string) bool {
	if class == "" {
		s.fail(q, errStatus(http.StatusBadRequest, "No class to edit"))
		return true
	}
	if id == "" && q.value("@action") == "edit" {
		// Posted to the class: a batch edit of the items it names.
		return s.actEditMany(q, class)
	}
	if q.value("@preview") != "" && id != "" {
		// "Preview" shows the comment rendered, nothing is saved.
		q.ok = append(q.ok, "Preview of your comment; it is not sent yet.")
		v := s.itemView(q, s.svc.Schema.Class(class), mustGet(q, class, id))
		v.Preview = q.value("@note")
		s.render(q, http.StatusOK, s.pageName(class, "item"), &pageData{Title: v.Title, Body: v})
		return true
	}
	pf, err := parseForm(s.svc.Schema, class, id, q.form, uploads(q.r))
	if err != nil {
		s.editFailed(q, class, id, err)
		return true
	}
	var newID string
	err = s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
		if id != "" && pf.LastActivity != "" {
			cur, err := tx.Get(class, id)
			if err != nil {
				return err
			}
			if tracker.FormatDate(cur.Activity) > pf.LastActivity {
				return errCollision
			}
		}
		var err error
		newID, err = s.applyForm(tx, pf)
		return err
	})
	if err != nil {
		s.editFailed(q, class, id, err)
		return true
	}
	msg := class + newID + " edited ok"
	if id == "" {
		msg = class + newID + " created"
	}
	s.redirect(q, s.base.Path+class+newID, msg)
	return true
}

var errCollision = errors.New("Edit Error: someone else has edited this item since you loaded the page. Your changes were not saved; reload the page to see theirs.")

func mustGet(q *rq, class, id string) *tracker.Item {
	it, err := q.tx.Get(class, id)
	if err != nil {
		return &tracker.Item{Class: q.s.svc.Schema.Class(class), ID: id, Values: tracker.Values{}}
	}
	return it
}

// editFailed shows the form again with the error.
func (s *Site) editFailed(q *rq, class, id string, err error) {
	status := http.StatusBadRequest
	var pe *tracker.PermissionError
	var he *httpError
	switch {
	case errors.As(err, &pe):
		status = http.StatusForbidden
	case errors.As(err, &he):
		status = he.status
	case errors.Is(err, errCollision), errors.Is(err, tracker.ErrConflict):
		status = http.StatusConflict
	case errors.Is(err, tracker.ErrNotFound):
		status = http.StatusNotFound
	}
	var rej *tracker.Reject
	var ve *tracker.ValueError
	if !errors.As(err, &rej) && !errors.As(err, &ve) && !errors.As(err, &pe) && !errors.As(err, &he) &&
		!errors.Is(err, errCollision) && !errors.Is(err, tracker.ErrConflict) && !errors.Is(err, tracker.ErrNotFound) {
		s.fail(q, err)
		return
	}
	q.errs = append(q.errs, err.Error())
	c := s.svc.Schema.Class(class)
	if id == "" {
		v := s.newItemView(q, c)
		s.render(q, status, s.pageName(class, "item"), &pageData{Title: "New " + class, Body: v})
		return
	}
	it, gerr := q.tx.Get(class, id)
	if gerr != nil {
		s.fail(q, gerr)
		return
	}
	v := s.itemView(q, c, it)
	s.render(q, status, s.pageName(class, "item"), &pageData{Title: v.Title, Body: v})
}

// pageName picks CLASS.NAME or _generic.NAME.
func (s *Site) pageName(class, name string) string {
	if s.pages[class+"."+name] != nil {
		return class + "." + name
	}
	return "_generic." + name
}

// actRetire retires or restores CLASSID (Roundup's RetireAction and
// restore): bpo's "Unlink"/"Restore" message buttons use @remove@ and
// @add@ on the issue instead.
func (s *Site) actRetire(q *rq, action, class, id string) bool {
	if id == "" {
		s.fail(q, errStatus(http.StatusBadRequest, "No item to "+action))
		return true
	}
	err := s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
		if action == "retire" {
			return tx.Retire(class, id)
		}
		return tx.Restore(class, id)
	})
	if err != nil {
		s.editFailed(q, class, id, err)
		return true
	}
	past := map[string]string{"retire": "retired", "restore": "restored"}[action]
	s.redirect(q, s.base.Path+class+id, class+id+" has been "+past)
	return true
}

// actShow is the "Show issue N" box (@action=show&@type=issue&@number=N).
func (s *Site) actShow(q *rq) bool {
	class := q.value("@type")
	num := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(q.value("@number")), "#"))
	if class == "" {
		class = "issue"
	}
	if s.svc.Schema.Class(class) == nil || !tracker.ValidID(strings.TrimLeft(num, "0")) {
		q.errs = append(q.errs, "\""+num+"\" is not an id")
		return false
	}
	http.Redirect(q.w, q.r, s.base.Path+class+strings.TrimLeft(num, "0"), http.StatusSeeOther)
	return true
}

// actSearchID is bpo's search_id: a bare number in the search box jumps
// to that issue; otherwise the box is a full-text search (more than 50
// words are refused).
func (s *Site) actSearchID(q *rq) bool {
	text := strings.TrimSpace(q.value("@search_text"))
	n := strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(text), "issue"), "#")
	if tracker.ValidID(strings.TrimLeft(strings.TrimSpace(n), "0")) {
		http.Redirect(q.w, q.r, s.base.Path+"issue"+strings.TrimLeft(strings.TrimSpace(n), "0"), http.StatusSeeOther)
		return true
	}
	if len(strings.Fields(text)) > 50 {
		q.errs = append(q.errs, "Too many words in the search; use at most 50.")
	}
	return false
}

// actRandom is bpo's "Random Issue": an open issue at random.
func (s *Site) actRandom(q *rq) bool {
	spec := map[string][]string{}
	if s.svc.Schema.Class("issue").Prop("status") != nil {
		spec["status"] = []string{s.openStatuses(q)}
	}
	ids, _, err := q.tx.Filter("issue", &tracker.Filter{Spec: spec})
	if err != nil || len(ids) == 0 {
		q.errs = append(q.errs, "There are no open issues.")
		return false
	}
	http.Redirect(q.w, q.r, s.base.Path+"issue"+ids[rand.IntN(len(ids))], http.StatusSeeOther)
	return true
}

// uploads returns the request's uploaded files by field name.
func uploads(r *http.Request) map[string][]*multipart.FileHeader {
	if r.MultipartForm == nil {
		return nil
	}
	return r.MultipartForm.File
}
