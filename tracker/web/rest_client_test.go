package web

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

// TestRESTRoundupDocExamples drives the API as the examples of Roundup's
// doc/rest.txt do ("sample python client", the curl examples for PUT,
// PATCH, retire/restore, file upload, POST-once-exactly, searches for
// selection widgets), with the headers those clients send (Referer,
// X-Requested-With), so a client written for Roundup works unchanged.
func TestRESTRoundupDocExamples(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	e.tt.Update(t, "admin", func(tx *tracker.Tx) error {
		pw, _ := tracker.HashPassword("secret", 1000)
		return tx.Set("user", "1", tracker.Values{"password": pw})
	})
	id := e.tt.Issue(t, "alice", "TEST Title", "text", nil)
	// s = requests.session(); s.auth = ('admin', 'admin')
	s := e.api(t, "admin")
	s.header.Set("Referer", "http://localhost/tracker/")
	s.header.Set("X-Requested-With", "rest")

	// r = s.get(u + 'issue/42/title'); print(r.json()['data']['data'])
	r := s.get("data/issue/" + id + "/title")
	if r.status != 200 || r.data()["data"] != "TEST Title" {
		t.Fatalf("GET title: %d %s", r.status, r.body)
	}
	// r = s.post(u + 'issue', data=dict(title='TEST Issue'), headers=h)
	r = s.sendForm("POST", "data/issue", url.Values{"title": {"TEST Issue"}})
	if r.status < 200 || r.status > 201 {
		t.Fatalf("POST issue: %d %s", r.status, r.body)
	}
	newID := r.data()["id"].(string)

	// Retire/Restore: s.delete without an ETag fails; then with one.
	restWant(t, s.do("DELETE", "data/issue/"+newID, nil, ""), 412)
	r = s.get("data/issue/" + newID)
	etag := r.header.Get("ETag")
	if etag != r.data()["@etag"] {
		t.Fatalf("ETag %q != @etag %v", etag, r.data()["@etag"])
	}
	// d = {'@op':'action', '@action_name':'retire'}; s.patch(u + 'issue/42', data=d, headers=h)
	restWant(t, s.sendForm("PATCH", "data/issue/"+newID, url.Values{"@op": {"action"}, "@action_name": {"retire"}}, "If-Match", etag), 200)
	if !e.tt.Get(t, "issue", newID).Retired {
		t.Fatal("retire action")
	}
	// Roundup's example reuses the ETag for restore; retiring does not
	// change an item's properties, and Corral's ETag covers the retired
	// flag, so the client fetches it again.
	etag = s.etag("data/issue/" + newID)
	restWant(t, s.sendForm("PATCH", "data/issue/"+newID, url.Values{"@op": {"action"}, "@action_name": {"restore"}}, "If-Match", etag), 200)
	if e.tt.Get(t, "issue", newID).Retired {
		t.Fatal("restore action")
	}
	// The curl JSON retire of a status, by its ETag.
	etag = s.etag("data/status/1")
	restWant(t, s.do("PATCH", "data/status/1", strings.NewReader(`{ "@op":"action", "@action_name": "retire" }`), "application/json", "If-Match", etag), 200)
	restWant(t, s.do("PATCH", "data/status/1", strings.NewReader(`{ "@op":"action", "@action_name": "restore" }`), "application/json", "If-Match", s.etag("data/status/1")), 200)

	// curl -X PUT --data '{ "nosy": [ "1", "5" ] }' with If-Match.
	a, b := e.tt.Users["alice"], e.tt.Users["bob"]
	r = s.do("PUT", "data/issue/"+id, strings.NewReader(`{ "nosy": [ "1", "`+b+`" ] }`), "application/json",
		"Accept", "application/json", "If-Match", s.etag("data/issue/"+id))
	restWant(t, r, 200)
	if got := restStrs(r.data()["attribute"].(map[string]any)["nosy"]); !slices.Equal(got, []string{"1", b}) {
		t.Errorf("PUT nosy attribute %v", got)
	}
	if r.data()["link"] != "http://localhost/tracker/rest/data/issue/"+id {
		t.Errorf("PUT answer link %v", r.data()["link"])
	}
	// Repeated with the same nosy and a new title: only title changed.
	r = s.do("PUT", "data/issue/"+id, strings.NewReader(`{ "nosy": [ "1", "`+b+`" ], "title": "This is now my title" }`), "application/json",
		"If-Match", s.etag("data/issue/"+id))
	restWant(t, r, 200)
	if attr := r.data()["attribute"].(map[string]any); len(attr) != 1 || attr["title"] != "This is now my title" {
		t.Errorf("unchanged nosy reported: %v", attr)
	}
	// curl -X PATCH --data-urlencode '@op=add' --data 'nosy=3'
	r = s.do("PATCH", "data/issue/"+id, strings.NewReader("%40op=add&nosy="+a), "application/x-www-form-urlencoded", "If-Match", s.etag("data/issue/"+id))
	restWant(t, r, 200)
	if got := restStrs(r.data()["attribute"].(map[string]any)["nosy"]); !slices.Equal(got, []string{"1", a, b}) {
		t.Errorf("PATCH add nosy attribute %v", got)
	}
	// PUT on a property with a form body and @etag: curl --data "data=..."
	restWant(t, s.sendForm("PUT", "data/user/"+a+"/realname", url.Values{"data": {"Provisional"}, "@etag": {s.etag("data/user/" + a)}}), 200)
	if got := e.tt.Get(t, "user", a).Str("realname"); got != "Provisional" {
		t.Errorf("realname %q", got)
	}

	// Searches and selection: .../rest/data/issue?@verbose=2&title=request
	e.tt.Issue(t, "alice", "Request for Power plugs", "x", nil)
	e.tt.Issue(t, "alice", "Request for foo", "x", nil)
	r = s.get("data/issue?@verbose=2&title=request")
	coll := r.data()["collection"].([]any)
	if len(coll) != 2 || coll[0].(map[string]any)["title"] != "Request for Power plugs" {
		t.Errorf("selection search: %s", r.body)
	}
	r = s.get("data/issue?@verbose=2&@fields=status&title=request")
	if st := r.data()["collection"].([]any)[0].(map[string]any)["status"].(map[string]any); st["name"] != "open" {
		t.Errorf("optgroup search status %v", st)
	}
	r = s.get("data/keyword?@verbose=2&name=eas")
	if got := r.data()["collection"].([]any); len(got) == 0 || got[0].(map[string]any)["name"] != "easy" {
		t.Errorf("keyword search: %s", r.body)
	}
	// Items by key: /data/status/name=closed and the short form.
	if s.get("data/status/name=closed").data()["id"] != s.get("data/status/closed").data()["id"] {
		t.Error("key lookups differ")
	}

	// curl -F "name=afile" -F "type=image/vnd.microsoft.icon" -F "content=@favicon.ico"
	icon := []byte{0, 0, 1, 0, 1, 0, 16, 16, 0xff, 0xfe}
	r = s.postMultipart("data/file", map[string]string{"name": "afile", "type": "image/vnd.microsoft.icon"}, "content", "roundup-favicon.ico", "application/octet-stream", icon)
	restWant(t, r, 201)
	fid := r.data()["id"].(string)
	attrs := s.get("data/file/" + fid).data()["attributes"].(map[string]any)
	if attrs["type"] != "image/vnd.microsoft.icon" || attrs["name"] != "afile" {
		t.Errorf("uploaded file %v", attrs)
	}
	raw := s.get("data/file/"+fid+"/binary_content", "Accept", "application/octet-stream; q=1.0, application/json; q=0.5")
	if raw.body != string(icon) || raw.header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("binary_content: %q as %q", raw.body, raw.header.Get("Content-Type"))
	}
	// image/* or */* return it with its own type.
	raw = s.get("data/file/"+fid+"/binary_content", "Accept", "image/*")
	if raw.body != string(icon) || raw.header.Get("Content-Type") != "image/vnd.microsoft.icon" || raw.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("binary_content as image/*: %q as %q", raw.body, raw.header.Get("Content-Type"))
	}
	js := s.get("data/file/"+fid+"/binary_content", "Accept", "application/octet-stream; q=0.5, application/json; q=1.0")
	restWant(t, js, 200, `"data": "b'\\x00\\x00\\x01\\x00\\x01\\x00\\x10\\x10\\xff\\xfe'"`)

	// POST-once-exactly: --data '' to @poe, then the payload to the link.
	r = s.do("POST", "data/issue/@poe", strings.NewReader(""), "application/json")
	restWant(t, r, 200)
	link := strings.TrimPrefix(r.data()["link"].(string), "http://localhost/tracker/rest/")
	r = s.do("POST", link, strings.NewReader(`{ "title": "a problem" }`), "application/json")
	restWant(t, r, 201)
	if r.data()["link"] != "http://localhost/tracker/rest/data/issue/"+r.data()["id"].(string) {
		t.Errorf("POE answer %v", r.data())
	}
	restWant(t, s.do("POST", link, strings.NewReader(`{ "title": "a problem" }`), "application/json"), 400)
}
