package main

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/metrics"
)

// Route classes: the label of corral_http_requests_total and of the
// latency histogram. A fixed set, so that URLs (item ids, queries) never
// become label values.
const (
	routeIndex    = "index"    // CLASS, the home page: index queries
	routeSearch   = "search"   // an index with @search_text (full text)
	routeItem     = "item"     // CLASSID pages, and new-item forms
	routeContent  = "content"  // CLASSID/NAME downloads
	routeReview   = "review"   // fileN/review
	routeAction   = "action"   // POST (@action=edit, new, login, ...)
	routeREST     = "rest"     // rest/...
	routeFeed     = "feed"     // .atom / .rss
	routeStatic   = "static"   // @@file/...
	routeTrackers = "trackers" // / listing the trackers
	routeOther    = "other"
)

var routeClasses = []string{routeIndex, routeSearch, routeItem, routeContent, routeReview, routeAction,
	routeREST, routeFeed, routeStatic, routeTrackers, routeOther}

// latencyBuckets suit page rendering: sub-millisecond to seconds.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// httpMetrics counts web requests by route class and status and times
// them per route class.
type httpMetrics struct {
	requests *metrics.CounterVec
	latency  map[string]*metrics.Histogram
	inFlight *metrics.Gauge
	// names are the trackers' URL names; single is true when one tracker
	// is served at /.
	names  map[string]bool
	single bool
}

func newHTTPMetrics(reg *metrics.Registry, trackerNames []string) *httpMetrics {
	m := &httpMetrics{
		requests: reg.CounterVec("corral_http_requests_total", "Web requests answered, by route class and status code.", "route", "code"),
		latency:  map[string]*metrics.Histogram{},
		inFlight: reg.Gauge("corral_http_requests_in_flight", "Web requests being handled."),
		names:    map[string]bool{},
	}
	for _, r := range routeClasses {
		m.latency[r] = reg.Histogram("corral_http_request_duration_seconds",
			"Time to answer a web request, by route class.", latencyBuckets, metrics.L("route", r))
	}
	for _, n := range trackerNames {
		m.names[n] = true
	}
	m.single = len(trackerNames) == 1 && trackerNames[0] == ""
	return m
}

// wrap is the middleware around the web handler.
func (m *httpMetrics) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		route := m.classify(r)
		rec := &codeRecorder{ResponseWriter: w}
		m.inFlight.Inc()
		defer func() {
			m.inFlight.Dec()
			code := rec.code
			if code == 0 {
				code = http.StatusOK
			}
			m.requests.With(route, strconv.Itoa(code)).Inc()
			m.latency[route].ObserveDuration(time.Since(start))
		}()
		next.ServeHTTP(rec, r)
	})
}

// classify names the route class of a request from its method, path and
// query (never its body).
func (m *httpMetrics) classify(r *http.Request) string {
	p := strings.TrimPrefix(r.URL.Path, "/")
	if !m.single {
		name, rest, ok := strings.Cut(p, "/")
		if name == "" {
			return routeTrackers
		}
		if !ok || !m.names[name] {
			return routeOther
		}
		p = rest
	}
	if r.Method == http.MethodPost {
		if p == "rest" || strings.HasPrefix(p, "rest/") {
			return routeREST
		}
		return routeAction
	}
	first, rest, _ := strings.Cut(p, "/")
	switch {
	case strings.HasPrefix(p, "@@file/"):
		return routeStatic
	case first == "rest":
		return routeREST
	case strings.HasSuffix(first, ".atom") || strings.HasSuffix(first, ".rss"):
		return routeFeed
	case rest == "review":
		return routeReview
	case rest != "":
		return routeContent
	case first != "" && hasDigitSuffix(first):
		return routeItem
	}
	q := r.URL.Query()
	switch {
	case q.Get("@search_text") != "":
		return routeSearch
	case q.Get("@template") == "item":
		return routeItem
	}
	return routeIndex
}

// hasDigitSuffix reports whether s looks like a designator (issue42).
func hasDigitSuffix(s string) bool {
	return s != "" && s[len(s)-1] >= '0' && s[len(s)-1] <= '9' && s[0] >= 'a' && s[0] <= 'z'
}

// codeRecorder remembers the status code written.
type codeRecorder struct {
	http.ResponseWriter
	code int
}

func (c *codeRecorder) WriteHeader(code int) {
	if c.code == 0 {
		c.code = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *codeRecorder) Write(b []byte) (int, error) {
	if c.code == 0 {
		c.code = http.StatusOK
	}
	return c.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (c *codeRecorder) Unwrap() http.ResponseWriter { return c.ResponseWriter }
