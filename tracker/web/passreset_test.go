package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func canLogin(t *testing.T, e *acctEnv, user, pw string) bool {
	t.Helper()
	r := e.client(t, "").post("/tracker/", url.Values{"@action": {"login"}, "__login_name": {user}, "__login_password": {pw}})
	return r.status == http.StatusSeeOther
}

func TestPasswordResetChoosesNewPassword(t *testing.T) {
	e := newAcctEnv(t, nil)
	anon := e.client(t, "")
	must(t, anon.get("/tracker/user?@template=forgotten"), 200, "Password reset request", `name="username"`, `name="address"`)
	r := anon.post("/tracker/user", url.Values{"@action": {"passrst"}, "username": {"alice"}})
	must(t, r, http.StatusSeeOther)
	if !strings.HasPrefix(r.header.Get("Location"), "/tracker/user?@template=forgotten&@ok_message=") {
		t.Errorf("redirect to %q", r.header.Get("Location"))
	}
	mails := e.mails(t, "alice@example.com")
	if len(mails) != 1 || mails[0].Subject() != "Confirm reset of password for Test tracker" {
		t.Fatalf("reset mails %v", mails)
	}
	if !strings.Contains(mails[0].Data, "Content-Transfer-Encoding: 7bit") || !strings.Contains(mails[0].Data, `username, "alice"`) {
		t.Errorf("reset mail:\n%s", mails[0].Data)
	}
	link := linkIn(t, mails[0])

	// Following the link shows a form and changes nothing, however often.
	browser := e.client(t, "")
	for range 2 {
		must(t, browser.get(link), 200, "Choose a new password", "alice", `name="otk"`)
	}
	if !canLogin(t, e, "alice", "secret") {
		t.Fatal("the GET of the reset link changed the password")
	}
	key := strings.TrimPrefix(link, "/tracker/?@action=passrst&otk=")
	form := url.Values{"@action": {"passrst"}, "otk": {key}, "password": {"n3w"}, "@confirm@password": {"typo"}}
	must(t, browser.post("/tracker/", form), 400, "do not match", `value="`+key+`"`)
	form.Set("@confirm@password", "n3w")
	r = browser.post("/tracker/", form)
	must(t, r, http.StatusSeeOther)
	if !strings.HasPrefix(r.header.Get("Location"), "/tracker/user"+e.tt.Users["alice"]+"?@ok_message=") {
		t.Errorf("redirect to %q", r.header.Get("Location"))
	}
	must(t, browser.get("/tracker/"), 200, "Hello, <b>alice</b>")
	if canLogin(t, e, "alice", "secret") || !canLogin(t, e, "alice", "n3w") {
		t.Error("the password was not replaced")
	}
	// The key is used up.
	must(t, e.client(t, "").post("/tracker/", form), http.StatusNotFound, "Invalid or expired password reset link")
	must(t, e.client(t, "").get(link), http.StatusNotFound, "Invalid or expired password reset link")
	// The journal says alice changed it, without the hash.
	e.tt.Update(t, "admin", func(tx *tracker.Tx) error {
		j, err := tx.Journal("user", e.tt.Users["alice"])
		last := j[len(j)-1]
		if last.User != e.tt.Users["alice"] || last.Action != tracker.ActSet {
			t.Errorf("last journal entry %+v", last)
		}
		return err
	})
}

func TestPasswordResetByAddressAndUnknown(t *testing.T) {
	e := newAcctEnv(t, nil)
	anon := e.client(t, "")
	known := anon.post("/tracker/user", url.Values{"@action": {"passrst"}, "address": {"BOB@example.com"}})
	must(t, known, http.StatusSeeOther)
	if m := e.mails(t, "bob@example.com"); len(m) != 1 {
		t.Errorf("%d mails to the address as registered", len(m))
	}
	// Unknown accounts and accounts without an address get the same answer and no mail.
	for _, f := range []url.Values{{"username": {"nobody"}}, {"address": {"nobody@example.com"}}, {"username": {"dave"}}, {"username": {"anonymous"}}} {
		f.Set("@action", "passrst")
		r := anon.post("/tracker/user", f)
		must(t, r, http.StatusSeeOther)
		if r.header.Get("Location") != known.header.Get("Location") {
			t.Errorf("%v: answer differs from a known account's: %q", f, r.header.Get("Location"))
		}
	}
	if m := e.mails(t, ""); len(m) != 0 {
		t.Errorf("mails for unknown accounts: %v", m)
	}
	must(t, anon.post("/tracker/user", url.Values{"@action": {"passrst"}}), 400, "You need to specify a username or address")
	must(t, anon.get("/tracker/?@action=passrst&otk=bogus"), http.StatusNotFound, "Invalid or expired password reset link")
	// A registration key is not a reset key.
	var regKey string
	e.tt.Update(t, "admin", func(tx *tracker.Tx) error {
		var err error
		regKey, err = tx.StartRegistration(map[string]string{"username": "x", "address": "x@example.com"}, registrationTTL)
		return err
	})
	must(t, anon.get("/tracker/?@action=passrst&otk="+regKey), http.StatusNotFound)
}

