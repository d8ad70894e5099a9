package web

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func restIDs(r restResp) []string {
	var out []string
	for _, x := range r.data()["collection"].([]any) {
		out = append(out, x.(map[string]any)["id"].(string))
	}
	return out
}

func restLookup(t *testing.T, e *restEnv, class, key string) string {
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

func TestRESTCollection(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	var ids []string
	high := restLookup(t, e, "priority", "high")
	for i := 1; i <= 7; i++ {
		vals := tracker.Values{}
		if i%2 == 0 {
			vals["priority"] = high
		}
		ids = append(ids, e.tt.Issue(t, "bob", fmt.Sprintf("Issue number %d", i), "text", vals))
	}
	e.tt.Update(t, "carol", func(tx *tracker.Tx) error {
		return tx.Set("issue", ids[6], tracker.Values{"title": "Exact Title", "status": "2"})
	})
	alice := e.api(t, "alice")

	r := alice.get("data/issue")
	restWant(t, r, 200)
	if got := restIDs(r); !slices.Equal(got, ids) {
		t.Errorf("collection ids %v, want %v", got, ids)
	}
	if r.data()["@total_size"] != float64(7) || r.header.Get("X-Count-Total") != "7" {
		t.Errorf("@total_size %v X-Count-Total %q", r.data()["@total_size"], r.header.Get("X-Count-Total"))
	}
	if _, ok := r.data()["@links"]; ok {
		t.Error("@links without paging")
	}
	first := r.data()["collection"].([]any)[0].(map[string]any)
	if first["link"] != "http://localhost/tracker/rest/data/issue/"+ids[0] || len(first) != 2 {
		t.Errorf("entry = %v, want id and link", first)
	}

	// Filters: link by key and id, string words, exact, transitive.
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"priority=high", []string{ids[1], ids[3], ids[5]}},
		{"priority=high&status=open", []string{ids[1], ids[3], ids[5]}},
		{"status=2", []string{ids[6]}},
		{"title=number", ids[:6]},
		{"title=number+3", []string{ids[2]}},
		{"title:=Exact+Title", []string{ids[6]}},
		{"title:=exact+title", nil},
		{"title~=exact", []string{ids[6]}},
		{"status.name=closed", []string{ids[6]}},
		{"actor.username=carol", []string{ids[6]}},
		{"id=" + ids[0] + "," + ids[2], []string{ids[0], ids[2]}},
	} {
		r := alice.get("data/issue?" + c.query)
		if r.status != 200 {
			t.Errorf("%s: %d %s", c.query, r.status, r.body)
			continue
		}
		if got := restIDs(r); !slices.Equal(got, c.want) {
			t.Errorf("%s: ids %v, want %v", c.query, got, c.want)
		}
	}
	restWant(t, alice.get("data/issue?nosuch=1"), 400, "Field nosuch is not valid for issue class.")
	restWant(t, alice.get("data/issue?status.nam=o"), 400, "Unknown property: status.nam")
	restWant(t, alice.get("data/issue?status=nosuch"), 400, "nosuch")

	// Sorting and grouping.
	r = alice.get("data/issue?@sort=-id")
	if got := restIDs(r); got[0] != ids[6] || got[6] != ids[0] {
		t.Errorf("@sort=-id: %v", got)
	}
	r = alice.get("data/issue?@group=-priority&@sort=id&@fields=priority")
	if got := restIDs(r); !slices.Equal(got[:3], []string{ids[1], ids[3], ids[5]}) && !slices.Equal(got[4:], []string{ids[1], ids[3], ids[5]}) {
		t.Errorf("@group=-priority does not group: %v", got)
	}
	restWant(t, alice.get("data/issue?@sort="), 400, "Empty property for class issue.")
	restWant(t, alice.get("data/issue?@sort=nosuch"), 400, "Unknown property")
	// Sorting by a property alice may not see (other users' addresses).
	restWant(t, alice.get("data/user?@sort=address"), 403, `User does not have search permission on \"user.address\"`)
	restWant(t, e.api(t, "bob").get("data/user?@sort=address"), 200)
	restWant(t, alice.get("data/user?address=example"), 403)

	// @fields and @verbose.
	r = alice.get("data/issue?@fields=title,status&priority=high")
	e0 := r.data()["collection"].([]any)[0].(map[string]any)
	if e0["title"] != "Issue number 2" || e0["status"].(map[string]any)["id"] != "1" {
		t.Errorf("@fields entry = %v", e0)
	}
	r = alice.get("data/issue?@verbose=2&@fields=status&id=" + ids[0])
	e0 = r.data()["collection"].([]any)[0].(map[string]any)
	if e0["title"] != "Issue number 1" || e0["status"].(map[string]any)["name"] != "open" {
		t.Errorf("@verbose=2 entry = %v", e0)
	}
	r = alice.get("data/issue?@fields=status:title&@verbose=0&id=" + ids[0])
	e0 = r.data()["collection"].([]any)[0].(map[string]any)
	if e0["status"] != "1" {
		t.Errorf("@verbose=0, colon-separated @fields: %v", e0)
	}
	restWant(t, alice.get("data/issue?@verbose=x"), 400, "When using @verbose")
	// @search_text: full text.
	if got := restIDs(alice.get("data/issue?@search_text=Exact")); !slices.Equal(got, []string{ids[6]}) {
		t.Errorf("@search_text: %v", got)
	}
}

