package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

// accountView is the model of the account pages (user.register,
// user.rego_progress, user.forgotten, user.passrst): what the visitor
// typed (never the passwords) and the page's hidden values.
type accountView struct {
	class  *tracker.Class
	values map[string]string
	// Stamp is the registration form's signed render time.
	Stamp string
	// Progress: the registration mail was sent (user.rego_progress).
	Progress bool
	// Key and Username: the password-reset form reached by a mailed link.
	Key, Username string
}

// Value is a typed form value.
func (v *accountView) Value(name string) string { return v.values[name] }

// Has reports whether the user class has the property (the pages serve
// python-dev's and classic's schemas alike).
func (v *accountView) Has(prop string) bool { return v.class != nil && v.class.Prop(prop) != nil }

// Account is the account pages' model; pages reached another way (a
// user?@template=register on an item) get an empty one instead of a
// template error.
func (p *pageData) Account() *accountView {
	if v, ok := p.Body.(*accountView); ok {
		return v
	}
	return &accountView{class: p.q.s.svc.Schema.Class("user"), values: map[string]string{}}
}

// registrationProps are the user properties a registration may set
// (bpo's user.register.html asks for these). Roles never (Roundup: "It
// is not permitted to supply roles at registration."), nor the CLA
// fields only Coordinators set, nor queries.
var registrationProps = []string{"username", "realname", "address", "alternate_addresses", "github",
	"organisation", "phone", "homepage", "timezone"}

func (s *Site) accountView(q *rq) *accountView {
	v := &accountView{class: s.svc.Schema.Class("user"), values: map[string]string{}}
	for _, n := range append(registrationProps, "__login_name") {
		if val := q.value(n); val != "" {
			v.values[n] = val
		}
	}
	return v
}

// serveRegister renders bpo's registration form (user?@template=register)
// with a signed timestamp for the [web] registration_delay bot check;
// with @progress it is Roundup's user.rego_progress page ("you will
// shortly receive an email") the registration redirects to.
func (s *Site) serveRegister(q *rq) {
	v := s.accountView(q)
	if q.value("@progress") != "" {
		v.Progress = true
		s.render(q, http.StatusOK, "user.rego_progress", &pageData{Title: "Registration in progress", Body: v})
		return
	}
	if !q.can("Register", "user", "", "") {
		s.fail(q, s.registerRefusal(q))
		return
	}
	v.Stamp = s.formStamp()
	s.render(q, http.StatusOK, "user.register", &pageData{Title: "Registering with " + s.cfg.TrackerName, Body: v})
}

func (s *Site) registerRefusal(q *rq) error {
	if !q.anonymous() {
		return errStatus(http.StatusForbidden, "You are logged in as "+q.user.Str("username")+"; log out to register another account.")
	}
	return errStatus(http.StatusForbidden, "You do not have permission to register new users.")
}

// actRegister is Roundup's RegisterAction with bpo's timestamp check:
// rate limited per client address, Register permission, the signed
// render time at least [web] registration_delay old, password typed
// twice, a deliverable address. The new user is tried out in a
// transaction that is always rolled back, so the schema's auditors
// (bpo's username characters, address syntax and uniqueness) speak now
// rather than when the link is followed. Then either [main]
// instant_registration creates the user and logs them in, or the pending
// properties (password already hashed) go under a one-time key and the
// confirmation mail — "Complete your registration to TRACKER -- key KEY",
// answerable by mail or by its link — is queued in the same transaction.
func (s *Site) actRegister(q *rq) bool {
	v := s.accountView(q)
	fail := func(err error) bool {
		if !userError(err) {
			s.fail(q, err)
			return true
		}
		msg := err.Error()
		if errors.Is(err, tracker.ErrConflict) {
			msg = fmt.Sprintf("Username %s is already used.", tracker.PyRepr(v.values["username"]))
		}
		q.errs = append(q.errs, msg)
		// Keep a genuine stamp so a corrected form need not wait again.
		v.Stamp = q.value("opaqueregister")
		if _, ok := s.formStampTime(v.Stamp); !ok {
			v.Stamp = s.formStamp()
		}
		s.render(q, statusOf(err), "user.register", &pageData{Title: "Registering with " + s.cfg.TrackerName, Body: v})
		return true
	}
	if err := s.limitClient(q, "register"); err != nil {
		return fail(err)
	}
	if !q.can("Register", "user", "", "") {
		return fail(s.registerRefusal(q))
	}
	if s.cfg.RegistrationDelay > 0 {
		if err := s.checkFormTime(q.value("opaqueregister")); err != nil {
			return fail(err)
		}
	}
	if q.has("roles") {
		return fail(errStatus(http.StatusForbidden, "It is not permitted to supply roles at registration."))
	}
	props, err := s.registrationForm(q)
	if err != nil {
		return fail(err)
	}
	if err := s.tryNewUser(q, props); err != nil {
		return fail(err)
	}
	if s.cfg.InstantRegistration {
		var uid string
		err := s.svc.Update(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
			var err error
			uid, err = createUser(tx, props, s.cfg.NewWebUserRoles)
			return err
		})
		if err != nil {
			return fail(err)
		}
		s.log.Info("user registered", "user", "user"+uid, "username", props["username"])
		return s.welcome(q, uid)
	}
	if s.mailer == nil {
		return fail(errNoMail)
	}
	var link string
	err = s.svc.Update(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		key, err := tx.StartRegistration(props, registrationTTL)
		if err != nil {
			return err
		}
		link = s.absURL(q, "?@action=confrego&otk="+key)
		subject := "Complete your registration to " + s.cfg.TrackerName + " -- key " + key
		return queueAccountMail(tx, s.mailer.SimpleFrom(s.cfg.TrackerName, s.cfg.Email, []string{props["address"]},
			subject, s.registrationBody(props["username"], link)))
	})
	if err != nil {
		return fail(err)
	}
	s.log.Info("registration started", "username", props["username"], "request_id", RequestID(q.ctx))
	if s.cfg.Demo {
		s.log.Info("registration confirmation link (demo)", "username", props["username"], "url", link)
	}
	http.Redirect(q.w, q.r, s.base.Path+"user?@template=register&@progress=1", http.StatusSeeOther)
	return true
}

