package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func regForm(stamp string, kv ...string) url.Values {
	f := url.Values{"@action": {"register"}, "opaqueregister": {stamp}, "username": {"newbie"}, "realname": {"New Bie"},
		"password": {"pw123"}, "@confirm@password": {"pw123"}, "address": {"newbie@example.org"}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			f.Del(kv[i])
		} else {
			f.Set(kv[i], kv[i+1])
		}
	}
	return f
}

// stamp fetches the registration form and returns its opaqueregister.
func stamp(t *testing.T, c *client) string {
	t.Helper()
	r := c.get("/tracker/user?@template=register")
	must(t, r, 200, "Registering with Test tracker", `name="@confirm@password"`)
	m := stampRE.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatal("no opaqueregister in the form")
	}
	return m[1]
}

func TestRegisterConfirmLogsIn(t *testing.T) {
	e := newAcctEnv(t, nil)
	anon := e.client(t, "")
	r := anon.post("/tracker/user", regForm(stamp(t, anon)))
	must(t, r, http.StatusSeeOther)
	loc := r.header.Get("Location")
	if loc != "/tracker/user?@template=register&@progress=1" {
		t.Fatalf("redirect to %q", loc)
	}
	must(t, anon.get(loc), 200, "Registration in progress", "You will shortly receive an email")
	if e.user(t, "newbie") != nil {
		t.Fatal("user created before confirmation")
	}
	mails := e.mails(t, "newbie@example.org")
	if len(mails) != 1 {
		t.Fatalf("%d registration mails, want 1", len(mails))
	}
	m := mails[0]
	if s := m.Subject(); !strings.HasPrefix(s, "Complete your registration to Test tracker -- key ") {
		t.Errorf("subject %q", s)
	}
	for _, want := range []string{"Content-Transfer-Encoding: 7bit", "From: Test tracker <issues@example.com>",
		`registration of the user "newbie"`, "send a reply to issues@example.com"} {
		if !strings.Contains(m.Data, want) {
			t.Errorf("mail lacks %q:\n%s", want, m.Data)
		}
	}
	link := linkIn(t, m)
	if key := strings.TrimPrefix(m.Subject(), "Complete your registration to Test tracker -- key "); !strings.HasSuffix(link, "otk="+key) {
		t.Errorf("link %q does not carry the subject's key %q", link, key)
	}

	// A fresh browser follows the mailed link: a GET confirms and logs in.
	browser := e.client(t, "")
	r = browser.get(link)
	must(t, r, http.StatusSeeOther)
	u := e.user(t, "newbie")
	if u == nil {
		t.Fatal("user not created by the confirmation link")
	}
	if want := "/tracker/user" + u.ID + "?@ok_message="; !strings.HasPrefix(r.header.Get("Location"), want) {
		t.Errorf("confirmation redirects to %q, want %s...", r.header.Get("Location"), want)
	}
	if u.Str("roles") != "User" || u.Str("address") != "newbie@example.org" || u.Str("realname") != "New Bie" {
		t.Errorf("new user roles %q address %q realname %q", u.Str("roles"), u.Str("address"), u.Str("realname"))
	}
	must(t, browser.get("/tracker/user"+u.ID+"?@ok_message=x"), 200, "Hello, <b>newbie</b>")
	// The password typed at registration works.
	e.client(t, "") // fresh jar
	must(t, anon.post("/tracker/", url.Values{"@action": {"login"}, "__login_name": {"newbie"}, "__login_password": {"pw123"}}), http.StatusSeeOther)
	// The key works once.
	r = e.client(t, "").get(link)
	must(t, r, http.StatusNotFound, "Invalid or expired registration key")
	must(t, e.client(t, "").get("/tracker/?@action=confrego&otk=nosuchkey"), http.StatusNotFound, "Invalid or expired registration key")
	must(t, e.client(t, "").get("/tracker/?@action=confrego"), http.StatusBadRequest, "no registration key")
}

