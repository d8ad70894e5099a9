package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
)

// actEmailMe is the "Email me" button (specs/roundup.md §8: Roundup has
// none): a POST on issueN mails the issue — its messages and current
// properties, shaped like a notification (tracker/notify ItemCopy) — to
// the logged-in user's own address through the outbox; with @msg=M only
// that message, with its files attached. Only what the user may see goes
// into it (messages whose content is hidden from them are left out), and
// it is rate limited per user, since each press sends a mail.
func (s *Site) actEmailMe(q *rq, class, id string) bool {
	c := s.svc.Schema.Class(class)
	switch {
	case c == nil || id == "" || c.Prop("messages") == nil:
		s.fail(q, errStatus(http.StatusBadRequest, "Only issues can be mailed."))
		return true
	case q.anonymous():
		s.fail(q, errStatus(http.StatusForbidden, "Please log in to have issues mailed to you."))
		return true
	case !q.can("View", class, "", id):
		s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to view "+class+id+"."))
		return true
	case !validAddress(q.user.Str("address")):
		s.fail(q, errStatus(http.StatusBadRequest, "Your account has no e-mail address; add one on your details page."))
		return true
	case s.mailer == nil:
		s.fail(q, errNoMail)
		return true
	}
	if !s.limiter("emailme:" + q.uid).Allow() {
		q.w.Header().Set("Retry-After", "60")
		s.fail(q, errTooMany)
		return true
	}
	it, err := q.tx.Get(class, id)
	if err != nil {
		s.fail(q, err)
		return true
	}
	req := notify.CopyRequest{Class: class, ItemID: id, To: q.user.Str("address")}
	one := strings.TrimPrefix(q.value("@msg"), "msg")
	if one != "" && !slices.Contains(it.IDs("messages"), one) {
		s.fail(q, errStatus(http.StatusBadRequest, "msg"+one+" is not a message of "+class+id+"."))
		return true
	}
	for _, mid := range it.IDs("messages") {
		if one != "" && mid != one {
			continue
		}
		if !q.can("View", "msg", "content", mid) {
			continue
		}
		req.Messages = append(req.Messages, mid)
		if one == "" {
			continue
		}
		if m, err := q.tx.Get("msg", mid); err == nil {
			for _, fid := range m.IDs("files") {
				if q.can("View", "file", "content", fid) {
					req.Files = append(req.Files, fid)
				}
			}
		}
	}
	if one != "" && len(req.Messages) == 0 {
		s.fail(q, errStatus(http.StatusForbidden, "You are not allowed to view msg"+one+"."))
		return true
	}
	err = s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
		rm, err := s.mailer.ItemCopy(tx, req)
		if err != nil {
			return err
		}
		return notify.Queue(tx, "emailme:"+q.uid, rm)
	})
	if err != nil {
		s.fail(q, fmt.Errorf("mailing %s%s to user%s: %w", class, id, q.uid, err))
		return true
	}
	what, target := class+id, s.base.Path+class+id
	if one != "" {
		what = "msg" + one
	}
	redirectFragment(q, target, "msg"+one, "A copy of "+what+" was sent to "+req.To+".", one != "")
	return true
}

// redirectFragment is s.redirect to target#frag (when withFrag): the
// @ok_message goes before the fragment.
func redirectFragment(q *rq, target, frag, ok string, withFrag bool) {
	u := target
	if ok != "" {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + "@ok_message=" + urlQueryEscape(ok)
	}
	if withFrag {
		u += "#" + frag
	}
	http.Redirect(q.w, q.r, u, http.StatusSeeOther)
}
