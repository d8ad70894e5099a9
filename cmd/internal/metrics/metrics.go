// Package metrics is a small registry of counters, gauges and histograms
// exposed in the Prometheus text format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/), for the
// /metrics endpoint of every Corral daemon. It exists so the daemons need
// no client library: a few dozen series, written on scrape.
//
// Metrics are registered once at start-up on a Registry the daemon
// creates (no global registry). Values are either kept here (Counter,
// Gauge, Histogram, updated atomically) or read from the owner at scrape
// time (CounterFunc, GaugeFunc), which suits packages such as ircgw that
// keep their own counters and import nothing of ours.
package metrics

import (
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Label is one constant label of a series, e.g. L("reason", "expired").
type Label struct{ Name, Value string }

// L makes a Label.
func L(name, value string) Label { return Label{name, value} }

// Registry holds metric families in registration order.
type Registry struct {
	mu       sync.Mutex
	families []*family
	byName   map[string]*family
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byName: make(map[string]*family)}
}

type kind string

const (
	kindCounter   kind = "counter"
	kindGauge     kind = "gauge"
	kindHistogram kind = "histogram"
)

// family is all series of one metric name: one HELP and TYPE line.
type family struct {
	name, help string
	kind       kind
	series     []series
}

// series writes its sample lines.
type series interface {
	write(b *strings.Builder, name string)
}

var nameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)

// add registers one series under name. Registering the same name with
// another type, or an invalid name, is a programming error and panics, as
// at start-up it is a bug to fix, not a condition to handle.
func (r *Registry) add(name, help string, k kind, s series, labels []Label) {
	if !nameRE.MatchString(name) {
		panic(fmt.Sprintf("metrics: invalid metric name %q", name))
	}
	for _, l := range labels {
		if !nameRE.MatchString(l.Name) || strings.HasPrefix(l.Name, "__") {
			panic(fmt.Sprintf("metrics: invalid label name %q", l.Name))
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.byName[name]
	if f == nil {
		f = &family{name: name, help: help, kind: k}
		r.byName[name] = f
		r.families = append(r.families, f)
	}
	if f.kind != k {
		panic(fmt.Sprintf("metrics: %s registered as %s and %s", name, f.kind, k))
	}
	f.series = append(f.series, s)
}

// Counter is a value that only goes up (requests, lines delivered).
type Counter struct {
	labels string
	bits   atomic.Uint64
}

// Counter registers a counter. By convention its name ends in _total.
func (r *Registry) Counter(name, help string, labels ...Label) *Counter {
	c := &Counter{labels: formatLabels(labels)}
	r.add(name, help, kindCounter, c, labels)
	return c
}

// Inc adds 1.
func (c *Counter) Inc() { c.Add(1) }

// Add adds v, which must not be negative.
func (c *Counter) Add(v float64) {
	if v < 0 {
		return
	}
	addFloat(&c.bits, v)
}

// Value returns the current value.
func (c *Counter) Value() float64 { return math.Float64frombits(c.bits.Load()) }

func (c *Counter) write(b *strings.Builder, name string) {
	writeSample(b, name, c.labels, c.Value())
}

// Gauge is a value that goes up and down (queue depth, connections).
type Gauge struct {
	labels string
	bits   atomic.Uint64
}

// Gauge registers a gauge.
func (r *Registry) Gauge(name, help string, labels ...Label) *Gauge {
	g := &Gauge{labels: formatLabels(labels)}
	r.add(name, help, kindGauge, g, labels)
	return g
}

// Set sets the value.
func (g *Gauge) Set(v float64) { g.bits.Store(math.Float64bits(v)) }

// Add adds v (negative to decrease).
func (g *Gauge) Add(v float64) { addFloat(&g.bits, v) }

// Inc adds 1; Dec subtracts 1.
func (g *Gauge) Inc() { g.Add(1) }

// Dec subtracts 1.
func (g *Gauge) Dec() { g.Add(-1) }

// Value returns the current value.
func (g *Gauge) Value() float64 { return math.Float64frombits(g.bits.Load()) }

func (g *Gauge) write(b *strings.Builder, name string) {
	writeSample(b, name, g.labels, g.Value())
}

// funcSeries reads its value at scrape time.
type funcSeries struct {
	labels string
	f      func() float64
}

func (s *funcSeries) write(b *strings.Builder, name string) {
	writeSample(b, name, s.labels, s.f())
}

// CounterFunc registers a counter whose value f returns at scrape time.
func (r *Registry) CounterFunc(name, help string, f func() float64, labels ...Label) {
	r.add(name, help, kindCounter, &funcSeries{labels: formatLabels(labels), f: f}, labels)
}

// GaugeFunc registers a gauge whose value f returns at scrape time.
func (r *Registry) GaugeFunc(name, help string, f func() float64, labels ...Label) {
	r.add(name, help, kindGauge, &funcSeries{labels: formatLabels(labels), f: f}, labels)
}

// CounterVec is a counter with variable labels, e.g. requests by status.
type CounterVec struct {
	r          *Registry
	name, help string
	names      []string
	mu         sync.Mutex
	children   map[string]*Counter
}

// CounterVec registers a counter family whose series are created on first
// use with With.
func (r *Registry) CounterVec(name, help string, labelNames ...string) *CounterVec {
	r.mu.Lock()
	if f := r.byName[name]; f == nil {
		f = &family{name: name, help: help, kind: kindCounter}
		r.byName[name] = f
		r.families = append(r.families, f)
	}
	r.mu.Unlock()
	return &CounterVec{r: r, name: name, help: help, names: labelNames, children: map[string]*Counter{}}
}

// With returns the counter for these label values (in the order of the
// label names), creating it at 0.
func (v *CounterVec) With(values ...string) *Counter {
	if len(values) != len(v.names) {
		panic(fmt.Sprintf("metrics: %s wants %d label values, got %d", v.name, len(v.names), len(values)))
	}
	key := strings.Join(values, "\xff")
	v.mu.Lock()
	defer v.mu.Unlock()
	if c := v.children[key]; c != nil {
		return c
	}
	labels := make([]Label, len(values))
	for i := range values {
		labels[i] = Label{v.names[i], values[i]}
	}
	c := v.r.Counter(v.name, v.help, labels...)
	v.children[key] = c
	return c
}

// Handler serves the registry as a /metrics page.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Write([]byte(r.Text()))
	})
}

