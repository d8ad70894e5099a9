package web

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestBatchShowSelected(t *testing.T) {
	e := newEnv(t)
	a := e.tt.Issue(t, "alice", "first", "x", nil)
	e.tt.Issue(t, "alice", "second", "x", nil)
	c := e.tt.Issue(t, "alice", "third", "x", nil)
	bob := e.client(t, "bob")
	must(t, bob.get("/tracker/issue"), 200, `name="@selected" value="`+a+`"`, `name="@columns" value="id,activity,title,creator,assignee,status,type"`, "Refine this search")
	r := bob.post("/tracker/issue", url.Values{"@action": {"batch"}, "@batch": {"show"}, "@selected": {a, c},
		"@columns": {"id,title"}, "@sort": {"id"}})
	must(t, r, 303)
	loc, _ := url.Parse(r.header.Get("Location"))
	if q := loc.Query(); q.Get("@filter") != "id" || q.Get("id") != a+","+c || q.Get("@columns") != "id,title" {
		t.Errorf("display selected redirects to %s", loc)
	}
	if got := listed(bob.get(loc.String()).body, "issue"); !slices.Equal(got, []string{a, c}) {
		t.Errorf("selected index lists %v", got)
	}
	// Anonymous may display selected issues too (it is a view), not edit.
	anon := e.client(t, "")
	must(t, anon.post("/tracker/issue", url.Values{"@action": {"batch"}, "@batch": {"show"}, "@selected": {a}}), 303)
	must(t, anon.post("/tracker/issue", url.Values{"@action": {"batch"}, "@batch": {"edit"}, "@selected": {a}}), 403)
	must(t, bob.post("/tracker/issue", url.Values{"@action": {"batch"}, "@batch": {"show"}}), 400, "Select at least one")
	must(t, bob.get("/tracker/issue?@action=batch&@batch=show&@selected="+a), 405)
}

func TestBatchEdit(t *testing.T) {
	e := newEnv(t)
	a := e.tt.Issue(t, "alice", "first", "x", nil)
	b := e.tt.Issue(t, "bob", "second", "x", nil)
	bob, dave := e.client(t, "bob"), e.client(t, "dave")
	r := bob.post("/tracker/issue", url.Values{"@action": {"batch"}, "@batch": {"edit"}, "@selected": {a, b}})
	must(t, r, 200, "Edit 2 issues", `name="issue`+a+`@status"`, `name="issue`+b+`@priority"`,
		`name="issue`+a+`@@lastactivity"`, `name="@note"`, `name="@selected" value="`+b+`"`)
	// Both change in one transaction, with one comment on each.
	critical := lookup(t, e, "priority", "critical")
	r = bob.post("/tracker/issue", url.Values{"@action": {"edit"}, "@selected": {a, b},
		"issue" + a + "@priority": {"critical"}, "issue" + b + "@priority": {"critical"},
		"issue" + a + "@keywords": {"patch", "easy", ""}, "issue" + b + "@keywords": {""},
		"@note": {"Triaged in bulk."}})
	must(t, r, 303)
	if loc := r.header.Get("Location"); !strings.Contains(loc, "edited+ok") || !strings.Contains(loc, "id="+a+"%2C"+b) {
		t.Errorf("redirect %q", loc)
	}
	ia, ib := e.tt.Get(t, "issue", a), e.tt.Get(t, "issue", b)
	if ia.Str("priority") != critical || ib.Str("priority") != critical {
		t.Errorf("priorities %q %q, want %q", ia.Str("priority"), ib.Str("priority"), critical)
	}
	if kw := ia.IDs("keywords"); len(kw) != 2 {
		t.Errorf("multi-select keywords: %v", kw)
	}
	if len(ia.IDs("messages")) != 2 || len(ib.IDs("messages")) != 2 || ia.IDs("messages")[1] != ib.IDs("messages")[1] {
		t.Errorf("comment: messages %v and %v", ia.IDs("messages"), ib.IDs("messages"))
	}
	// A change refused on one issue changes neither: dave (a User) may
	// close his own issues only, and this one is bob's.
	d := e.tt.Issue(t, "dave", "dave's", "x", nil)
	r = dave.post("/tracker/issue", url.Values{"@action": {"edit"}, "@selected": {d, b},
		"issue" + d + "@status": {"closed"}, "issue" + b + "@status": {"closed"}, "@note": {"closing both"}})
	must(t, r, 403, "Edit 2 issues", ">closing both</textarea>")
	if st := e.tt.Get(t, "issue", d).Str("status"); st == lookup(t, e, "status", "closed") {
		t.Error("dave's issue closed although the other change was refused")
	}
	if n := len(e.tt.Get(t, "issue", d).IDs("messages")); n != 1 {
		t.Errorf("refused batch left %d messages on dave's issue", n)
	}
	// Collision: an item changed since the form was shown.
	stale := "2000-01-01.00:00:00"
	r = bob.post("/tracker/issue", url.Values{"@action": {"edit"}, "@selected": {a, b},
		"issue" + a + "@@lastactivity": {stale}, "issue" + a + "@priority": {"normal"}})
	must(t, r, 409, "someone else has edited")
	if e.tt.Get(t, "issue", a).Str("priority") != critical {
		t.Error("a colliding batch edit was saved")
	}
	// A class-level edit with context properties is refused.
	must(t, bob.post("/tracker/issue", url.Values{"@action": {"edit"}, "title": {"x"}}), 400, "No issue to edit")
}
