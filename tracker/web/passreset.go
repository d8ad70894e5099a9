package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// Password reset ("Lost your login?") is Roundup's PassResetAction with
// one change: the mailed link NAME/?@action=passrst&otk=KEY does not set
// a random password and mail it in clear text, it opens a form on which
// the user chooses the new password; that form POSTs the key, and only
// then is the key used up. A GET of the link changes nothing (a mail
// scanner following links cannot spend it). The same action on userN
// without a key is the user page's "Change password" form.

// resetData is what a reset key stands for.
type resetData struct {
	UserID  string `json:"uid"`
	Address string `json:"address"`
}

// serveForgotten renders user?@template=forgotten: a username or an
// address to mail the reset link to.
func (s *Site) serveForgotten(q *rq) {
	s.render(q, http.StatusOK, "user.forgotten", &pageData{Title: "Password reset request", Body: s.accountView(q)})
}

// actPasswordReset dispatches the forms of the reset flow (see above).
func (s *Site) actPasswordReset(q *rq, post bool) bool {
	key := strings.TrimSpace(q.value("otk"))
	first, _, _ := strings.Cut(q.path, "/")
	class, id, _ := tracker.SplitDesignator(first)
	switch {
	case key != "" && !post:
		return s.showResetForm(q, key)
	case key != "":
		return s.resetWithKey(q, key)
	case !post:
		s.serveForgotten(q)
		return true
	case class == "user" && id != "":
		return s.changePassword(q, id)
	}
	return s.requestReset(q)
}

// forgottenFailed shows the request form again with err.
func (s *Site) forgottenFailed(q *rq, err error) bool {
	if !userError(err) {
		s.fail(q, err)
		return true
	}
	q.errs = append(q.errs, err.Error())
	s.render(q, statusOf(err), "user.forgotten", &pageData{Title: "Password reset request", Body: s.accountView(q)})
	return true
}

// requestReset mails a reset link for a username (to its address) or an
// address (to that address, which may be an alternate one), rate limited
// per client and per account. The answer is the same whether or not the
// account exists, so the form cannot be used to find out who has one
// (Roundup says "Unknown username").
func (s *Site) requestReset(q *rq) bool {
	name, addr := strings.TrimSpace(q.value("username")), strings.TrimSpace(q.value("address"))
	if name == "" && addr == "" {
		return s.forgottenFailed(q, errStatus(http.StatusBadRequest, "You need to specify a username or address"))
	}
	if err := s.limitClient(q, "reset", "account:"+name+"\x00"+addr); err != nil {
		return s.forgottenFailed(q, err)
	}
	if s.mailer == nil {
		return s.forgottenFailed(q, errNoMail)
	}
	err := s.svc.Update(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var uid, to string
		if name != "" {
			id, err := tx.Lookup("user", name)
			if err != nil {
				return nil
			}
			uid = id
		} else {
			id, stored, err := findUserByAddress(tx, addr)
			if err != nil || id == "" {
				return err
			}
			uid, to = id, stored
		}
		u, err := tx.Get("user", uid)
		if err != nil || u.Retired || u.Str("username") == "anonymous" {
			return nil
		}
		if to == "" {
			to = u.Str("address")
		}
		if !validAddress(to) {
			return nil
		}
		data, err := json.Marshal(resetData{UserID: uid, Address: to})
		if err != nil {
			return err
		}
		key := tracker.NewKey()
		if err := tx.PutOTK(&tracker.OTK{Key: key, Kind: otkReset, Data: data, Expires: s.svc.Now().Add(resetTTL)}); err != nil {
			return fmt.Errorf("storing reset key: %w", err)
		}
		link := s.absURL(q, "?@action=passrst&otk="+key)
		body := fmt.Sprintf(`Someone, perhaps you, has requested that the password be changed for your
username, "%s". If you wish to proceed with the change, please follow
the link below:

  %s

and choose your new password there. The link works once, within a day.
If you did not ask for this, ignore this mail: your password stays as it is.
`, u.Str("username"), link)
		if s.cfg.Demo {
			s.log.Info("password reset link (demo)", "username", u.Str("username"), "url", link)
		}
		return queueAccountMail(tx, s.mailer.Simple([]string{to}, "Confirm reset of password for "+s.cfg.TrackerName, body))
	})
	if err != nil {
		return s.forgottenFailed(q, err)
	}
	s.redirect(q, s.base.Path+"user?@template=forgotten",
		"If that account exists, a mail with a link to choose a new password is on its way to its address.")
	return true
}

