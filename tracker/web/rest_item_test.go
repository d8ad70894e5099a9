package web

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestRESTRootAndClasses(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	alice := e.api(t, "alice")
	r := alice.get("")
	restWant(t, r, 200, `"default_version": 1`, `"rel": "summary"`, "http://localhost/tracker/rest/data")
	r = alice.get("data")
	restWant(t, r, 200)
	if d := r.data(); d["issue"] == nil || d["status"] == nil {
		t.Errorf("GET /rest/data = %v, want issue and status", d)
	}
	if _, ok := r.data()["oic_session"]; ok {
		t.Error("GET /rest/data lists a class User may not view")
	}
	// Anonymous has no Rest Access: 401 with a challenge.
	r = e.api(t, "").get("data/issue")
	restWant(t, r, 401)
	if !strings.Contains(r.header.Get("WWW-Authenticate"), "Basic") {
		t.Errorf("WWW-Authenticate = %q", r.header.Get("WWW-Authenticate"))
	}
	// A user without Rest Access (no roles at all; python-dev gives it
	// to every role): Roundup's 403 "Forbidden.".
	e.tt.Update(t, "admin", func(tx *tracker.Tx) error {
		pw, _ := tracker.HashPassword("secret", 1000)
		_, err := tx.Create("user", tracker.Values{"username": "eve", "roles": "", "password": pw})
		return err
	})
	restWant(t, e.api(t, "eve").get("data/issue"), 403, "Forbidden.")
	// Unknown paths and classes.
	restWant(t, alice.get("nothing/here"), 404, "Nothing matches the given URI")
	restWant(t, alice.get("data/nosuchclass"), 404, "Class nosuchclass not found")
	restWant(t, alice.get("data/issue/999"), 404)
	// Methods a route lacks: 405 with Allow.
	r = alice.do("PUT", "data/issue", strings.NewReader("{}"), "application/json")
	restWant(t, r, 405, "Method PUT not allowed")
	if r.header.Get("Allow") != "OPTIONS, GET, POST" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
	r = alice.do("OPTIONS", "data/issue/1", nil, "")
	if r.status != 204 || r.header.Get("Allow") != "OPTIONS, GET, PUT, DELETE, PATCH" || r.header.Get("Accept-Patch") == "" {
		t.Errorf("OPTIONS item: %d Allow %q Accept-Patch %q", r.status, r.header.Get("Allow"), r.header.Get("Accept-Patch"))
	}
	restWant(t, alice.do("DELETE", "data/issue", nil, ""), 403, "Deletion of a whole class disabled")
}

