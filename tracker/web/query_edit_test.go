package web

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

// makeQuery creates a query as user, listed in their queries.
func makeQuery(t *testing.T, e *env, user, name string, private bool) string {
	t.Helper()
	var id string
	e.tt.Update(t, user, func(tx *tracker.Tx) error {
		v := tracker.Values{"klass": "issue", "name": name, "url": "@columns=id,title&@filter=title&title=" + name}
		if private {
			v["private_for"] = tx.UserID()
		}
		var err error
		if id, err = tx.Create("query", v); err != nil {
			return err
		}
		u, err := tx.Get("user", tx.UserID())
		if err != nil {
			return err
		}
		return tx.Set("user", tx.UserID(), tracker.Values{"queries": append(u.IDs("queries"), id)})
	})
	return id
}

func TestQueryEditPage(t *testing.T) {
	e := newEnv(t)
	mine := makeQuery(t, e, "alice", "alice-private", true)
	minePublic := makeQuery(t, e, "alice", "alice-public", false)
	carolPublic := makeQuery(t, e, "carol", "carol-public", false)
	carolPrivate := makeQuery(t, e, "carol", "carol-secret", true)
	alice := e.client(t, "alice")
	must(t, e.client(t, "").get("/tracker/query?@template=edit"), 403)
	r := alice.get("/tracker/query?@template=edit")
	must(t, r, 200, "Queries I created", "alice-private", "alice-public", "carol-public", "[not yours to edit]",
		`name="@name@`+mine+`"`, `name="@retire" value="`+mine+`"`, `name="@include" value="`+carolPublic+`"`)
	if strings.Contains(r.body, "carol-secret") {
		t.Error("alice sees carol's private query")
	}
	if strings.Contains(r.body, `name="@name@`+carolPublic+`"`) {
		t.Error("alice may rename carol's query")
	}
	// Include carol's public query, leave out her own public one, rename
	// and publish her private one, delete nothing.
	form := url.Values{"@action": {"queries"}, "@listed": {mine, minePublic, carolPublic},
		"@include": {mine, carolPublic}, "@name@" + mine: {"renamed"}, "@private@" + mine: {"no"},
		"@name@" + minePublic: {"alice-public"}, "@private@" + minePublic: {"no"}}
	must(t, alice.post("/tracker/query?@template=edit", form), 303)
	u := e.tt.Get(t, "user", e.tt.Users["alice"])
	if got := u.IDs("queries"); !slices.Equal(got, []string{mine, carolPublic}) {
		t.Errorf("alice.queries = %v, want [%s %s]", got, mine, carolPublic)
	}
	if q := e.tt.Get(t, "query", mine); q.Str("name") != "renamed" || q.Str("private_for") != "" {
		t.Errorf("query %s: %v", mine, q.Values)
	}
	home := alice.get("/tracker/")
	must(t, home, 200, ">renamed</a>", ">carol-public</a>")
	// Renaming someone else's query is refused, and nothing changes.
	r = alice.post("/tracker/query?@template=edit", url.Values{"@action": {"queries"}, "@listed": {mine},
		"@name@" + mine: {"again"}, "@name@" + carolPublic: {"stolen"}})
	must(t, r, 403, `value="again"`)
	if q := e.tt.Get(t, "query", carolPublic); q.Str("name") != "carol-public" {
		t.Errorf("carol's query renamed to %q", q.Str("name"))
	}
	if q := e.tt.Get(t, "query", mine); q.Str("name") != "renamed" {
		t.Errorf("refused save still renamed alice's query to %q", q.Str("name"))
	}
	if got := e.tt.Get(t, "user", e.tt.Users["alice"]).IDs("queries"); !slices.Equal(got, []string{mine, carolPublic}) {
		t.Errorf("refused save changed alice.queries to %v", got)
	}
	// Carol's private query cannot be put on alice's list.
	must(t, alice.post("/tracker/query?@template=edit", url.Values{"@action": {"queries"}, "@listed": {carolPrivate},
		"@include": {carolPrivate}}), 403)
	// A duplicate name is refused.
	must(t, alice.post("/tracker/query?@template=edit", url.Values{"@action": {"queries"}, "@name@" + minePublic: {"renamed"}}),
		400, "You already own a query named")
	// Delete.
	must(t, alice.post("/tracker/query?@template=edit", url.Values{"@action": {"queries"}, "@retire": {minePublic}}), 303)
	if !e.tt.Get(t, "query", minePublic).Retired {
		t.Error("query not retired")
	}
	must(t, alice.get("/tracker/query?@template=edit"), 200, "[query is retired]")
	// Another user cannot retire it... carol cannot retire alice's query.
	carol := e.client(t, "carol")
	must(t, carol.post("/tracker/query?@template=edit", url.Values{"@action": {"queries"}, "@retire": {mine}}), 403)
	// The old Roundup form (query.edit.html posts @action=edit to the
	// class with user5@add@queries) works too.
	must(t, carol.post("/tracker/query", url.Values{"@action": {"edit"},
		"user" + e.tt.Users["carol"] + "@add@queries": {mine}}), 303)
	if got := e.tt.Get(t, "user", e.tt.Users["carol"]).IDs("queries"); !slices.Contains(got, mine) {
		t.Errorf("carol.queries = %v after Roundup's include form", got)
	}
}
