package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/internal/testtracker"
	"github.com/corral-tracker/corral/tracker"
)

type env struct {
	tt  *testtracker.T
	srv *httptest.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	tt := testtracker.New(t, testtracker.Options{SkipDetectors: []string{"irker"}})
	site, err := NewSite(Config{Name: "tracker", TrackerName: "Test tracker", Web: "http://localhost/tracker/",
		Email: "issues@example.com", HTTPAuth: true, LoginAttemptsPerMin: 100}, tt.Svc, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewServer([]*Site{site}, nil))
	t.Cleanup(srv.Close)
	return &env{tt: tt, srv: srv}
}

// client is a browser: it keeps cookies and does not follow redirects.
type client struct {
	t    *testing.T
	e    *env
	c    *http.Client
	user string
}

func (e *env) client(t *testing.T, user string) *client {
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}, user: user}
	if user != "" {
		pw := "secret"
		if user == "admin" {
			pw = "admin" // testtracker's initial data
		}
		resp := c.post("/tracker/", url.Values{"@action": {"login"}, "__login_name": {user}, "__login_password": {pw}})
		if resp.status != http.StatusSeeOther {
			t.Fatalf("login as %s: status %d: %s", user, resp.status, resp.body)
		}
	}
	return c
}

type response struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(b)}
}

func (c *client) get(path string) response {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) postFile(path string, form url.Values, field, name, ctype string, data []byte) response {
	c.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="` + field + `"; filename="` + name + `"`}
	h["Content-Type"] = []string{ctype}
	p, _ := w.CreatePart(h)
	p.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

func must(t *testing.T, r response, status int, contains ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body:\n%s", r.status, status, r.body)
	}
	for _, c := range contains {
		if !strings.Contains(r.body, c) {
			t.Errorf("page lacks %q", c)
		}
	}
}

func TestIndexAndItemPages(t *testing.T) {
	e := newEnv(t)
	id := e.tt.Issue(t, "alice", "Crash in <parser>", "See Lib/json/decoder.py:12 and #1, PR 45.", nil)
	anon := e.client(t, "")
	r := anon.get("/tracker/")
	must(t, r, 200, "Crash in &lt;parser&gt;", `href="/tracker/issue`+id+`"`, "Download as CSV")
	if strings.Contains(r.body, "<parser>") {
		t.Error("title not escaped")
	}
	r = anon.get("/tracker/issue" + id)
	must(t, r, 200, "Issue "+id+": Crash in &lt;parser&gt;",
		`<a href="https://github.com/python/cpython/blob/main/Lib/json/decoder.py#L12">Lib/json/decoder.py:12</a>`,
		`<a href="/tracker/issue1">#1</a>`, `<a href="https://github.com/python/cpython/pull/45">PR 45</a>`, "History")
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	if strings.Contains(r.body, `name="@note"`) {
		t.Error("anonymous sees the comment box")
	}
	must(t, anon.get("/tracker/issue999"), 404)
	must(t, anon.get("/tracker/nosuchclass"), 404)
	must(t, anon.get("/tracker/issue?@columns=id,title&@sort=title&@filter=status&status=open"), 200, "Crash in")
	must(t, anon.get("/tracker/issue?@action=searchid&@search_text=1"), 303)
}

func TestLoginAndComment(t *testing.T) {
	e := newEnv(t)
	id := e.tt.Issue(t, "alice", "A bug", "first", nil)
	bad := e.client(t, "")
	r := bad.post("/tracker/", url.Values{"@action": {"login"}, "__login_name": {"alice"}, "__login_password": {"wrong"}})
	must(t, r, 401, "Invalid login")
	bob := e.client(t, "bob")
	r = bob.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "@note": {"I can reproduce this."}})
	must(t, r, 303)
	if loc := r.header.Get("Location"); !strings.HasPrefix(loc, "/tracker/issue"+id+"?@ok_message=") {
		t.Errorf("redirect to %q", loc)
	}
	it := e.tt.Get(t, "issue", id)
	if len(it.IDs("messages")) != 2 || !slices.Contains(it.IDs("nosy"), e.tt.Users["bob"]) {
		t.Errorf("after comment: messages %v nosy %v", it.IDs("messages"), it.IDs("nosy"))
	}
	must(t, bob.get("/tracker/issue"+id), 200, "I can reproduce this.", "[-] nosy me")
	// Logout.
	must(t, bob.post("/tracker/", url.Values{"@action": {"logout"}}), 303)
	if r := bob.get("/tracker/issue" + id); strings.Contains(r.body, "Hello, <b>bob</b>") {
		t.Error("still logged in after logout")
	}
}