func TestRESTGetItem(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	id := e.tt.Issue(t, "alice", "Crash in parser", "first message", tracker.Values{"nosy": []string{e.tt.Users["bob"]}})
	alice := e.api(t, "alice")
	r := alice.get("data/issue/" + id)
	restWant(t, r, 200)
	d := r.data()
	if d["id"] != id || d["type"] != "issue" || d["link"] != "http://localhost/tracker/rest/data/issue/"+id {
		t.Errorf("item envelope = %v", d)
	}
	attrs := d["attributes"].(map[string]any)
	if attrs["title"] != "Crash in parser" {
		t.Errorf("title = %v", attrs["title"])
	}
	status := attrs["status"].(map[string]any)
	if status["id"] != "1" || status["link"] != "http://localhost/tracker/rest/data/status/1" {
		t.Errorf("status = %v, want a link object", status)
	}
	if _, ok := attrs["creator"]; ok {
		t.Error("protected properties shown without @protected")
	}
	etag := r.header.Get("ETag")
	if etag == "" || d["@etag"] != etag || !strings.HasPrefix(etag, `"`) {
		t.Errorf("ETag %q, @etag %v", etag, d["@etag"])
	}
	if again := alice.get("data/issue/" + id).header.Get("ETag"); again != etag {
		t.Errorf("ETag not stable: %q then %q", etag, again)
	}
	// ETags do not depend on who asks or on the representation.
	if other := e.api(t, "bob").get("data/issue/" + id + "?@verbose=0").header.Get("ETag"); other != etag {
		t.Errorf("bob's ETag %q != alice's %q", other, etag)
	}

	// @verbose=0: ids; 2: labels.
	attrs = alice.get("data/issue/" + id + "?@verbose=0").data()["attributes"].(map[string]any)
	if attrs["status"] != "1" || !slices.Equal(restStrs(attrs["nosy"]), []string{e.tt.Users["alice"], e.tt.Users["bob"]}) {
		t.Errorf("verbose=0 status %v nosy %v", attrs["status"], attrs["nosy"])
	}
	attrs = alice.get("data/issue/" + id + "?@verbose=2").data()["attributes"].(map[string]any)
	if st := attrs["status"].(map[string]any); st["name"] != "open" {
		t.Errorf("verbose=2 status = %v, want its name", st)
	}
	// @fields with transitive properties, @protected.
	attrs = alice.get("data/issue/" + id + "?@fields=title,status.name,creator.username").data()["attributes"].(map[string]any)
	if len(attrs) != 3 || attrs["status.name"] != "open" || attrs["creator.username"] != "alice" {
		t.Errorf("@fields attributes = %v", attrs)
	}
	restWant(t, alice.get("data/issue/"+id+"?@fields=nosuch"), 400, "Unknown property: nosuch")
	restWant(t, alice.get("data/issue/"+id+"?@fields=messages.author"), 400, "Multilink Traversal not allowed")
	attrs = alice.get("data/issue/" + id + "?@protected=true").data()["attributes"].(map[string]any)
	if attrs["creation"] == nil || attrs["activity"] == nil {
		t.Errorf("@protected=true lacks creation/activity: %v", attrs)
	}
	// Key lookups.
	for _, p := range []string{"data/status/open", "data/status/name=open"} {
		if r := alice.get(p); r.status != 200 || r.data()["id"] != "1" {
			t.Errorf("GET %s: %d %s", p, r.status, r.body)
		}
	}
	restWant(t, alice.get("data/status/title=open"), 400, "is not key property")
	restWant(t, alice.get("data/status/nosuch"), 404)
	// Message content: a link, and the text at @verbose=3; passwords never.
	mid := e.tt.Get(t, "issue", id).IDs("messages")[0]
	attrs = alice.get("data/msg/" + mid).data()["attributes"].(map[string]any)
	if c, _ := attrs["content"].(map[string]any); c == nil || !strings.HasPrefix(c["link"].(string), "http://localhost/tracker/msg"+mid+"/") {
		t.Errorf("msg content = %v, want a download link", attrs["content"])
	}
	attrs = alice.get("data/msg/" + mid + "?@verbose=3").data()["attributes"].(map[string]any)
	if attrs["content"] != "first message" {
		t.Errorf("verbose=3 content = %v", attrs["content"])
	}
	attrs = alice.get("data/user/" + e.tt.Users["alice"]).data()["attributes"].(map[string]any)
	if pw, _ := attrs["password"].(string); !strings.HasPrefix(pw, "[password hidden scheme") {
		t.Errorf("own password shown as %v", attrs["password"])
	}
	// Properties alice may not see are left out: bob's address.
	attrs = alice.get("data/user/" + e.tt.Users["bob"]).data()["attributes"].(map[string]any)
	if _, ok := attrs["address"]; ok || attrs["username"] != "bob" {
		t.Errorf("alice sees bob's attributes %v", attrs)
	}
	if attrs := e.api(t, "bob").get("data/user/" + e.tt.Users["alice"]).data()["attributes"].(map[string]any); attrs["address"] != "alice@example.com" {
		t.Errorf("Developer bob cannot see alice's address: %v", attrs)
	}
	// A user record alice may not view at all? Users are visible; an
	// oic_session is not.
	restWant(t, alice.get("data/oic_session/1"), 404)
}