// Text returns the exposition: for each family its HELP and TYPE lines
// and its samples.
func (r *Registry) Text() string {
	r.mu.Lock()
	fams := append([]*family(nil), r.families...)
	r.mu.Unlock()
	var b strings.Builder
	for _, f := range fams {
		r.mu.Lock()
		ss := append([]series(nil), f.series...)
		r.mu.Unlock()
		if len(ss) == 0 {
			continue
		}
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", f.name, escapeHelp(f.help), f.name, f.kind)
		for _, s := range ss {
			s.write(&b, f.name)
		}
	}
	return b.String()
}

func addFloat(bits *atomic.Uint64, v float64) {
	for {
		old := bits.Load()
		if bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

func writeSample(b *strings.Builder, name, labels string, v float64) {
	b.WriteString(name)
	b.WriteString(labels)
	b.WriteByte(' ')
	b.WriteString(formatValue(v))
	b.WriteByte('\n')
}

// formatValue writes a float as the text format wants: Go syntax, with
// +Inf, -Inf and NaN spelled out.
func formatValue(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// formatLabels renders {a="x",b="y"} with names sorted, or "".
func formatLabels(labels []Label) string {
	if len(labels) == 0 {
		return ""
	}
	ls := append([]Label(nil), labels...)
	sort.Slice(ls, func(i, j int) bool { return ls[i].Name < ls[j].Name })
	var b strings.Builder
	b.WriteByte('{')
	for i, l := range ls {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(l.Name)
		b.WriteString(`="`)
		b.WriteString(escapeLabel(l.Value))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// escapeLabel escapes \, " and newline in label values; escapeHelp
// escapes \ and newline in HELP text (text format 0.0.4).
func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func escapeHelp(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}
