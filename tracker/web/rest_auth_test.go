package web

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

var tokenRE = regexp.MustCompile(`crl_[A-Za-z0-9_-]{43}`)

// fakeNow is a settable clock for the limiters.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeNow) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeNow) add(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

func TestRESTTokens(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	uid := e.tt.Users["alice"]
	browser := e.client(t, "alice")
	// Create a token on the user page.
	r := browser.post("/tracker/user"+uid, url.Values{"@action": {"apitoken_new"}, "name": {"triage bot"}, "lifetime": {"30"}})
	must(t, r, 200, "New API token", "triage bot")
	token := tokenRE.FindString(r.body)
	if token == "" {
		t.Fatalf("no token on the page:\n%s", r.body)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("token page Cache-Control %q", cc)
	}
	must(t, browser.post("/tracker/user"+uid, url.Values{"@action": {"apitoken_new"}, "name": {""}}), 200, "Give the token a name")
	must(t, browser.get("/tracker/user"+uid+"?@action=apitoken_new&name=x"), 405)

	bot := e.api(t, "")
	bot.token = token
	wantRS := bot.get("data/user/" + uid)
	restWant(t, wantRS, 200)
	if wantRS.data()["attributes"].(map[string]any)["username"] != "alice" {
		t.Errorf("the token does not act as alice: %s", wantRS.body)
	}
	// It writes as alice, with her permissions.
	id := e.tt.Issue(t, "alice", "Bot target", "text", nil)
	restWant(t, bot.sendJSON("PATCH", "data/issue/"+id, map[string]any{"@op": "add", "nosy": "bob"}, "If-Match", bot.etag("data/issue/"+id)), 200)
	restWant(t, bot.sendJSON("PUT", "data/issue/"+id, map[string]any{"assignee": "alice"}, "If-Match", bot.etag("data/issue/"+id)), 403)
	if it := e.tt.Get(t, "issue", id); it.Actor != uid {
		t.Errorf("actor %q, want alice", it.Actor)
	}
	// Feeds take tokens too.
	req, _ := http.NewRequest("GET", e.srv.URL+"/tracker/issue"+id+".atom", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("feed with a token: %v %v", resp.StatusCode, err)
	}

	// The page part lists it (without the secret); others see nothing.
	view := tokensView(t, e, "alice", uid)
	if view == nil || len(view.Tokens) != 1 || view.Tokens[0].Name != "triage bot" || !view.Own || !view.RestAccess {
		t.Fatalf("APITokens() = %+v", view)
	}
	// The user page includes the part (html/_apitokens.part.html).
	must(t, browser.get("/tracker/user"+uid), 200, "API tokens", "triage bot", `name="@action" value="apitoken_new"`)
	if page := bobGet(t, e, uid); strings.Contains(page, "triage bot") {
		t.Error("bob's view of alice's page lists her tokens")
	}
	html := renderTokens(t, e, "alice", uid)
	if !strings.Contains(html, "triage bot") || strings.Contains(html, token) || !strings.Contains(html, token[len(token)-4:]) {
		t.Errorf("token part:\n%s", html)
	}
	if tokensView(t, e, "bob", uid) != nil {
		t.Error("bob sees alice's tokens")
	}
	// Only alice (or Admin) revokes; bob cannot, nor create one for her.
	bobBrowser := e.client(t, "bob")
	must(t, bobBrowser.post("/tracker/user"+uid, url.Values{"@action": {"apitoken_revoke"}, "token": {view.Tokens[0].ID}}), 403)
	must(t, bobBrowser.post("/tracker/user"+uid, url.Values{"@action": {"apitoken_new"}, "name": {"x"}}), 403)
	must(t, e.client(t, "").post("/tracker/user"+uid, url.Values{"@action": {"apitoken_new"}, "name": {"x"}}), 403)
	r = browser.post("/tracker/user"+uid, url.Values{"@action": {"apitoken_revoke"}, "token": {view.Tokens[0].ID}})
	must(t, r, 303)
	if loc := r.header.Get("Location"); !strings.Contains(loc, "revoked") {
		t.Errorf("revoke redirect %q", loc)
	}
	r2 := bot.get("data/user/" + uid)
	if r2.status != 401 || !strings.Contains(r2.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("revoked token: %d %q %s", r2.status, r2.header.Get("WWW-Authenticate"), r2.body)
	}
	if v := tokensView(t, e, "alice", uid); len(v.Tokens) != 0 {
		t.Errorf("revoked token still listed: %+v", v.Tokens)
	}
	// Tokens expire (the test tracker's clock moves a second per reading).
	short, err := e.site.createToken(e.tt.Ctx, uid, "short", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	bot.token = short
	restWant(t, bot.get("data/issue"), 200)
	for range 10 {
		e.tt.Clock.Now()
	}
	e.site.rest.mu.Lock()
	e.site.rest.tokens = map[[32]byte]tokenEntry{}
	e.site.rest.mu.Unlock()
	if r := bot.get("data/issue"); r.status != 401 {
		t.Errorf("expired token: %d", r.status)
	}
}

func tokensView(t *testing.T, e *restEnv, user, pageUser string) *apiTokensView {
	t.Helper()
	q := testRQ(t, e, user)
	defer q.tx.Rollback()
	return (&pageData{q: q, Body: &itemView{Class: "user", ID: pageUser}}).APITokens()
}

func renderTokens(t *testing.T, e *restEnv, user, pageUser string) string {
	t.Helper()
	q := testRQ(t, e, user)
	defer q.tx.Rollback()
	var b bytes.Buffer
	if err := e.site.pages["_generic.item"].ExecuteTemplate(&b, "apitokens", &pageData{q: q, Body: &itemView{Class: "user", ID: pageUser}}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func testRQ(t *testing.T, e *restEnv, user string) *rq {
	uid := e.tt.Users[user]
	tx, err := e.tt.Svc.View(e.tt.Ctx, uid)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := tx.Get("user", uid)
	return &rq{s: e.site, tx: tx, uid: uid, user: u, ctx: e.tt.Ctx}
}

func TestRESTBasicAuthLimits(t *testing.T) {
	e := newRESTEnv(t, APIConfig{}, func(c *Config) { c.LoginAttemptsPerMin = 2 })
	clock := &fakeNow{t: time.Now()}
	e.site.now = clock.now
	alice := e.api(t, "alice")
	// Verified credentials are remembered: many calls, one PBKDF2 and one
	// login attempt (login_attempts_min is 2 here).
	for i := 0; i < 10; i++ {
		restWant(t, alice.get("data/issue"), 200)
	}
	// A client opening several connections at once with new credentials
	// pays for one verification, not one per connection.
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", e.srv.URL+"/tracker/rest/data/status", nil)
			req.SetBasicAuth("carol", "secret")
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				codes[i] = resp.StatusCode
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != 200 {
			t.Errorf("concurrent Basic call %d: %d", i, c)
		}
	}
	e = newRESTEnv(t, APIConfig{})
	e.site.now = clock.now
	// Wrong passwords: 401 with a challenge, then 429 after
	// api_failed_login_limit (4), even with the right password.
	bad := e.api(t, "")
	for i := 0; i < 4; i++ {
		req, _ := http.NewRequest("GET", e.srv.URL+"/tracker/rest/data/issue", nil)
		req.SetBasicAuth("bob", "wrong")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 && resp.StatusCode != 429 {
			t.Fatalf("wrong password %d: status %d", i, resp.StatusCode)
		}
		clock.add(time.Second)
	}
	_ = bad
	r := e.api(t, "bob").get("data/issue")
	if r.status != 429 || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, "Logins occurring too fast") {
		t.Errorf("after 4 failures: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	// The bucket refills: 600 s / 4 per attempt.
	clock.add(151 * time.Second)
	restWant(t, e.api(t, "bob").get("data/issue"), 200)
}

func TestRESTRateLimit(t *testing.T) {
	e := newRESTEnv(t, APIConfig{CallsPerInterval: 3, Interval: time.Minute})
	clock := &fakeNow{t: time.Now()}
	e.site.now = clock.now
	alice := e.api(t, "alice")
	for i := 0; i < 3; i++ {
		r := alice.get("data/status")
		restWant(t, r, 200)
		if got := r.header.Get("X-RateLimit-Remaining"); got != []string{"2", "1", "0"}[i] {
			t.Errorf("call %d: X-RateLimit-Remaining %q", i, got)
		}
		if r.header.Get("X-RateLimit-Limit") != "3" || r.header.Get("X-RateLimit-Limit-Period") != "60" || r.header.Get("Retry-After") != "" {
			t.Errorf("call %d headers %v", i, r.header)
		}
	}
	r := alice.get("data/status")
	restWant(t, r, 429, "Api rate limits exceeded. Please wait: 20 seconds.", `"source": "ApiRateLimiter"`)
	if r.header.Get("Retry-After") != "20" {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	// Another user has their own budget.
	restWant(t, e.api(t, "bob").get("data/status"), 200)
	clock.add(20 * time.Second)
	restWant(t, alice.get("data/status"), 200)
	restWant(t, alice.get("data/status"), 429)
}

func TestRESTCORSAndCSRF(t *testing.T) {
	// CORS off by default.
	e := newRESTEnv(t, APIConfig{})
	alice := e.api(t, "alice")
	r := alice.get("data/issue", "Origin", "https://other.example")
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("cross-origin GET without CORS: %d ACAO %q", r.status, r.header.Get("Access-Control-Allow-Origin"))
	}
	r = alice.do("OPTIONS", "data/issue", nil, "", "Origin", "https://other.example", "Access-Control-Request-Method", "POST")
	restWant(t, r, 400, "Client is not allowed to use Rest Interface.")
	// A browser's session cookie: same-origin writes need no
	// X-Requested-With; cross-origin ones are refused by the server's
	// cross-origin protection.
	id := e.tt.Issue(t, "alice", "CSRF", "text", nil)
	browser := e.client(t, "alice")
	getETag := func() string {
		req, _ := http.NewRequest("GET", e.srv.URL+"/tracker/rest/data/issue/"+id, nil)
		return browser.do(req).header.Get("ETag")
	}
	put := func(origin, site string) response {
		req, _ := http.NewRequest("PUT", e.srv.URL+"/tracker/rest/data/issue/"+id, strings.NewReader(`{"title": "via cookie"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("If-Match", getETag())
		if origin != "" {
			req.Header.Set("Origin", origin)
			req.Header.Set("Sec-Fetch-Site", site)
		}
		return browser.do(req)
	}
	if r := put("https://evil.example", "cross-site"); r.status != 403 {
		t.Errorf("cross-origin cookie PUT: %d %s", r.status, r.body)
	}
	if got := e.tt.Get(t, "issue", id).Str("title"); got != "CSRF" {
		t.Fatalf("cross-origin write went through: %q", got)
	}
	if r := put(e.srv.URL, "same-origin"); r.status != 200 {
		t.Errorf("same-origin cookie PUT: %d %s", r.status, r.body)
	}

	// allowed_api_origins.
	e = newRESTEnv(t, APIConfig{AllowedOrigins: []string{"https://app.example"}})
	alice = e.api(t, "alice")
	r = alice.do("OPTIONS", "data/issue", nil, "", "Origin", "https://app.example", "Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", "authorization, content-type")
	if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "https://app.example" || r.header.Get("Access-Control-Allow-Credentials") != "true" ||
		!strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Authorization") || r.header.Get("Access-Control-Max-Age") != "86400" {
		t.Errorf("preflight: %d %v", r.status, r.header)
	}
	r = alice.sendJSON("POST", "data/issue", map[string]any{"title": "from the app"}, "Origin", "https://app.example", "Sec-Fetch-Site", "cross-site")
	restWant(t, r, 201)
	if r.header.Get("Access-Control-Allow-Origin") != "https://app.example" || !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "X-RateLimit-Remaining") {
		t.Errorf("CORS answer headers %v", r.header)
	}
	r = alice.sendJSON("POST", "data/issue", map[string]any{"title": "from evil"}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	restWant(t, r, 403, "Client is not allowed")
	// The HTML pages do not trust the API origins.
	req, _ := http.NewRequest("POST", e.srv.URL+"/tracker/issue", strings.NewReader("@action=new&title=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://app.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 403 {
		t.Errorf("HTML form post from an API origin: %v %v", resp.StatusCode, err)
	}
}

func TestRESTProtocolDetails(t *testing.T) {
	e := newRESTEnv(t, APIConfig{})
	id := e.tt.Issue(t, "alice", "Details", "text", nil)
	alice, carol := e.api(t, "alice"), e.api(t, "carol")
	// X-HTTP-Method-Override tunnels through POST only.
	r := carol.do("POST", "data/issue/"+id, nil, "", "X-HTTP-Method-Override", "DELETE", "If-Match", carol.etag("data/issue/"+id))
	restWant(t, r, 200, `"status": "ok"`)
	if !e.tt.Get(t, "issue", id).Retired {
		t.Error("tunnelled DELETE did not retire")
	}
	restWant(t, alice.get("data/issue", "X-HTTP-Method-Override", "DELETE"), 400, "must be used with POST method not GET")
	// Formats.
	restWant(t, alice.get("data/issue.json"), 200)
	restWant(t, alice.get("data/status/1.json"), 200, `"name": "open"`)
	restWant(t, alice.get("data/issue.xml"), 406)
	restWant(t, alice.get("data/issue", "Accept", "application/xml"), 406, "not available")
	restWant(t, alice.get("data/issue", "Accept", "text/html,application/xhtml+xml,*/*;q=0.8"), 200)
	restWant(t, alice.get("data/issue", "Accept", "application/vnd.corral.test-v1+json"), 200)
	restWant(t, alice.get("data/issue", "Accept", "application/json; version=2"), 406, "Unrecognized api version")
	restWant(t, alice.get("data/issue?@apiver=2"), 406)
	restWant(t, alice.get("data/issue", "Accept", "garbage"), 400, "Unable to parse Accept Header")
	// @pretty=false, @stats=true, HEAD.
	r = alice.get("data/status/1?@pretty=false")
	if strings.Count(strings.TrimSpace(r.body), "\n") != 0 || !strings.HasSuffix(r.body, "\n") {
		t.Errorf("@pretty=false body %q", r.body)
	}
	if r := alice.get("data/status?@stats=true"); r.data()["@stats"] == nil {
		t.Errorf("@stats missing: %s", r.body)
	}
	r = alice.do("HEAD", "data/status/1", nil, "")
	if r.status != 200 || r.body != "" || r.header.Get("ETag") == "" {
		t.Errorf("HEAD: %d %q", r.status, r.body)
	}
	if r.header.Get("Content-Type") != "application/json" || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", r.header)
	}
	// REST can be switched off.
	off := newRESTEnv(t, APIConfig{Disabled: true})
	if r := off.api(t, "alice").get("data/issue"); r.status != 404 {
		t.Errorf("REST disabled: %d", r.status)
	}
	_ = tracker.AdminID
}

func bobGet(t *testing.T, e *restEnv, uid string) string {
	return e.client(t, "bob").get("/tracker/user" + uid).body
}