func TestRESTPutItem(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	id := e.tt.Issue(t, "alice", "Old title", "text", nil)
	alice, bob := e.api(t, "alice"), e.api(t, "bob")
	path := "data/issue/" + id

	// No ETag, or a wrong one: 412 and nothing changes.
	restWant(t, alice.sendJSON("PUT", path, map[string]any{"title": "New"}), 412, "If-Match is missing or does not match")
	restWant(t, alice.sendJSON("PUT", path, map[string]any{"title": "New"}, "If-Match", `"0123"`), 412)
	if got := e.tt.Get(t, "issue", id).Str("title"); got != "Old title" {
		t.Fatalf("title changed to %q without a matching ETag", got)
	}
	etag := alice.etag(path)
	r := alice.sendJSON("PUT", path, map[string]any{"title": "New title", "nosy": []string{"alice", "bob"}, "creator": "99"}, "If-Match", etag)
	restWant(t, r, 200)
	attr := r.data()["attribute"].(map[string]any)
	if attr["title"] != "New title" || !slices.Equal(restStrs(attr["nosy"]), []string{e.tt.Users["alice"], e.tt.Users["bob"]}) {
		t.Errorf("PUT attribute = %v", attr)
	}
	if r.data()["type"] != "issue" || r.data()["id"] != id {
		t.Errorf("PUT answer = %v", r.data())
	}
	// The old ETag is now stale: a second writer gets 412.
	restWant(t, bob.sendJSON("PUT", path, map[string]any{"title": "Lost update"}, "If-Match", etag), 412)
	if got := e.tt.Get(t, "issue", id).Str("title"); got != "New title" {
		t.Errorf("stale ETag overwrote the title: %q", got)
	}
	// @etag in the body works too; a gzip suffix is ignored.
	etag = alice.etag(path)
	gz := strings.TrimSuffix(etag, `"`) + `-gzip"`
	restWant(t, alice.sendJSON("PUT", path, map[string]any{"title": "Body etag", "@etag": gz}), 200)

	// A User on a Developer-only property: 403, nothing changed.
	etag = alice.etag(path)
	r = alice.sendJSON("PUT", path, map[string]any{"title": "x", "assignee": "alice"}, "If-Match", etag)
	restWant(t, r, 403, "Permission to edit assignee of issue"+id+" denied")
	if it := e.tt.Get(t, "issue", id); it.Str("assignee") != "" || it.Str("title") != "Body etag" {
		t.Errorf("refused PUT changed the issue: assignee %q title %q", it.Str("assignee"), it.Str("title"))
	}
	// Sending an unchanged value of such a property is fine (a GET's
	// attributes sent back).
	restWant(t, alice.sendJSON("PUT", path, map[string]any{"title": "Same", "assignee": nil}, "If-Match", etag), 200)
	// Bob is a Developer.
	r = bob.sendJSON("PUT", path, map[string]any{"assignee": "bob", "priority": "high"}, "If-Match", bob.etag(path))
	restWant(t, r, 200)
	if it := e.tt.Get(t, "issue", id); it.Str("assignee") != e.tt.Users["bob"] {
		t.Errorf("assignee = %q", it.Str("assignee"))
	}

	// Bad input: 400 with a clear message, nothing changed.
	etag = alice.etag(path)
	before := e.tt.Get(t, "issue", id).Activity
	for _, c := range []struct{ body, want string }{
		{`{"title": "x", nosy: ["1"]}`, "invalid character"},
		{`{"title": "x", "n": Infinity}`, "invalid character 'I'"},
		{`["title"]`, "must be an object"},
		{`{"title": "x"} {"y": 1}`, "Extra data"},
		{`{"title": {"a": "b"}}`, `Value of \"title\"`},
	} {
		r := alice.do("PUT", path, strings.NewReader(c.body), "application/json", "If-Match", etag)
		restWant(t, r, 400, c.want, "JSON is: ")
	}
	restWant(t, alice.sendJSON("PUT", path, map[string]any{"nosuchprop": "1"}, "If-Match", etag), 400, "Property nosuchprop not found in class issue")
	restWant(t, alice.sendJSON("PUT", path, map[string]any{"status": "nosuchstatus"}, "If-Match", etag), 400, "'nosuchstatus' is not a status")
	restWant(t, alice.sendJSON("PUT", path, map[string]any{}, "If-Match", etag), 400, "No properties found.")
	restWant(t, alice.do("PUT", path, strings.NewReader("title=x"), "text/plain", "If-Match", etag), 415, "Unable to process input of type text/plain")
	if after := e.tt.Get(t, "issue", id); !after.Activity.Equal(before) {
		t.Error("a refused PUT changed the issue")
	}
	// A form body works as in Roundup.
	restWant(t, alice.sendForm("PUT", path, url.Values{"title": {"Form title"}, "@etag": {etag}}), 200)
}