func TestRESTPagination(t *testing.T) {
	e := newRESTEnv(t, APIConfig{MaxRows: 6})
	var ids []string
	for i := 1; i <= 5; i++ {
		ids = append(ids, e.tt.Issue(t, "alice", fmt.Sprintf("Page %d", i), "text", nil))
	}
	alice := e.api(t, "alice")
	base := "http://localhost/tracker/rest/data/issue"
	links := func(r restResp) map[string]string {
		out := map[string]string{}
		l, _ := r.data()["@links"].(map[string]any)
		for rel, v := range l {
			x := v.([]any)[0].(map[string]any)
			if x["rel"] != rel {
				t.Errorf("link %s has rel %v", rel, x["rel"])
			}
			out[rel] = x["uri"].(string)
		}
		return out
	}
	// Page 1 of 3: next and self, no prev.
	r := alice.get("data/issue?@page_size=2&@page_index=1")
	restWant(t, r, 200)
	if got := restIDs(r); !slices.Equal(got, ids[:2]) {
		t.Errorf("page 1: %v", got)
	}
	l := links(r)
	if l["self"] != base+"?@page_index=1&@page_size=2" || l["next"] != base+"?@page_index=2&@page_size=2" || l["prev"] != "" {
		t.Errorf("page 1 links %v", l)
	}
	if r.data()["@total_size"] != float64(5) || r.header.Get("X-Count-Total") != "5" {
		t.Errorf("page 1 total %v", r.data()["@total_size"])
	}
	// Without @page_index: page 1, the same answer.
	if r2 := alice.get("data/issue?@page_size=2"); !slices.Equal(restIDs(r2), ids[:2]) {
		t.Errorf("default page index: %v", restIDs(r2))
	}
	// The last, partial page: prev, no next; other fields kept in links.
	r = alice.get("data/issue?@page_size=2&@page_index=3&@fields=title")
	if got := restIDs(r); !slices.Equal(got, ids[4:]) {
		t.Errorf("page 3: %v", got)
	}
	l = links(r)
	if l["next"] != "" || l["prev"] != base+"?@page_index=2&@page_size=2&@fields=title" {
		t.Errorf("page 3 links %v", l)
	}
	// A full last page has no next link.
	r = alice.get("data/issue?@page_size=5&@page_index=1")
	if l := links(r); l["next"] != "" || len(restIDs(r)) != 5 {
		t.Errorf("full last page: %v links %v", restIDs(r), l)
	}
	// Past the end: empty, with prev.
	r = alice.get("data/issue?@page_size=2&@page_index=9")
	if got := r.data()["collection"].([]any); len(got) != 0 || links(r)["prev"] == "" || r.data()["@total_size"] != float64(5) {
		t.Errorf("past the end: %v", r.body)
	}
	// Page index 0 or negative is page 1.
	if got := restIDs(alice.get("data/issue?@page_size=2&@page_index=0")); !slices.Equal(got, ids[:2]) {
		t.Errorf("page index 0: %v", got)
	}
	// Bad numbers and the admin limit.
	restWant(t, alice.get("data/issue?@page_size=two"), 400, "When using @page_size: invalid literal for int() with base 10: 'two'")
	restWant(t, alice.get("data/issue?@page_index=x&@page_size=1"), 400, "When using @page_index")
	restWant(t, alice.get("data/issue?@page_size=6"), 400, "Page size 6 must be less than admin limit on query result size: 6.")
	// @page_size=0 is no paging.
	if r := alice.get("data/issue?@page_size=0"); len(restIDs(r)) != 5 || r.data()["@links"] != nil {
		t.Errorf("page size 0: %s", r.body)
	}
	// Without paging, more rows than the limit: capped, total -1.
	for i := 6; i <= 8; i++ {
		e.tt.Issue(t, "alice", fmt.Sprintf("Page %d", i), "text", nil)
	}
	r = alice.get("data/issue")
	if len(restIDs(r)) != 6 || r.data()["@total_size"] != float64(-1) || r.header.Get("X-Count-Total") != "-1" {
		t.Errorf("over the limit: %d rows, total %v", len(restIDs(r)), r.data()["@total_size"])
	}
	// Links escape what they repeat.
	r = alice.get("data/issue?@page_size=1&title=" + url.QueryEscape("Page & co"))
	if s := links(r)["self"]; !strings.Contains(s, "title=Page+%26+co") {
		t.Errorf("self link %q does not escape the filter", s)
	}
}

