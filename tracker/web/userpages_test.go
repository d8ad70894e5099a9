package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestUserPagePermissions(t *testing.T) {
	e := newAcctEnv(t, nil)
	aliceID, bobID := e.tt.Users["alice"], e.tt.Users["bob"]
	alice, bob, carol := e.client(t, "alice"), e.client(t, "bob"), e.client(t, "carol")

	// Own page: details editable, roles and CLA fields not.
	r := alice.get("/tracker/user" + aliceID)
	must(t, r, 200, "Login Name", `name="realname"`, `name="address"`, "Contributor Form Received", "Is Committer", "History")
	for _, no := range []string{`name="roles"`, `name="contrib_form"`, `name="contrib_form_date"`, `name="iscommitter"`} {
		if strings.Contains(r.body, no) {
			t.Errorf("alice's own page has %s", no)
		}
	}
	edit := func(c *client, uid string, kv ...string) response {
		f := url.Values{"@action": {"edit"}}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return c.post("/tracker/user"+uid, f)
	}
	must(t, edit(alice, aliceID, "realname", "Alice Liddell"), http.StatusSeeOther)
	if got := e.tt.Get(t, "user", aliceID).Str("realname"); got != "Alice Liddell" {
		t.Errorf("realname %q", got)
	}
	must(t, edit(alice, aliceID, "roles", "User,Coordinator"), 403, "You do not have permission to edit user"+aliceID+" property roles")
	must(t, edit(alice, aliceID, "contrib_form", "yes"), 403)
	must(t, edit(alice, aliceID, "iscommitter", "yes"), 403)
	must(t, edit(alice, bobID, "realname", "Bobby"), 403)
	if u := e.tt.Get(t, "user", aliceID); u.Str("roles") != "User" || u.Get("contrib_form") != nil {
		t.Errorf("alice changed roles %q / contrib_form %v", u.Str("roles"), u.Get("contrib_form"))
	}

	// Someone else's page: no form, no address, no history (bpo).
	r = alice.get("/tracker/user" + bobID)
	must(t, r, 200, "bob")
	for _, no := range []string{"bob@example.com", `name="realname"`, "Submit changes", "<h2>History</h2>"} {
		if strings.Contains(r.body, no) {
			t.Errorf("alice sees %q on bob's page", no)
		}
	}
	// A Developer sees addresses (as a mailto link), not a form.
	must(t, bob.get("/tracker/user"+aliceID), 200, `<a href="mailto:alice@example.com">alice@example.com</a>`)

	// A Coordinator edits roles and the CLA fields.
	r = carol.get("/tracker/user" + aliceID)
	must(t, r, 200, `name="roles"`, `name="contrib_form"`, `name="contrib_form_date"`, `name="iscommitter"`, "<h2>History</h2>")
	must(t, edit(carol, aliceID, "contrib_form", "yes", "contrib_form_date", "2026-01-02", "roles", "User,Developer"), http.StatusSeeOther)
	u := e.tt.Get(t, "user", aliceID)
	if u.Get("contrib_form") != true || u.Get("contrib_form_date") == nil || u.Str("roles") != "User,Developer" {
		t.Errorf("after the Coordinator's edit: contrib_form %v date %v roles %q", u.Get("contrib_form"), u.Get("contrib_form_date"), u.Str("roles"))
	}
	// The auditor still speaks: only Admins grant Admin.
	must(t, edit(carol, aliceID, "roles", "Admin"), 400, "Only Admins may assign the Admin role!")
	// Anonymous sees what the schema lets it (realname, github), nothing else.
	r = e.client(t, "").get("/tracker/user" + aliceID)
	must(t, r, 200, "Alice Liddell")
	if strings.Contains(r.body, "alice@example.com") || strings.Contains(r.body, "<form method=\"post\" action=\"/tracker/user") {
		t.Error("anonymous sees the address or a form")
	}
}

func TestUserIndexAddresses(t *testing.T) {
	e := newAcctEnv(t, nil)
	alice, bob := e.client(t, "alice"), e.client(t, "bob")
	r := alice.get("/tracker/user")
	must(t, r, 200, "User listing", ">alice</a>", ">bob</a>", "Real name", "GitHub")
	if strings.Contains(r.body, "E-mail address") || strings.Contains(r.body, "bob@example.com") {
		t.Error("a User sees addresses in the user list")
	}
	must(t, bob.get("/tracker/user"), 200, "E-mail address", "alice@example.com")
	// Search by username.
	r = bob.get("/tracker/user?@filter=username,realname,github&username=car&realname=&github=")
	must(t, r, 200, ">carol</a>")
	if strings.Contains(r.body, ">alice</a>") {
		t.Error("search did not filter")
	}
	// Sorting and paging keep bpo's columns.
	r = bob.get("/tracker/user?@sort=-username&@pagesize=2")
	must(t, r, 200, "next")
	if !strings.Contains(r.body, "E-mail address") || strings.Index(r.body, ">dave</a>") > strings.Index(r.body, ">carol</a>") {
		t.Error("sorted page lost its columns or order")
	}
	// The CLA star.
	e.tt.Update(t, "admin", func(tx *tracker.Tx) error {
		return tx.Set("user", e.tt.Users["carol"], tracker.Values{"contrib_form": true})
	})
	must(t, alice.get("/tracker/user"), 200, `title="Contributor form received"`)
	// The listing template on an item is harmless.
	must(t, alice.get("/tracker/user"+e.tt.Users["alice"]+"?@template=index"), 200)
}