func TestRESTPatchAndDeleteItem(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	id := e.tt.Issue(t, "alice", "Patch me", "text", nil)
	alice, carol := e.api(t, "alice"), e.api(t, "carol")
	path := "data/issue/" + id
	users := e.tt.Users

	// @op=add on a multilink (form body, as doc/rest.txt's curl example).
	r := alice.sendForm("PATCH", path, url.Values{"@op": {"add"}, "nosy": {users["bob"]}}, "If-Match", alice.etag(path))
	restWant(t, r, 200)
	if got := restStrs(r.data()["attribute"].(map[string]any)["nosy"]); !slices.Equal(got, []string{users["alice"], users["bob"]}) {
		t.Errorf("add nosy: %v", got)
	}
	restWant(t, alice.sendForm("PATCH", path, url.Values{"@op": {"add"}, "nosy": {"carol,dave"}}, "If-Match", alice.etag(path)), 200)
	// remove some, then all.
	restWant(t, alice.sendJSON("PATCH", path, map[string]any{"@op": "remove", "nosy": []string{users["bob"], "dave"}}, "If-Match", alice.etag(path)), 200)
	if got := e.tt.Get(t, "issue", id).IDs("nosy"); !slices.Equal(got, []string{users["alice"], users["carol"]}) {
		t.Errorf("after remove: nosy %v", got)
	}
	restWant(t, alice.sendJSON("PATCH", path, map[string]any{"@op": "remove", "nosy": ""}, "If-Match", alice.etag(path)), 200)
	if got := e.tt.Get(t, "issue", id).IDs("nosy"); len(got) != 0 {
		t.Errorf("remove all: nosy %v", got)
	}
	// replace is the default op.
	restWant(t, alice.sendJSON("PATCH", path, map[string]any{"title": "Replaced"}, "If-Match", alice.etag(path)), 200)
	// No ETag: 412; protected property: 400; unknown op: 400.
	restWant(t, alice.sendJSON("PATCH", path, map[string]any{"@op": "add", "nosy": "bob"}), 412)
	restWant(t, alice.sendJSON("PATCH", path, map[string]any{"creator": "2"}, "If-Match", alice.etag(path)), 400, "are reserved")
	restWant(t, alice.sendJSON("PATCH", path, map[string]any{"@op": "multiply", "title": "x"}, "If-Match", alice.etag(path)), 400, "PATCH Operation multiply is not allowed")
	// A User may close only issues they created: alice created it, dave did not.
	restWant(t, e.api(t, "dave").sendJSON("PATCH", path, map[string]any{"status": "closed"}, "If-Match", alice.etag(path)), 403)
	restWant(t, alice.sendJSON("PATCH", path, map[string]any{"status": "closed"}, "If-Match", alice.etag(path)), 200)

	// @op=action retire/restore, and DELETE: Retire permission (Coordinator).
	restWant(t, alice.sendJSON("PATCH", path, map[string]any{"@op": "action", "@action_name": "retire"}, "If-Match", alice.etag(path)), 403)
	restWant(t, carol.sendJSON("PATCH", path, map[string]any{"@op": "action", "@action_name": "explode"}, "If-Match", carol.etag(path)), 400, `action \"explode\" is not supported, allowed: retire, restore`)
	restWant(t, carol.sendJSON("PATCH", path, map[string]any{"@op": "action", "@action_name": "retire"}), 412)
	r = carol.sendJSON("PATCH", path, map[string]any{"@op": "action", "@action_name": "retire"}, "If-Match", carol.etag(path))
	restWant(t, r, 200, `"result": null`)
	if !e.tt.Get(t, "issue", id).Retired {
		t.Fatal("PATCH action retire did not retire")
	}
	// Restoring needs Restore permission (admin here).
	restWant(t, carol.sendJSON("PATCH", path, map[string]any{"@op": "action", "@action_name": "restore"}, "If-Match", carol.etag(path)), 403)
	e.tt.Update(t, "admin", func(tx *tracker.Tx) error {
		pw, _ := tracker.HashPassword("secret", 1000)
		return tx.Set("user", "1", tracker.Values{"password": pw})
	})
	adm := e.api(t, "admin")
	restWant(t, adm.sendJSON("PATCH", path, map[string]any{"@op": "action", "@action_name": "restore"}, "If-Match", adm.etag(path)), 200)
	if e.tt.Get(t, "issue", id).Retired {
		t.Fatal("PATCH action restore did not restore")
	}
	restWant(t, alice.do("DELETE", path, nil, "", "If-Match", alice.etag(path)), 403, "Permission to retire issue "+id+" denied")
	restWant(t, carol.do("DELETE", path, nil, ""), 412)
	r = carol.do("DELETE", path, nil, "", "If-Match", carol.etag(path))
	restWant(t, r, 200, `"status": "ok"`)
	if !e.tt.Get(t, "issue", id).Retired {
		t.Error("DELETE did not retire")
	}
	// Retired items are still there by id, not in the collection.
	restWant(t, alice.get(path), 200)
	for _, x := range alice.get("data/issue").data()["collection"].([]any) {
		if x.(map[string]any)["id"] == id {
			t.Error("retired issue listed in the collection")
		}
	}
	// The admin and anonymous users cannot be retired.
	restWant(t, adm.do("DELETE", "data/user/1", nil, "", "If-Match", adm.etag("data/user/1")), 409, "You may not retire the admin or anonymous user")
}