func TestPasswordResetRateLimit(t *testing.T) {
	e := newAcctEnv(t, func(c *Config) { c.LoginAttemptsPerMin = 2 })
	anon := e.client(t, "")
	for i := range 3 {
		r := anon.post("/tracker/user", url.Values{"@action": {"passrst"}, "username": {"alice"}})
		if i < 2 {
			must(t, r, http.StatusSeeOther)
			continue
		}
		must(t, r, http.StatusTooManyRequests, "Too many attempts")
		if r.header.Get("Retry-After") != "60" {
			t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
		}
	}
	if n := len(e.mails(t, "alice@example.com")); n != 2 {
		t.Errorf("%d reset mails, want 2", n)
	}
}

func TestChangePasswordOnUserPage(t *testing.T) {
	e := newAcctEnv(t, nil)
	alice, carol := e.client(t, "alice"), e.client(t, "carol")
	aliceID, bobID := e.tt.Users["alice"], e.tt.Users["bob"]
	must(t, alice.get("/tracker/user"+aliceID), 200, "Change password", `name="@confirm@password"`)
	if r := alice.get("/tracker/user" + bobID); strings.Contains(r.body, "Change password") {
		t.Error("alice is offered to change bob's password")
	}
	pw := func(c *client, uid, p, confirm string) response {
		return c.post("/tracker/user"+uid, url.Values{"@action": {"passrst"}, "password": {p}, "@confirm@password": {confirm}})
	}
	must(t, pw(alice, aliceID, "a1", "a2"), 400, "Password and confirmation text do not match")
	must(t, pw(alice, bobID, "a1", "a1"), 403)
	if !canLogin(t, e, "bob", "secret") {
		t.Fatal("alice changed bob's password")
	}
	must(t, pw(alice, aliceID, "a1", "a1"), http.StatusSeeOther)
	if !canLogin(t, e, "alice", "a1") {
		t.Error("own password change did not take")
	}
	must(t, pw(carol, aliceID, "c1", "c1"), http.StatusSeeOther)
	if !canLogin(t, e, "alice", "c1") {
		t.Error("a Coordinator could not set a password")
	}
	must(t, pw(e.client(t, ""), aliceID, "z", "z"), 403)
}

// TestLoginRateLimit: [web] login_attempts_min limits each user name (as
// Roundup does); a client address gets ten times that, so the users
// behind one NAT or proxy can still log in while one name is locked.
func TestLoginRateLimit(t *testing.T) {
	e := newAcctEnv(t, func(c *Config) { c.LoginAttemptsPerMin = 2 })
	anon := e.client(t, "")
	try := func(user, pw string) response {
		return anon.post("/tracker/", url.Values{"@action": {"login"}, "__login_name": {user}, "__login_password": {pw}})
	}
	for range 2 {
		if r := try("alice", "wrong"); r.status == http.StatusTooManyRequests {
			t.Fatal("locked out before login_attempts_min wrong passwords")
		}
	}
	r := try("alice", "secret")
	must(t, r, http.StatusTooManyRequests, "Too many attempts")
	// Other users from the same address are not locked out with alice.
	for _, u := range []string{"bob", "carol"} {
		if r := try(u, "secret"); r.status != http.StatusSeeOther {
			t.Errorf("login as %s after alice's lock-out: status %d", u, r.status)
		}
	}
	// But the address runs dry after 10 × 2 attempts in all.
	locked := false
	for i := range 20 {
		if try("user"+strconv.Itoa(i), "x").status == http.StatusTooManyRequests {
			locked = true
			break
		}
	}
	if !locked {
		t.Error("one client address tried 24 logins in a minute without a lock-out")
	}
}

// TestLoginCameFrom: after logging in, __came_from is followed only to a
// page of this tracker — not to another host by a "//host" or "/\host"
// path, nor with control characters in it (Site.localURL).
func TestLoginCameFrom(t *testing.T) {
	e := newAcctEnv(t, nil)
	for cf, want := range map[string]string{
		"/tracker/issue1":          "/tracker/issue1",
		"//evil.example/tracker/":  "/tracker/",
		"/\\evil.example/tracker/": "/tracker/",
		"/tracker/\r\nX: y":        "/tracker/",
		"https://evil.example/":    "/tracker/",
	} {
		r := e.client(t, "").post("/tracker/", url.Values{"@action": {"login"}, "__login_name": {"alice"},
			"__login_password": {"secret"}, "__came_from": {cf}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != want {
			t.Errorf("login with __came_from %q: %d to %q, want %q", cf, r.status, r.header.Get("Location"), want)
		}
	}
}