// peekReset reads a reset key without using it.
func (s *Site) peekReset(q *rq, key string) (*resetData, error) {
	var d resetData
	err := s.svc.Read(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		k, err := tx.PeekOTK(key)
		if err != nil {
			return err
		}
		if k.Kind != otkReset {
			return tracker.ErrNotFound
		}
		return json.Unmarshal(k.Data, &d)
	})
	if errors.Is(err, tracker.ErrNotFound) || err == nil && d.UserID == "" {
		return nil, errStatus(http.StatusNotFound, "Invalid or expired password reset link: it was used already, is older than a day, or was cut short. Please ask for a new one.")
	}
	return &d, err
}

// showResetForm is the GET of the mailed link: the new-password form.
func (s *Site) showResetForm(q *rq, key string) bool {
	d, err := s.peekReset(q, key)
	if err != nil {
		return s.forgottenFailed(q, err)
	}
	v := s.accountView(q)
	v.Key = key
	_ = s.svc.Read(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		if u, err := tx.Get("user", d.UserID); err == nil {
			v.Username = u.Str("username")
		}
		return nil
	})
	s.render(q, http.StatusOK, "user.passrst", &pageData{Title: "Choose a new password", Body: v})
	return true
}

// resetWithKey sets the chosen password: the key is used up in the same
// transaction, acting as the user (their journal says they changed it),
// and the user is logged in.
func (s *Site) resetWithKey(q *rq, key string) bool {
	d, err := s.peekReset(q, key)
	if err != nil {
		return s.forgottenFailed(q, err)
	}
	pw, err := s.hashFormPassword(q)
	if err != nil {
		q.errs = append(q.errs, err.Error())
		v := s.accountView(q)
		v.Key = key
		s.render(q, statusOf(err), "user.passrst", &pageData{Title: "Choose a new password", Body: v})
		return true
	}
	err = s.svc.Update(q.ctx, d.UserID, func(tx *tracker.Tx) error {
		k, err := tx.TakeOTK(key)
		if err != nil {
			return err
		}
		if k.Kind != otkReset {
			return tracker.ErrNotFound
		}
		return tx.System(func() error { return tx.Set("user", d.UserID, tracker.Values{"password": pw}) })
	})
	if errors.Is(err, tracker.ErrNotFound) {
		// Used meanwhile, or the user was retired.
		err = errStatus(http.StatusNotFound, "Invalid or expired password reset link. Please ask for a new one.")
	}
	if err != nil {
		return s.forgottenFailed(q, err)
	}
	s.log.Info("password reset", "user", "user"+d.UserID, "request_id", RequestID(q.ctx))
	if err := s.startSession(q, d.UserID); err != nil {
		s.fail(q, err)
		return true
	}
	s.redirect(q, s.base.Path+"user"+d.UserID, "Your password has been changed and you are logged in.")
	return true
}

// changePassword is the user page's password form (password typed twice:
// Roundup's "@confirm@password"), written as the visitor so the schema's
// Edit permission decides (a User changes their own, a Coordinator
// anyone's).
func (s *Site) changePassword(q *rq, uid string) bool {
	if q.anonymous() {
		s.fail(q, errStatus(http.StatusForbidden, "Please log in to change a password."))
		return true
	}
	pw, err := s.hashFormPassword(q)
	if err == nil {
		err = s.svc.Update(q.ctx, q.uid, func(tx *tracker.Tx) error {
			return tx.Set("user", uid, tracker.Values{"password": pw})
		})
	}
	if err != nil {
		s.editFailed(q, "user", uid, err)
		return true
	}
	s.redirect(q, s.base.Path+"user"+uid, "Password changed")
	return true
}
