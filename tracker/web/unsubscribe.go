package web

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
)

// unsubscribeView is the unsubscribe page.
type unsubscribeView struct {
	Designator, Title, URL, Username, Token string
	// Done: the user is (now) off the nosy list.
	Done bool
}

// actUnsubscribe is the one-click unsubscribe endpoint of the
// List-Unsubscribe header tracker/notify puts in notifications:
// ISSUE?@action=unsubscribe&token=USERID.MAC (RFC 8058). The token,
// signed with [web] secret_key, names one user and one issue, so it can
// do nothing but take that user off that nosy list.
//
// A mail provider POSTs "List-Unsubscribe=One-Click" to it without
// cookies: the change is made as the token's user and answered 200 with
// a short page, never a redirect (RFC 8058 §3.2). A GET — a person
// clicking the link, or a scanner fetching it — changes nothing: it
// shows the issue and a button that POSTs the same request. An invalid
// token is 403.
func (s *Site) actUnsubscribe(q *rq, class, id string, post bool) bool {
	c := s.svc.Schema.Class(class)
	if c == nil || id == "" || c.Prop("nosy") == nil {
		s.fail(q, errStatus(http.StatusNotFound, "Nothing to unsubscribe from here."))
		return true
	}
	designator := class + id
	token := q.value("token")
	uid, ok := notify.VerifyUnsubscribe(s.cfg.SecretKey, designator, token)
	if !ok {
		s.fail(q, errStatus(http.StatusForbidden, "This unsubscribe link is not valid."))
		return true
	}
	v := &unsubscribeView{Designator: designator, URL: s.base.Path + designator, Token: token}
	var nosy bool
	err := s.svc.Read(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		u, err := tx.Get("user", uid)
		if err != nil || u.Retired {
			return errStatus(http.StatusForbidden, "This unsubscribe link is not valid.")
		}
		v.Username = u.Str("username")
		it, err := tx.Get(class, id)
		if err != nil {
			return err
		}
		if tx.CanUser(uid, "View", class, "title", id) {
			v.Title = it.Str("title")
		}
		nosy = slices.Contains(it.IDs("nosy"), uid)
		return nil
	})
	if err != nil {
		s.fail(q, err)
		return true
	}
	if post && nosy {
		err = s.svc.Update(q.ctx, uid, func(tx *tracker.Tx) error {
			it, err := tx.Get(class, id)
			if err != nil {
				return err
			}
			rest := slices.DeleteFunc(slices.Clone(it.IDs("nosy")), func(x string) bool { return x == uid })
			// The token is the user's permission for this one change.
			return tx.System(func() error { return tx.Set(class, id, tracker.Values{"nosy": rest}) })
		})
		if err != nil {
			s.fail(q, fmt.Errorf("unsubscribing user%s from %s: %w", uid, designator, err))
			return true
		}
		s.log.Info("unsubscribed", "user", "user"+uid, "item", designator, "one_click", q.value("List-Unsubscribe") == "One-Click")
	}
	v.Done = post || !nosy
	s.render(q, http.StatusOK, "_generic.unsubscribe", &pageData{Title: "Unsubscribe from " + designator, Body: v})
	return true
}