func TestRESTPropertyEndpoints(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	id := e.tt.Issue(t, "alice", "Prop title", "text", nil)
	alice := e.api(t, "alice")
	base := "data/issue/" + id

	r := alice.get(base + "/title")
	restWant(t, r, 200)
	d := r.data()
	if d["data"] != "Prop title" || d["type"] != "<class 'str'>" || d["link"] != "http://localhost/tracker/rest/data/issue/"+id+"/title" || d["@etag"] != r.header.Get("ETag") {
		t.Errorf("GET title = %v", d)
	}
	if d := alice.get(base + "/nosy").data(); !slices.Equal(restStrs(d["data"]), []string{e.tt.Users["alice"]}) || d["type"] != "<class 'list'>" {
		t.Errorf("GET nosy = %v", d)
	}
	restWant(t, alice.get(base+"/nosuch"), 400, "Invalid attribute nosuch")
	// A property alice may not view.
	restWant(t, alice.get("data/user/"+e.tt.Users["bob"]+"/address"), 403, "Permission to view user"+e.tt.Users["bob"]+" address denied")

	// PUT with "data".
	restWant(t, alice.sendForm("PUT", base+"/title", url.Values{"data": {"No etag"}}), 412)
	r = alice.sendForm("PUT", base+"/title", url.Values{"data": {"Put title"}, "@etag": {alice.etag(base)}})
	restWant(t, r, 200)
	if r.data()["attribute"].(map[string]any)["title"] != "Put title" {
		t.Errorf("PUT title answer %v", r.data())
	}
	restWant(t, alice.sendJSON("PUT", base+"/creator", map[string]any{"data": "3"}, "If-Match", alice.etag(base)), 405, "can not be updated")
	restWant(t, alice.sendJSON("PUT", base+"/nosuch", map[string]any{"data": "3"}, "If-Match", alice.etag(base)), 400, "'nosuch' is not a property of issue")
	restWant(t, alice.sendJSON("PUT", base+"/assignee", map[string]any{"data": "alice"}, "If-Match", alice.etag(base)), 403, "Permission to edit issue"+id+" assignee denied")
	restWant(t, alice.sendJSON("PUT", base+"/title", map[string]any{}, "If-Match", alice.etag(base)), 400, "'data'")

	// PATCH a property.
	restWant(t, alice.sendJSON("PATCH", base+"/nosy", map[string]any{"@op": "add", "data": "bob"}, "If-Match", alice.etag(base)), 200)
	if got := e.tt.Get(t, "issue", id).IDs("nosy"); !slices.Equal(got, []string{e.tt.Users["alice"], e.tt.Users["bob"]}) {
		t.Errorf("PATCH nosy add: %v", got)
	}
	restWant(t, alice.sendJSON("PATCH", base+"/nosy", map[string]any{"@op": "remove", "data": []string{e.tt.Users["alice"]}}, "If-Match", alice.etag(base)), 200)
	if got := e.tt.Get(t, "issue", id).IDs("nosy"); !slices.Equal(got, []string{e.tt.Users["bob"]}) {
		t.Errorf("PATCH nosy remove: %v", got)
	}

	// DELETE unsets.
	restWant(t, alice.do("DELETE", base+"/nosy", nil, ""), 412)
	restWant(t, alice.do("DELETE", base+"/nosy", nil, "", "If-Match", alice.etag(base)), 200, `"status": "ok"`)
	restWant(t, alice.do("DELETE", base+"/title", nil, "", "If-Match", alice.etag(base)), 200)
	if it := e.tt.Get(t, "issue", id); len(it.IDs("nosy")) != 0 || it.Str("title") != "" {
		t.Errorf("after DELETE: nosy %v title %q", it.IDs("nosy"), it.Str("title"))
	}
	restWant(t, alice.do("DELETE", base+"/creator", nil, "", "If-Match", alice.etag(base)), 405, "can not be deleted")
	restWant(t, alice.do("DELETE", base+"/nosuch", nil, "", "If-Match", alice.etag(base)), 400, "Attribute 'nosuch' not valid for class issue.")

	// binary_content: JSON (Python bytes repr) or the bytes themselves.
	mid := e.tt.Get(t, "issue", id).IDs("messages")[0]
	r = alice.get("data/msg/" + mid + "/binary_content")
	restWant(t, r, 200, `"data": "b'text'"`, "<class 'bytes'>")
	raw := alice.get("data/msg/"+mid+"/binary_content", "Accept", "text/*")
	if raw.status != 200 || raw.body != "text" || raw.header.Get("Content-Type") != "text/plain" || raw.header.Get("ETag") != "" {
		t.Errorf("raw binary_content: %d %q type %q etag %q", raw.status, raw.body, raw.header.Get("Content-Type"), raw.header.Get("ETag"))
	}
	restWant(t, alice.get("data/msg/"+mid+"/binary_content", "Accept", "image/png"), 406)
	if d := alice.get("data/msg/" + mid + "/content").data(); d["data"] != "text" {
		t.Errorf("content = %v", d)
	}
}

func TestRESTHistory(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	id := e.tt.Issue(t, "alice", "History", "text", nil)
	e.tt.Update(t, "bob", func(tx *tracker.Tx) error {
		return tx.Set("issue", id, tracker.Values{"title": "History 2", "nosy": []string{e.tt.Users["alice"], e.tt.Users["bob"]}})
	})
	r := e.api(t, "alice").get("data/issue/" + id + "/@history")
	restWant(t, r, 200)
	h := r.data()["history"].([]any)
	if len(h) < 2 {
		t.Fatalf("history = %v", h)
	}
	first, last := h[0].(map[string]any), h[len(h)-1].(map[string]any)
	if first["action"] != "create" || last["action"] != "set" {
		t.Errorf("history actions %v ... %v", first["action"], last["action"])
	}
	args := last["args"].(map[string]any)
	if args["title"] != "History" {
		t.Errorf("set args = %v, want the old title", args)
	}
	if _, ok := args["nosy_count"]; ok {
		t.Error("quiet property in the history")
	}
	if u := last["user"].(map[string]any); u["id"] != e.tt.Users["bob"] {
		t.Errorf("history user = %v", u)
	}
}