func TestRESTPostCollection(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	alice := e.api(t, "alice")
	// Create a message, then an issue with it (JSON).
	r := alice.sendJSON("POST", "data/msg", map[string]any{"content": "Steps to reproduce", "author": "alice"})
	restWant(t, r, 201)
	mid := r.data()["id"].(string)
	if r.header.Get("Location") != "http://localhost/tracker/rest/data/msg/"+mid || r.data()["link"] != r.header.Get("Location") {
		t.Errorf("Location %q link %v", r.header.Get("Location"), r.data()["link"])
	}
	r = alice.sendJSON("POST", "data/issue", map[string]any{"title": "Made by REST", "messages": []string{mid}, "type": "crash", "creation": "x"})
	restWant(t, r, 201)
	id := r.data()["id"].(string)
	it := e.tt.Get(t, "issue", id)
	if it.Str("title") != "Made by REST" || !slices.Equal(it.IDs("messages"), []string{mid}) || it.Creator != e.tt.Users["alice"] {
		t.Errorf("created issue %v", it.Values)
	}
	// Detectors ran (status defaulted, author on the nosy list).
	if it.Str("status") == "" || !slices.Contains(it.IDs("nosy"), e.tt.Users["alice"]) {
		t.Errorf("detectors did not run: status %q nosy %v", it.Str("status"), it.IDs("nosy"))
	}
	// Refusals: a property User may not set at creation, a class User may
	// not create, anonymous, the key property missing.
	restWant(t, alice.sendJSON("POST", "data/issue", map[string]any{"title": "x", "assignee": "alice"}), 403, "Permission to create issue.assignee denied")
	restWant(t, alice.sendJSON("POST", "data/keyword", map[string]any{"name": "newkw"}), 403, "Permission to create keyword denied")
	restWant(t, e.api(t, "").sendJSON("POST", "data/issue", map[string]any{"title": "x"}), 401)
	restWant(t, e.api(t, "bob").sendJSON("POST", "data/keyword", map[string]any{"description": "no name"}), 400, "Must provide the 'name' property.")
	restWant(t, e.api(t, "bob").sendJSON("POST", "data/keyword", map[string]any{"name": "newkw"}), 201)
	restWant(t, e.api(t, "bob").sendJSON("POST", "data/keyword", map[string]any{"name": "newkw"}), 409)
	// A file upload, multipart as doc/rest.txt's curl -F example.
	r = alice.postMultipart("data/file", map[string]string{"name": "afile"}, "content", "fix.patch", "text/x-diff", []byte("--- a\n+++ b\n"))
	restWant(t, r, 201)
	f := e.tt.Get(t, "file", r.data()["id"].(string))
	if f.Str("name") != "afile" {
		t.Errorf("uploaded file name %q", f.Str("name"))
	}
	// POST-once-exactly.
	r = alice.sendForm("POST", "data/issue/@poe", url.Values{"lifetime": {"60"}})
	restWant(t, r, 200)
	link := r.data()["link"].(string)
	if !strings.HasPrefix(link, "http://localhost/tracker/rest/data/issue/@poe/") || r.data()["expires"] == nil {
		t.Fatalf("POE answer %v", r.data())
	}
	poe := strings.TrimPrefix(link, "http://localhost/tracker/rest/")
	restWant(t, e.api(t, "bob").sendJSON("POST", poe, map[string]any{"title": "Bob uses alice's token"}), 400, "not valid")
	// A create that fails leaves the token usable.
	restWant(t, alice.sendJSON("POST", poe, map[string]any{"title": "x", "assignee": "bob"}), 403)
	restWant(t, alice.sendJSON("POST", poe, map[string]any{"title": "Once"}), 201)
	restWant(t, alice.sendJSON("POST", poe, map[string]any{"title": "Twice"}), 400, "POE token")
	restWant(t, alice.sendForm("POST", "data/issue/@poe", url.Values{"lifetime": {"7200"}}), 400, "between 1 second and 1 hour")
	r = alice.sendForm("POST", "data/issue/@poe", url.Values{"generic": {"1"}})
	poe = strings.Replace(strings.TrimPrefix(r.data()["link"].(string), "http://localhost/tracker/rest/"), "data/issue/", "data/msg/", 1)
	restWant(t, alice.sendJSON("POST", poe, map[string]any{"content": "generic token"}), 201)
}

