package metrics

import (
	"math"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	r := NewRegistry()
	c := r.Counter("app_requests_total", "Requests received.")
	c.Inc()
	c.Add(2)
	c.Add(-5) // ignored: counters never go down
	r.Counter("app_dropped_total", "Lines dropped.", L("reason", "expired")).Add(4)
	r.CounterFunc("app_dropped_total", "Lines dropped.", func() float64 { return 1 }, L("reason", `full "queue"`))
	g := r.Gauge("app_queue", "Queue depth.\nin lines")
	g.Set(10)
	g.Dec()
	r.GaugeFunc("app_inf", "Infinite.", func() float64 { return math.Inf(1) })
	v := r.CounterVec("app_http_total", "HTTP requests.", "code", "method")
	v.With("200", "GET").Inc()
	v.With("200", "GET").Inc()
	v.With("404", "GET").Inc()

	want := `# HELP app_requests_total Requests received.
# TYPE app_requests_total counter
app_requests_total 3
# HELP app_dropped_total Lines dropped.
# TYPE app_dropped_total counter
app_dropped_total{reason="expired"} 4
app_dropped_total{reason="full \"queue\""} 1
# HELP app_queue Queue depth.\nin lines
# TYPE app_queue gauge
app_queue 9
# HELP app_inf Infinite.
# TYPE app_inf gauge
app_inf +Inf
# HELP app_http_total HTTP requests.
# TYPE app_http_total counter
app_http_total{code="200",method="GET"} 2
app_http_total{code="404",method="GET"} 1
`
	if got := r.Text(); got != want {
		t.Errorf("Text() =\n%s\nwant\n%s", got, want)
	}
}

func TestHistogram(t *testing.T) {
	r := NewRegistry()
	h := r.Histogram("app_latency_seconds", "Latency.", []float64{1, 0.1}, L("path", "x"))
	for _, v := range []float64{0.05, 0.1, 0.5, 3} {
		h.Observe(v)
	}
	want := `# HELP app_latency_seconds Latency.
# TYPE app_latency_seconds histogram
app_latency_seconds_bucket{le="0.1",path="x"} 2
app_latency_seconds_bucket{le="1",path="x"} 3
app_latency_seconds_bucket{le="+Inf",path="x"} 4
app_latency_seconds_sum{path="x"} 3.65
app_latency_seconds_count{path="x"} 4
`
	if got := r.Text(); got != want {
		t.Errorf("Text() =\n%s\nwant\n%s", got, want)
	}
}

func TestHandler(t *testing.T) {
	r := NewRegistry()
	RegisterProcess(r)
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if ct := rec.Header().Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if body := rec.Body.String(); !strings.Contains(body, "\ngo_goroutines ") {
		t.Errorf("body lacks go_goroutines:\n%s", body)
	}
}

func TestRegistrationPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func(r *Registry)
	}{
		{"bad name", func(r *Registry) { r.Counter("bad-name", "") }},
		{"bad label", func(r *Registry) { r.Counter("ok", "", L("__x", "")) }},
		{"type clash", func(r *Registry) { r.Counter("x_total", ""); r.Gauge("x_total", "") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic, want one", tt.name)
				}
			}()
			tt.f(NewRegistry())
		})
	}
}