func TestRegisterRefusals(t *testing.T) {
	e := newAcctEnv(t, nil)
	for _, tc := range []struct {
		name   string
		kv     []string
		status int
		want   string
	}{
		{"passwords differ", []string{"@confirm@password", "other"}, 400, "Password and confirmation text do not match"},
		{"no confirmation", []string{"@confirm@password", ""}, 400, "do not match"},
		{"no password", []string{"password", "", "@confirm@password", ""}, 400, "Please enter a password"},
		{"username taken", []string{"username", "alice"}, 409, "Username &#39;alice&#39; is already used."},
		{"address used", []string{"address", "Alice@Example.com"}, 400, "already in use"},
		{"bad username", []string{"username", "no spaces"}, 400, "Username must consist only of the letters a-z"},
		{"no address", []string{"address", ""}, 400, "Required user property address not supplied"},
		{"bad address", []string{"address", "newbie"}, 400, "Email address syntax is invalid"},
		{"roles", []string{"roles", "Admin"}, 403, "It is not permitted to supply roles at registration."},
		{"homepage scheme", []string{"homepage", "javascript:alert(1)"}, 400, "Invalid URL scheme"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			anon := e.client(t, "")
			r := anon.post("/tracker/user", regForm(stamp(t, anon), tc.kv...))
			must(t, r, tc.status, tc.want, `value="New Bie"`)
			if strings.Contains(r.body, "pw123") {
				t.Error("the re-rendered form shows the password")
			}
		})
	}
	if n := len(e.mails(t, "newbie@example.org")); n != 0 {
		t.Errorf("%d mails sent for refused registrations", n)
	}
	if e.user(t, "newbie") != nil {
		t.Error("a refused registration created the user")
	}
}

func TestRegisterDelayTrap(t *testing.T) {
	e := newAcctEnv(t, func(c *Config) { c.RegistrationDelay = 30 * time.Second })
	anon := e.client(t, "")
	st := stamp(t, anon)
	must(t, anon.post("/tracker/user", regForm(st)), 400, "Responding to form too quickly.")
	must(t, anon.post("/tracker/user", regForm("", "opaqueregister", "")), 400, "Form is corrupted, missing: opaqueregister.")
	forged := "1000." + strings.Split(st, ".")[1]
	must(t, anon.post("/tracker/user", regForm(forged)), 400, "Form is corrupted.")
	// The refusal keeps the genuine stamp: waiting is enough.
	r := anon.post("/tracker/user", regForm(st))
	if !strings.Contains(r.body, `value="`+st+`"`) {
		t.Error("the re-rendered form lost its stamp")
	}
	e.clock = e.clock.Add(31 * time.Second)
	must(t, anon.post("/tracker/user", regForm(st)), http.StatusSeeOther)
	e.clock = e.clock.Add(25 * time.Hour)
	must(t, anon.post("/tracker/user", regForm(st, "username", "other", "address", "other@example.org")), 400, "The form has expired")
	if n := len(e.mails(t, "")); n != 1 {
		t.Errorf("%d mails, want 1", n)
	}
}

func TestRegisterInstant(t *testing.T) {
	e := newAcctEnv(t, func(c *Config) { c.InstantRegistration = true; c.NewWebUserRoles = "User,Developer" })
	anon := e.client(t, "")
	r := anon.post("/tracker/user", regForm(stamp(t, anon)))
	must(t, r, http.StatusSeeOther)
	u := e.user(t, "newbie")
	if u == nil || u.Str("roles") != "User,Developer" {
		t.Fatalf("instant registration: user %v", u)
	}
	if !strings.HasPrefix(r.header.Get("Location"), "/tracker/user"+u.ID+"?@ok_message=You+are+now+registered") {
		t.Errorf("redirect to %q", r.header.Get("Location"))
	}
	must(t, anon.get("/tracker/"), 200, "Hello, <b>newbie</b>")
	if n := len(e.mails(t, "newbie@example.org")); n != 0 {
		t.Errorf("instant registration sent %d mails", n)
	}
}

func TestRegisterWithoutMailer(t *testing.T) {
	e := newAcctEnv(t, nil)
	e.site.mailer = nil
	anon := e.client(t, "")
	must(t, anon.post("/tracker/user", regForm(stamp(t, anon))), http.StatusServiceUnavailable, "cannot send mail")
}

func TestRegisterRateLimit(t *testing.T) {
	e := newAcctEnv(t, func(c *Config) { c.LoginAttemptsPerMin = 2 })
	anon := e.client(t, "")
	st := stamp(t, anon)
	must(t, anon.post("/tracker/user", regForm(st, "@confirm@password", "x")), 400)
	must(t, anon.post("/tracker/user", regForm(st, "@confirm@password", "y")), 400)
	r := anon.post("/tracker/user", regForm(st))
	must(t, r, http.StatusTooManyRequests, "Too many attempts")
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	if e.user(t, "newbie") != nil || len(e.mails(t, "")) != 0 {
		t.Error("a rate-limited registration went through")
	}
}

func TestRegisterNeedsPermission(t *testing.T) {
	e := newAcctEnv(t, nil)
	alice := e.client(t, "alice")
	must(t, alice.get("/tracker/user?@template=register"), 403, "You are logged in as alice")
	must(t, alice.post("/tracker/user", regForm("x")), 403, "You are logged in as alice")
	must(t, e.client(t, "").get("/tracker/user?@action=register"), http.StatusMethodNotAllowed)
	// A registration template on an item renders harmlessly.
	must(t, alice.get("/tracker/user1?@template=register"), 200)
}
