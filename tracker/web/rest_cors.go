package web

import (
	"net/http"
	"strings"
)

// restExposed are the headers a cross-origin script may read (rest.py
// dispatch: rate limits, Sunset, Allow).
const restExposed = "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-RateLimit-Limit-Period, Retry-After, Sunset, Allow, ETag, X-Count-Total, Location"

// restCORS applies [web] allowed_api_origins (Roundup 2.x; CORS is off
// when it is empty). A listed origin gets Access-Control-Allow-Origin
// with credentials; with "*" first any origin may read what anonymous
// may, without credentials. When origins are configured the server's
// cross-origin protection lets REST requests through (TrustAPIOrigins)
// and the same check runs here with the listed origins trusted, so
// their scripts may also write. It reports false when it answered.
func (s *Site) restCORS(q *rq, rr *restReq) bool {
	rs := s.rest
	origin := q.r.Header.Get("Origin")
	if rs.corsEnabled() {
		if err := rs.cop.Check(q.r); err != nil {
			s.restWrite(rr, nil, restErr(http.StatusForbidden, "Client is not allowed to use Rest Interface."))
			return false
		}
	}
	if origin == "" {
		return true
	}
	h := q.w.Header()
	h.Set("Access-Control-Expose-Headers", restExposed)
	switch {
	case rs.origins[origin]:
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
	case rs.anyOrig:
		h.Set("Access-Control-Allow-Origin", origin)
	}
	return true
}

// restPreflight answers a CORS preflight (OPTIONS with
// Access-Control-Request-Method): 204 with the allowed methods and
// headers, cached for a day, for an allowed origin; 400 with Roundup's
// message otherwise.
func (s *Site) restPreflight(q *rq, rr *restReq) {
	rs := s.rest
	origin := q.r.Header.Get("Origin")
	if !rs.origins[origin] && !rs.anyOrig && !s.sameOrigin(q, origin) {
		s.restWrite(rr, nil, restErr(http.StatusBadRequest, "Client is not allowed to use Rest Interface."))
		return
	}
	h := q.w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	if rs.origins[origin] || s.sameOrigin(q, origin) {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, X-Requested-With, X-HTTP-Method-Override, If-Match")
	h.Set("Access-Control-Allow-Methods", "HEAD, OPTIONS, GET, POST, PUT, DELETE, PATCH")
	h.Set("Access-Control-Max-Age", "86400")
	h.Set("Allow", "HEAD, OPTIONS, GET, POST, PUT, DELETE, PATCH")
	q.w.WriteHeader(http.StatusNoContent)
}

// sameOrigin reports whether origin is the tracker's own ([tracker] web,
// or the request's host).
func (s *Site) sameOrigin(q *rq, origin string) bool {
	if origin == "" {
		return false
	}
	if web := s.cfg.Web; web != "" {
		if i := strings.Index(web, "://"); i >= 0 {
			host, _, _ := strings.Cut(web[i+3:], "/")
			if origin == web[:i+3]+host {
				return true
			}
		}
	}
	o := strings.TrimPrefix(strings.TrimPrefix(origin, "https://"), "http://")
	return o == q.r.Host
}