// registrationBody is Roundup's confirmation text (the variant for
// [mail] email_registration_confirmation: reply or visit the link).
func (s *Site) registrationBody(username, link string) string {
	if s.cfg.Email == "" {
		return fmt.Sprintf("To complete your registration of the user \"%s\" with\n%s, please visit the following URL:\n\n%s\n\n",
			username, s.cfg.TrackerName, link)
	}
	return fmt.Sprintf(`To complete your registration of the user "%s" with
%s, please do one of the following:

- send a reply to %s and maintain the subject line as is (the
reply's additional "Re:" is ok),

- or visit the following URL:

%s

`, username, s.cfg.TrackerName, s.cfg.Email, link)
}

// registrationForm reads and checks the form: required username,
// password (twice; hashed here) and a deliverable, unused address.
func (s *Site) registrationForm(q *rq) (map[string]string, error) {
	uc := s.svc.Schema.Class("user")
	props := map[string]string{}
	for _, n := range registrationProps {
		if uc.Prop(n) == nil {
			continue
		}
		if val := strings.TrimSpace(q.value(n)); val != "" {
			if n == "alternate_addresses" {
				val = strings.ReplaceAll(val, "\r\n", "\n")
			}
			props[n] = val
		}
	}
	for _, req := range []string{"username", "address"} {
		if props[req] == "" && uc.Prop(req) != nil {
			return nil, &tracker.ValueError{Class: "user", Prop: req, Msg: "Required user property " + req + " not supplied"}
		}
	}
	if uc.Prop("address") != nil && !validAddress(props["address"]) {
		return nil, &tracker.ValueError{Class: "user", Prop: "address", Msg: fmt.Sprintf("Email address syntax is invalid \"%s\"", props["address"])}
	}
	pw, err := s.hashFormPassword(q)
	if err != nil {
		return nil, err
	}
	props["password"] = string(pw)
	err = s.svc.Read(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		if _, err := tx.Lookup("user", props["username"]); err == nil {
			return fmt.Errorf("%w: username taken", tracker.ErrConflict)
		}
		if id, _, err := findUserByAddress(tx, props["address"]); err != nil {
			return err
		} else if id != "" {
			return &tracker.ValueError{Class: "user", Prop: "address", Msg: fmt.Sprintf("Email address %s already in use", props["address"])}
		}
		return nil
	})
	return props, err
}

// errTried ends the trial transaction of tryNewUser.
var errTried = errors.New("registration tried")

// tryNewUser creates the user in a transaction it then rolls back: the
// auditors' verdict without the user. (On PostgreSQL the id sequence
// does not roll back, so refused and confirmed sign-ups leave gaps in
// user ids, as failed creations always do there.)
func (s *Site) tryNewUser(q *rq, props map[string]string) error {
	err := s.svc.Update(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		if _, err := createUser(tx, props, s.cfg.NewWebUserRoles); err != nil {
			return err
		}
		return errTried
	})
	if errors.Is(err, errTried) {
		return nil
	}
	return err
}

// createUser creates a registered user with roles; Register was checked
// by the caller, so the creation itself skips permissions, as Roundup's
// RegisterAction (newItemPermission) and confirm_registration do.
func createUser(tx *tracker.Tx, props map[string]string, roles string) (string, error) {
	p := make(map[string]string, len(props)+1)
	for k, v := range props {
		p[k] = v
	}
	p["roles"] = roles
	var id string
	err := tx.System(func() error {
		vals, err := tx.ParseValues("user", "", p)
		if err != nil {
			return err
		}
		id, err = tx.Create("user", vals)
		return err
	})
	return id, err
}

// welcome logs a new user in and shows their page (Roundup's
// RegoCommon.finishRego: "You are now registered, welcome!").
func (s *Site) welcome(q *rq, uid string) bool {
	if err := s.startSession(q, uid); err != nil {
		s.fail(q, err)
		return true
	}
	s.redirect(q, s.base.Path+"user"+uid, "You are now registered, welcome!")
	return true
}

// actConfirmRegistration is Roundup's ConfRegoAction: the mailed link
// NAME/?@action=confrego&otk=KEY (a GET: one-time-key links may change
// data, DESIGN.md §2.1) creates the user stored under the key with
// [main] new_web_user_roles and logs them in. A used, expired or
// mistyped key gets an error page saying so.
func (s *Site) actConfirmRegistration(q *rq) bool {
	key := strings.TrimSpace(q.value("otk"))
	if key == "" {
		s.fail(q, errStatus(http.StatusBadRequest, "This link carries no registration key."))
		return true
	}
	var uid string
	err := s.svc.Update(q.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		uid, err = tx.ConfirmRegistration(key, s.cfg.NewWebUserRoles)
		return err
	})
	switch {
	case err == nil:
	case errors.Is(err, tracker.ErrNotFound):
		s.fail(q, errStatus(http.StatusNotFound, "Invalid or expired registration key: the link was used already, is older than a week, or was cut short. Please register again."))
		return true
	case userError(err):
		s.fail(q, errStatus(statusOf(err), err.Error()))
		return true
	default:
		s.fail(q, fmt.Errorf("confirming registration: %w", err))
		return true
	}
	s.log.Info("user registered", "user", "user"+uid, "request_id", RequestID(q.ctx))
	return s.welcome(q, uid)
}
