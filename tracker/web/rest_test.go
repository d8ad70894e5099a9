package web

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/internal/testtracker"
	"github.com/corral-tracker/corral/tracker"
)

// restEnv is a test tracker served with the REST API. python-dev (bpo's
// schema predates REST) grants no "Rest Access"; the tests give it to
// the User role as Roundup's classic schema does.
type restEnv struct {
	*env
	site *Site
}

func newRESTEnv(t *testing.T, api APIConfig, opts ...func(*Config)) *restEnv {
	t.Helper()
	tt := testtracker.New(t, testtracker.Options{SkipDetectors: []string{"irker"}})
	grantRestAccess(t, tt.Svc, "User")
	cfg := Config{Name: "tracker", TrackerName: "Test tracker", Web: "http://localhost/tracker/",
		Email: "issues@example.com", HTTPAuth: true, LoginAttemptsPerMin: 100, SecretKey: "test secret", API: api}
	for _, o := range opts {
		o(&cfg)
	}
	site, err := NewSite(cfg, tt.Svc, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewServer([]*Site{site}, nil))
	t.Cleanup(srv.Close)
	return &restEnv{env: &env{tt: tt, srv: srv}, site: site}
}

func grantRestAccess(t testing.TB, svc *tracker.Service, roles ...string) {
	t.Helper()
	sec := svc.Schema.Security
	p, err := sec.FindPermission("Rest Access", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if err := sec.AddPermissionToRole(r, p); err != nil {
			t.Fatal(err)
		}
	}
}

// api is a REST client: HTTP Basic as user ("" = anonymous), or a
// bearer token, or a cookie session (browser).
type restAPI struct {
	t      *testing.T
	e      *restEnv
	user   string
	token  string
	c      *http.Client
	header http.Header
}

func (e *restEnv) api(t *testing.T, user string) *restAPI {
	return &restAPI{t: t, e: e, user: user, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}, header: http.Header{}}
}

// restResp is an answer with its decoded JSON.
type restResp struct {
	status int
	header http.Header
	body   string
	json   map[string]any
}

// data returns the "data" object.
func (r restResp) data() map[string]any {
	d, _ := r.json["data"].(map[string]any)
	return d
}

// errMsg returns error.msg.
func (r restResp) errMsg() string {
	e, _ := r.json["error"].(map[string]any)
	m, _ := e["msg"].(string)
	return m
}

func (a *restAPI) do(method, path string, body io.Reader, ctype string, hdr ...string) restResp {
	a.t.Helper()
	req, err := http.NewRequest(method, a.e.srv.URL+"/tracker/rest/"+path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	for k, v := range a.header {
		req.Header[k] = v
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	switch {
	case a.token != "":
		req.Header.Set("Authorization", "Bearer "+a.token)
	case a.user != "":
		req.SetBasicAuth(a.user, "secret")
	}
	resp, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := restResp{status: resp.StatusCode, header: resp.Header, body: string(b)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && len(b) > 0 {
		if err := json.Unmarshal(b, &r.json); err != nil {
			a.t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, b)
		}
	}
	return r
}

func (a *restAPI) get(path string, hdr ...string) restResp {
	a.t.Helper()
	return a.do("GET", path, nil, "", hdr...)
}

// sendJSON sends v as a JSON body.
func (a *restAPI) sendJSON(method, path string, v any, hdr ...string) restResp {
	a.t.Helper()
	b, _ := json.Marshal(v)
	return a.do(method, path, bytes.NewReader(b), "application/json", hdr...)
}

// sendForm sends a urlencoded body.
func (a *restAPI) sendForm(method, path string, form url.Values, hdr ...string) restResp {
	a.t.Helper()
	return a.do(method, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", hdr...)
}

// etag GETs an item and returns its ETag.
func (a *restAPI) etag(path string) string {
	a.t.Helper()
	r := a.get(path)
	if r.status != 200 {
		a.t.Fatalf("GET %s: %d %s", path, r.status, r.body)
	}
	return r.header.Get("ETag")
}

func restWant(t *testing.T, r restResp, status int, msgPart ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body:\n%s", r.status, status, r.body)
	}
	for _, m := range msgPart {
		if !strings.Contains(r.body, m) {
			t.Errorf("answer lacks %q:\n%s", m, r.body)
		}
	}
	if status >= 400 && r.json != nil {
		e, ok := r.json["error"].(map[string]any)
		if !ok || e["status"] != float64(status) || e["msg"] == nil {
			t.Errorf("error body %s is not Roundup's {\"error\": {\"status\", \"msg\"}}", r.body)
		}
	}
}

func restStrs(v any) []string {
	l, _ := v.([]any)
	out := []string{}
	for _, x := range l {
		switch y := x.(type) {
		case string:
			out = append(out, y)
		case map[string]any:
			s, _ := y["id"].(string)
			out = append(out, s)
		}
	}
	return out
}

// postMultipart POSTs form fields and one file, as curl -F does.
func (a *restAPI) postMultipart(path string, fields map[string]string, field, name, ctype string, data []byte, hdr ...string) restResp {
	a.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+field+`"; filename="`+name+`"`)
	h.Set("Content-Type", ctype)
	p, _ := w.CreatePart(h)
	p.Write(data)
	w.Close()
	return a.do("POST", path, &b, w.FormDataContentType(), hdr...)
}