func TestRESTSummaryAndRoles(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	id := e.tt.Issue(t, "alice", "Summarised", "text", nil)
	e.tt.Update(t, "bob", func(tx *tracker.Tx) error {
		m, _ := tx.Create("msg", tracker.Values{"content": "reply", "author": tx.UserID()})
		return tx.Set("issue", id, tracker.Values{"messages": []string{e.tt.Get(t, "issue", id).IDs("messages")[0], m}})
	})
	r := e.api(t, "alice").get("summary")
	restWant(t, r, 200)
	d := r.data()
	if created := d["created"].([]any); len(created) != 1 || created[0].(map[string]any)["title"] != "Summarised" {
		t.Errorf("created = %v", d["created"])
	}
	if open := d["summary"].(map[string]any)["open"].([]any); len(open) != 1 {
		t.Errorf("summary = %v", d["summary"])
	}
	most := d["most_discussed"].([]any)[0].([]any)
	if most[0] != float64(1) {
		t.Errorf("most_discussed = %v", d["most_discussed"])
	}
	restWant(t, e.api(t, "alice").get("data/user/roles"), 403)
	e.tt.Update(t, "admin", func(tx *tracker.Tx) error {
		pw, _ := tracker.HashPassword("secret", 1000)
		return tx.Set("user", "1", tracker.Values{"password": pw})
	})
	r = e.api(t, "admin").get("data/user/roles")
	restWant(t, r, 200, `"id": "coordinator"`, `"name": "developer"`)
}
