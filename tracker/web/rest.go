package web

import (
	"net/http"
	"strings"
	"time"
)

// restReq is one REST call: the parsed input, the output options and
// the URLs answers link to.
type restReq struct {
	q      *rq
	method string
	// parts is the path below rest/, split at "/".
	parts []string
	in    *restInput
	// pretty: indent the JSON (Roundup's default; @pretty=false turns
	// it off).
	pretty bool
	stats  bool
	start  time.Time
	// web is the tracker's absolute base URL ("https://host/NAME/");
	// data is web + "rest/data".
	web, data string
	// accept is what the client takes for binary_content ("" = JSON).
	accept string
}

// restStatus is a REST answer with a status: Roundup's error object
// {"error": {"status": N, "msg": "..."}} when status >= 400.
type restStatus struct {
	status int
	msg    string
	// source names the part that refused (Roundup: "ApiRateLimiter").
	source string
}

func (e *restStatus) Error() string { return e.msg }

func restErr(status int, msg string) error { return &restStatus{status: status, msg: msg} }

// serveREST answers /NAME/rest/... as Roundup 2.x's REST interface does
// (roundup/rest.py RestfulInstance.dispatch, roundup/cgi/client.py
// handle_rest): JSON in Roundup's shapes, ETags and If-Match, Rest
// Access permission, the GCRA call limiter, X-HTTP-Method-Override and
// CORS.
//
// CSRF rule: Roundup asks REST clients for an X-Requested-With header.
// Corral does not need it: the server's cross-origin protection
// (http.CrossOriginProtection, DESIGN.md §5) refuses state-changing
// requests a browser sends from another origin before they get here, so
// a session cookie cannot be ridden by another site; Basic and bearer
// credentials come from scripts, not from a page's ambient state. The
// header is accepted and ignored. Origins listed in [web]
// allowed_api_origins pass that check for the API only (rest_cors.go).
func (s *Site) serveREST(q *rq) {
	if s.cfg.API.Disabled {
		s.fail(q, errStatus(http.StatusNotFound, "The REST API is disabled on this tracker."))
		return
	}
	rr := &restReq{q: q, method: q.r.Method, pretty: true, start: time.Now()}
	rr.web = s.cfg.Web
	if rr.web == "" {
		scheme := "http"
		if q.r.TLS != nil {
			scheme = "https"
		}
		rr.web = scheme + "://" + q.r.Host + s.base.Path
	}
	rr.data = rr.web + "rest/data"
	w := q.w
	h := w.Header()
	// The page headers (CSP with nonce) do not fit JSON; keep nosniff.
	h.Del("Content-Security-Policy")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	h.Add("Vary", "Origin")

	if !s.restCORS(q, rr) {
		return
	}
	if rr.method == http.MethodOptions && q.r.Header.Get("Access-Control-Request-Method") != "" && q.r.Header.Get("Origin") != "" {
		// A CORS preflight: no permission needed, nothing read.
		s.restPreflight(q, rr)
		return
	}
	if !q.can("Rest Access", "", "", "") {
		if q.anonymous() {
			h.Set("WWW-Authenticate", `Basic realm="`+s.cfg.TrackerName+`", Bearer realm="`+s.cfg.TrackerName+`"`)
			s.restWrite(rr, nil, restErr(http.StatusUnauthorized, "Forbidden. Log in (HTTP Basic or an API token) to use the REST API."))
			return
		}
		s.restWrite(rr, nil, restErr(http.StatusForbidden, "Forbidden."))
		return
	}
	if err := s.restRateLimit(q, rr); err != nil {
		s.restWrite(rr, nil, err)
		return
	}
	if o := q.r.Header.Get("X-HTTP-Method-Override"); o != "" {
		if rr.method != http.MethodPost {
			s.restWrite(rr, nil, restErr(http.StatusBadRequest, "X-HTTP-Method-Override: "+o+" must be used with POST method not "+rr.method+"."))
			return
		}
		rr.method = strings.ToUpper(strings.TrimSpace(o))
	}
	if rr.method == http.MethodHead {
		rr.method = http.MethodGet
	}
	path := strings.Trim(strings.TrimPrefix(q.path, "rest"), "/")
	path, err := s.restFormat(q, rr, path)
	if err != nil {
		s.restWrite(rr, nil, err)
		return
	}
	in, err := readRESTInput(q, rr.method)
	if err != nil {
		if rr.method == http.MethodPatch {
			h.Set("Accept-Patch", "application/json, application/x-www-form-urlencoded, multipart/form-data")
		}
		s.restWrite(rr, nil, err)
		return
	}
	rr.in = in
	if v, ok := in.get("@pretty"); ok && strings.EqualFold(v.value, "false") {
		rr.pretty = false
	}
	if v, ok := in.get("@stats"); ok && strings.EqualFold(v.value, "true") {
		rr.stats = true
	}
	if v, ok := in.get("@apiver"); ok && strings.TrimSpace(v.value) != "1" {
		s.restWrite(rr, nil, restErr(http.StatusNotAcceptable, "Unrecognized api version: "+v.value+". See /rest without specifying api version for supported versions."))
		return
	}
	if path != "" {
		rr.parts = strings.Split(path, "/")
	}
	data, err := s.restRoute(rr)
	s.restWrite(rr, data, err)
}

