package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

// lookup finds an item id by key as admin.
func lookup(t *testing.T, e *env, class, key string) string {
	t.Helper()
	var id string
	if err := e.tt.Svc.Read(e.tt.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		id, err = tx.Lookup(class, key)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

// listed returns the item ids an index page links in its rows, in order.
func listed(body, class string) []string {
	var out []string
	re := regexp.MustCompile(`<td><a href="/tracker/` + class + `(\d+)">`)
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// follow GETs the Location of a redirect.
func (c *client) follow(r response) response {
	c.t.Helper()
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("status %d, want 303; body:\n%s", r.status, r.body)
	}
	return c.get(r.header.Get("Location"))
}

func TestSearchPage(t *testing.T) {
	e := newEnv(t)
	anon, alice := e.client(t, ""), e.client(t, "alice")
	r := anon.get("/tracker/issue?@template=search&status=1")
	must(t, r, 200, "Issue searching", `name="@search_text"`, `name="ignore" id="s-ignore" value="file:content" checked`,
		`<option value="1" selected>open</option>`, ">not closed</option>", "(expr)",
		`name="@expr@keywords" value="has:`+lookup(t, e, "keyword", "patch")+`"`, `name="@openonly"`,
		`name="@columns" value="title" checked`, `name="@sort" value="activity" checked`, `name="@sortdir" id="s-sortdir" checked`)
	if strings.Contains(r.body, `name="@queryname"`) {
		t.Error("anonymous is offered to save queries")
	}
	// Anonymous may not search by user (no View on user ids/usernames).
	if strings.Contains(r.body, `name="assignee"`) {
		t.Error("anonymous is offered the assignee filter")
	}
	r = alice.get("/tracker/issue?@template=search")
	must(t, r, 200, "Nosy list member:", `name="@queryname"`, `name="assignee" id="s-assignee"`, `value="@current_user"`)
	// The generic page for another class.
	must(t, alice.get("/tracker/keyword?@template=search"), 200, "Search keywords", `name="name" id="s-name"`)
	must(t, e.client(t, "").get("/tracker/user?@template=search"), 200)
}

func TestSearchActionRedirectsToIndex(t *testing.T) {
	e := newEnv(t)
	a := e.tt.Issue(t, "alice", "Crash in the parser", "x", nil)
	e.tt.Issue(t, "alice", "Parser is slow", "y", nil)
	e.tt.Issue(t, "carol", "Crash elsewhere", "z", tracker.Values{"status": lookup(t, e, "status", "closed")})
	bob := e.client(t, "bob")
	r := bob.post("/tracker/issue", url.Values{"@action": {"search"}, "title": {"crash, parser"},
		"status": {""}, "type": {""}, "@columns": {"id", "title", "status"}, "@sort": {"activity"},
		"@sortdir": {"on"}, "@group": {""}, "@pagesize": {"25"}, "@startwith": {"0"}})
	must(t, r, 303)
	loc, _ := url.Parse(r.header.Get("Location"))
	qs := loc.Query()
	if loc.Path != "/tracker/issue" || qs.Get("@filter") != "title" || !slices.Equal(qs["title"], []string{"crash", "parser"}) ||
		qs.Get("@columns") != "id,title,status" || qs.Get("@sort") != "-activity" || qs.Get("@pagesize") != "25" || qs.Has("@startwith") {
		t.Fatalf("redirect to %s", loc)
	}
	if got := listed(bob.get(loc.String()).body, "issue"); !slices.Equal(got, []string{a}) {
		t.Errorf("index lists %v, want [%s]", got, a)
	}
	// "open only" turns into the status filter.
	r = bob.post("/tracker/issue", url.Values{"@action": {"search"}, "title": {"crash"}, "@openonly": {"1"}})
	loc, _ = url.Parse(r.header.Get("Location"))
	if st := loc.Query().Get("status"); !strings.HasPrefix(st, "-1,1") || strings.Contains(st, ","+lookup(t, e, "status", "closed")+",") {
		t.Errorf("open only: status=%q", st)
	}
	if got := listed(bob.follow(r).body, "issue"); !slices.Equal(got, []string{a}) {
		t.Errorf("open only lists %v, want [%s]", got, a)
	}
	// A bad value re-renders the form with the error.
	r = bob.post("/tracker/issue", url.Values{"@action": {"search"}, "creation": {"yesterdayish"}, "title": {"keep me"}})
	must(t, r, 400, "creation", `value="keep me"`)
	// GET works too (Roundup's search links) and saves nothing.
	must(t, bob.get("/tracker/issue?@action=search&title=slow"), 303)
}

func TestSearchExpressionAndDates(t *testing.T) {
	e := newEnv(t)
	patch, easy := lookup(t, e, "keyword", "patch"), lookup(t, e, "keyword", "easy")
	both := e.tt.Issue(t, "bob", "both", "x", tracker.Values{"keywords": []string{patch, easy}})
	onlyPatch := e.tt.Issue(t, "bob", "only patch", "x", tracker.Values{"keywords": []string{patch}})
	e.tt.Issue(t, "bob", "none", "x", nil)
	bob := e.client(t, "bob")
	r := bob.post("/tracker/issue", url.Values{"@action": {"search"}, "keywords": {easy},
		"@expr@keywords": {"", "has:" + patch, "not:" + easy}, "@exprop@keywords": {"and"}, "@columns": {"id", "title", "keywords"}})
	must(t, r, 303)
	loc, _ := url.Parse(r.header.Get("Location"))
	if kw := loc.Query().Get("keywords"); kw != patch+","+easy+",-2,-3" {
		t.Errorf("expression %q", kw)
	}
	if got := listed(bob.get(loc.String()).body, "issue"); !slices.Equal(got, []string{onlyPatch}) {
		t.Errorf("patch and not easy: %v, want [%s]", got, onlyPatch)
	}
	// The search page describes an expression it cannot show as a choice.
	must(t, bob.get("/tracker/issue?@template=search&keywords="+url.QueryEscape(patch+","+easy+",-2,-3")), 200,
		"<option value=\""+patch+","+easy+",-2,-3\" selected>patch and not easy</option>")
	// Date pickers become a range.
	r = bob.post("/tracker/issue", url.Values{"@action": {"search"}, "@datefrom@creation": {"2000-01-01"}, "@dateto@creation": {""}})
	loc, _ = url.Parse(r.header.Get("Location"))
	if c := loc.Query().Get("creation"); c != "2000-01-01;" {
		t.Errorf("creation=%q", c)
	}
	if got := listed(bob.get(loc.String()).body, "issue"); len(got) != 3 || !slices.Contains(got, both) {
		t.Errorf("created since 2000: %v", got)
	}
}

func TestUnsearchableFiltersDropped(t *testing.T) {
	e := newEnv(t)
	e.tt.Issue(t, "alice", "by alice", "x", nil)
	bob := e.tt.Issue(t, "bob", "by bob", "x", nil)
	anon, alice := e.client(t, ""), e.client(t, "alice")
	// Anonymous may not search by user: the filter is left out, and said so.
	r := anon.get("/tracker/issue?@columns=id,title&@filter=creator&creator=bob")
	must(t, r, 200, "You may not search by creator")
	if got := listed(r.body, "issue"); len(got) != 2 {
		t.Errorf("anonymous creator filter: %v", got)
	}
	// Users may search by creator, but not by other users' addresses.
	if got := listed(alice.get("/tracker/issue?@columns=id,title&@filter=creator&creator=bob").body, "issue"); !slices.Equal(got, []string{bob}) {
		t.Errorf("creator=bob: %v", got)
	}
	must(t, alice.get("/tracker/issue?@columns=id,title&@filter=creator.address&creator.address=bob@example.com"), 200, "You may not search by creator.address")
	dev := e.client(t, "bob")
	r = dev.get("/tracker/issue?@columns=id,title&@filter=creator.address&creator.address=bob@example.com")
	if strings.Contains(r.body, "You may not search") || !slices.Equal(listed(r.body, "issue"), []string{bob}) {
		t.Errorf("developer transitive search: %v", listed(r.body, "issue"))
	}
}

func TestSaveQuery(t *testing.T) {
	e := newEnv(t)
	a := e.tt.Issue(t, "alice", "Crash in the parser", "x", nil)
	e.tt.Issue(t, "bob", "unrelated", "y", nil)
	alice, anon := e.client(t, "alice"), e.client(t, "")
	form := url.Values{"@action": {"search"}, "title": {"crash"}, "@columns": {"id", "title", "creator"},
		"@sort": {"id"}, "@queryname": {"My crashes"}, "@old-queryname": {""}}
	// Anonymous cannot save queries.
	r := anon.post("/tracker/issue", form)
	must(t, r, 403, "permission to store queries")
	if n := countItems(t, e, "query"); n != 0 {
		t.Fatalf("anonymous saved %d queries", n)
	}
	// A GET only asks.
	must(t, alice.get("/tracker/issue?"+form.Encode()), 200, "Press Search to save")
	if n := countItems(t, e, "query"); n != 0 {
		t.Fatalf("a GET saved %d queries", n)
	}
	r = alice.post("/tracker/issue", form)
	must(t, r, 303)
	loc := r.header.Get("Location")
	if !strings.Contains(loc, "%40dispname=My+crashes") {
		t.Errorf("redirect %q lacks @dispname", loc)
	}
	direct := alice.get(loc)
	must(t, direct, 200, "My crashes")
	u := e.tt.Get(t, "user", e.tt.Users["alice"])
	if len(u.IDs("queries")) != 1 {
		t.Fatalf("alice.queries = %v", u.IDs("queries"))
	}
	qi := e.tt.Get(t, "query", u.IDs("queries")[0])
	if qi.Str("name") != "My crashes" || qi.Str("klass") != "issue" || qi.Str("private_for") != e.tt.Users["alice"] ||
		strings.Contains(qi.Str("url"), "dispname") || strings.Contains(qi.Str("url"), "queryname") {
		t.Errorf("query %v", qi.Values)
	}
	// The sidebar link reproduces the same index.
	home := alice.get("/tracker/")
	m := regexp.MustCompile(`<li><a href="([^"]+)">My crashes</a></li>`).FindStringSubmatch(home.body)
	if m == nil {
		t.Fatalf("sidebar lacks the query:\n%s", home.body)
	}
	href := html.UnescapeString(m[1])
	viaSidebar := alice.get(href)
	if got, want := listed(viaSidebar.body, "issue"), listed(direct.body, "issue"); !slices.Equal(got, want) || !slices.Equal(got, []string{a}) {
		t.Errorf("sidebar query lists %v, the search %v, want [%s]", got, want, a)
	}
	// Refining it from the search page offers the same name; saving again
	// with a new name renames it (@old-queryname).
	must(t, alice.get("/tracker/issue?@template=search&"+strings.SplitN(href, "?", 2)[1]), 200, `name="@queryname" id="s-queryname" value="My crashes"`)
	form.Set("@queryname", "Parser crashes")
	form.Set("@old-queryname", "My crashes")
	must(t, alice.post("/tracker/issue", form), 303)
	if n := countItems(t, e, "query"); n != 1 {
		t.Errorf("rename made %d queries", n)
	}
	if qi := e.tt.Get(t, "query", qi.ID); qi.Str("name") != "Parser crashes" {
		t.Errorf("renamed query is %q", qi.Str("name"))
	}
	// A second query of the same name is refused.
	form.Set("@old-queryname", "")
	r = alice.post("/tracker/issue", form)
	must(t, r, 400, "You already own a query named", `value="Parser crashes - duplicate"`)
}

func countItems(t *testing.T, e *env, class string) int {
	t.Helper()
	var n int
	if err := e.tt.Svc.Read(e.tt.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		ids, _, err := tx.Filter(class, &tracker.Filter{Retired: tracker.AnyRetired})
		n = len(ids)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSidebarSummariesStillWork(t *testing.T) {
	e := newEnv(t)
	patch := lookup(t, e, "keyword", "patch")
	mine := e.tt.Issue(t, "bob", "mine", "x", tracker.Values{"keywords": []string{patch}, "assignee": e.tt.Users["bob"]})
	other := e.tt.Issue(t, "alice", "other", "x", tracker.Values{"nosy": []string{e.tt.Users["bob"]}})
	bob := e.client(t, "bob")
	home := bob.get("/tracker/")
	want := map[string][]string{"Created by you": {mine}, "Assigned to you": {mine}, "Issues with patch": {mine}}
	for name, ids := range want {
		m := regexp.MustCompile(`<a href="([^"]+)">` + name + `</a>`).FindStringSubmatch(home.body)
		if m == nil {
			t.Errorf("sidebar lacks %q", name)
			continue
		}
		r := bob.get(html.UnescapeString(m[1]))
		if strings.Contains(r.body, "You may not search") || !slices.Equal(listed(r.body, "issue"), ids) {
			t.Errorf("%s lists %v, want %v", name, listed(r.body, "issue"), ids)
		}
	}
	m := regexp.MustCompile(`<a href="([^"]+)">Followed by you</a>`).FindStringSubmatch(home.body)
	if got := listed(bob.get(html.UnescapeString(m[1])).body, "issue"); !slices.Contains(got, other) {
		t.Errorf("Followed by you lists %v, want %s among them", got, other)
	}
	// The search link with its status preset, and the search box.
	must(t, bob.get("/tracker/issue?@template=search&status=1"), 200, `<option value="1" selected>open</option>`)
	r := bob.get("/tracker/issue?@columns=id,activity,title,creator,assignee,status,type&@sort=-activity&@filter=status&@action=searchid&@search_text=other&status=-1,1,3")
	if got := listed(r.body, "issue"); !slices.Equal(got, []string{other}) {
		t.Errorf("search box: %v", got)
	}
}