func TestNosyClaimAndPermissions(t *testing.T) {
	e := newEnv(t)
	id := e.tt.Issue(t, "alice", "A bug", "first", nil)
	bob, alice, dave := e.client(t, "bob"), e.client(t, "alice"), e.client(t, "dave")
	must(t, bob.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "@add@nosy": {e.tt.Users["bob"]}}), 303)
	if n := e.tt.Get(t, "issue", id).IDs("nosy"); !slices.Contains(n, e.tt.Users["bob"]) {
		t.Fatalf("nosy +me: %v", n)
	}
	must(t, bob.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "@remove@nosy": {e.tt.Users["bob"]}}), 303)
	if n := e.tt.Get(t, "issue", id).IDs("nosy"); slices.Contains(n, e.tt.Users["bob"]) {
		t.Fatalf("nosy -me: %v", n)
	}
	// Claim: assignee = self (Developer only).
	must(t, bob.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "assignee": {"bob"}}), 303)
	if a := e.tt.Get(t, "issue", id).Str("assignee"); a != e.tt.Users["bob"] {
		t.Errorf("claim: assignee %q", a)
	}
	r := dave.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "assignee": {"dave"}})
	must(t, r, 403, "You do not have permission to edit issue")
	// A User may close only issues they created.
	must(t, dave.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "status": {"closed"}}), 403)
	must(t, alice.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "status": {"closed"}}), 303)
	// GET with @action=edit only asks for confirmation.
	r = bob.get("/tracker/issue" + id + "?@action=edit&@add@nosy=" + e.tt.Users["carol"])
	must(t, r, 200, "Confirm")
	if n := e.tt.Get(t, "issue", id).IDs("nosy"); slices.Contains(n, e.tt.Users["carol"]) {
		t.Error("a GET changed the nosy list")
	}
}

func TestCloseWithOpenDependencyRefused(t *testing.T) {
	e := newEnv(t)
	dep := e.tt.Issue(t, "bob", "dependency", "x", nil)
	id := e.tt.Issue(t, "bob", "main", "y", tracker.Values{"dependencies": []string{dep}})
	bob := e.client(t, "bob")
	r := bob.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "status": {"closed"}, "@note": {"closing"}})
	must(t, r, 400, "until issue "+dep+" is closed", `>closing</textarea>`)
	if st := e.tt.Get(t, "issue", id).Str("status"); st == "2" {
		t.Error("closed despite an open dependency")
	}
	if n := len(e.tt.Get(t, "issue", id).IDs("messages")); n != 1 {
		t.Errorf("refused edit left %d messages", n)
	}
}

func TestRemoveAndRestoreMessage(t *testing.T) {
	e := newEnv(t)
	id := e.tt.Issue(t, "bob", "t", "one", nil)
	bob := e.client(t, "bob")
	must(t, bob.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "@note": {"two"}}), 303)
	must(t, bob.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "@note": {"three"}}), 303)
	msgs := e.tt.Get(t, "issue", id).IDs("messages")
	must(t, bob.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "@remove@messages": {msgs[1]}}), 303)
	if got := e.tt.Get(t, "issue", id).IDs("messages"); slices.Contains(got, msgs[1]) {
		t.Fatalf("message not removed: %v", got)
	}
	// bpo's documented restore link: GET asks, POST does it.
	must(t, bob.get("/tracker/issue"+id+"?@action=edit&@add@messages="+msgs[1]), 200, "Confirm")
	must(t, bob.post("/tracker/issue"+id, url.Values{"@action": {"edit"}, "@add@messages": {msgs[1]}}), 303)
	if got := e.tt.Get(t, "issue", id).IDs("messages"); !slices.Equal(got, msgs) {
		t.Errorf("restored messages %v, want %v (original order)", got, msgs)
	}
}

func TestCreateIssueWithFile(t *testing.T) {
	e := newEnv(t)
	alice := e.client(t, "alice")
	r := alice.postFile("/tracker/issue", url.Values{"@action": {"new"}, "title": {"with file"}, "@note": {"see patch"}},
		"@file", "fix.patch", "application/octet-stream", []byte("--- a\n+++ b\n"))
	must(t, r, 303)
	loc := r.header.Get("Location")
	_, id, _ := strings.Cut(strings.TrimPrefix(loc, "/tracker/issue"), "?")
	id = strings.TrimPrefix(loc, "/tracker/issue")
	id = id[:strings.Index(id, "?")]
	it := e.tt.Get(t, "issue", id)
	if len(it.IDs("files")) != 1 || len(it.IDs("messages")) != 1 {
		t.Fatalf("issue%s files %v messages %v", id, it.IDs("files"), it.IDs("messages"))
	}
	f := e.tt.Get(t, "file", it.IDs("files")[0])
	if f.Str("type") != "text/plain" || f.Str("name") != "fix.patch" {
		t.Errorf("file name %q type %q (patches detector: text/plain)", f.Str("name"), f.Str("type"))
	}
	d := alice.get("/tracker/file" + f.ID + "/fix.patch")
	must(t, d, 200, "+++ b")
	if ct := d.header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("download Content-Type %q", ct)
	}
	// Uploaded HTML is never served as HTML.
	r = alice.postFile("/tracker/issue"+id, url.Values{"@action": {"edit"}}, "@file", "x.html", "text/html", []byte("<script>alert(1)</script>"))
	must(t, r, 303)
	files := e.tt.Get(t, "issue", id).IDs("files")
	d = alice.get("/tracker/file" + files[len(files)-1] + "/x.html")
	if ct := d.header.Get("Content-Type"); strings.Contains(ct, "html") {
		t.Errorf("HTML upload served as %q", ct)
	}
}