// restRoute dispatches along Roundup's route table (the @Routing.route
// decorators in roundup/rest.py):
//
//	/                           GET describe
//	/summary                    GET
//	/data                       GET the classes
//	/data/user/roles            GET (Admin)
//	/data/CLASS                 GET collection, POST create, DELETE (refused)
//	/data/CLASS/@poe[/TOKEN]    POST-once-exactly
//	/data/CLASS/ID              GET, PUT, PATCH, DELETE (retire)
//	/data/CLASS/ID/PROP         GET, PUT, PATCH, DELETE (unset)
//	/data/CLASS/ID/@history     GET the journal (a Corral addition)
//
// and OPTIONS on each.
func (s *Site) restRoute(rr *restReq) (any, error) {
	p := rr.parts
	m := rr.method
	switch {
	case len(p) == 0:
		return restMethods(rr, "OPTIONS, GET", map[string]restHandler{"GET": s.restDescribe})
	case len(p) == 1 && p[0] == "summary":
		return restMethods(rr, "OPTIONS, GET", map[string]restHandler{"GET": s.restSummary})
	case p[0] != "data":
	case len(p) == 1:
		return restMethods(rr, "OPTIONS, GET", map[string]restHandler{"GET": s.restClasses})
	case len(p) == 3 && p[1] == "user" && p[2] == "roles":
		return restMethods(rr, "GET", map[string]restHandler{"GET": s.restRoles})
	case s.svc.Schema.Class(p[1]) == nil:
		return nil, restErr(http.StatusNotFound, "Class "+p[1]+" not found")
	case len(p) == 2:
		return restMethods(rr, "OPTIONS, GET, POST", map[string]restHandler{
			"GET": s.restGetCollection, "POST": s.restPostCollection, "DELETE": s.restDeleteCollection})
	case len(p) == 3 && p[2] == "@poe":
		return restMethods(rr, "POST", map[string]restHandler{"POST": s.restPOEToken})
	case len(p) == 4 && p[2] == "@poe":
		return restMethods(rr, "POST", map[string]restHandler{"POST": s.restPOECreate})
	case len(p) == 3:
		if m == http.MethodOptions {
			rr.q.w.Header().Set("Accept-Patch", "application/json, application/x-www-form-urlencoded, multipart/form-data")
		}
		return restMethods(rr, "OPTIONS, GET, PUT, DELETE, PATCH", map[string]restHandler{
			"GET": s.restGetItem, "PUT": s.restPutItem, "DELETE": s.restDeleteItem, "PATCH": s.restPatchItem})
	case len(p) == 4 && p[3] == "@history":
		return restMethods(rr, "OPTIONS, GET", map[string]restHandler{"GET": s.restHistory})
	case len(p) == 4:
		c := s.svc.Schema.Class(p[1])
		pr := c.Prop(p[3])
		if pr == nil && !(p[3] == "binary_content" && c.HasContent()) && !(p[3] == "content" && c.HasContent()) {
			if m == http.MethodOptions {
				return nil, restErr(http.StatusNotFound, "Attribute "+p[3]+" not valid for Class "+p[1])
			}
		}
		allow := "OPTIONS, GET, PUT, DELETE, PATCH"
		if pr != nil && pr.Protected || p[3] == "binary_content" {
			allow = "OPTIONS, GET"
		} else if m == http.MethodOptions {
			rr.q.w.Header().Set("Accept-Patch", "application/json, application/x-www-form-urlencoded, multipart/form-data")
		}
		return restMethods(rr, allow, map[string]restHandler{
			"GET": s.restGetProperty, "PUT": s.restPutProperty, "DELETE": s.restDeleteProperty, "PATCH": s.restPatchProperty})
	}
	return nil, restErr(http.StatusNotFound, "Nothing matches the given URI")
}

type restHandler func(rr *restReq) (any, error)

// restNoContent is the answer of OPTIONS: 204 and no body.
type restNoContent struct{}

// restCreated marks a 201 answer.
type restCreated struct{ data any }

// restMethods runs the handler for the request's method, answers OPTIONS
// with the allowed methods (204), and refuses other methods with 405 as
// Roundup's Routing.execute does.
func restMethods(rr *restReq, allow string, hs map[string]restHandler) (any, error) {
	h := rr.q.w.Header()
	h.Set("Allow", allow)
	if rr.method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", allow)
		return restNoContent{}, nil
	}
	fn := hs[rr.method]
	if fn == nil {
		return nil, restErr(http.StatusMethodNotAllowed, "Method "+rr.method+" not allowed. Allowed: "+allow)
	}
	return fn(rr)
}
