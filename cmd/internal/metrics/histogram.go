package metrics

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultBuckets are upper bounds in seconds for latencies from 5 ms to
// 10 min — request handling and IRC delivery (which is paced at one line
// a second by default) alike.
var DefaultBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 600}

// Histogram counts observations in cumulative buckets, with their sum and
// count (Prometheus histogram).
type Histogram struct {
	labels []Label
	bounds []float64

	mu     sync.Mutex
	counts []uint64 // per bucket, not cumulative; last is +Inf
	sum    float64
	count  uint64
}

// Histogram registers a histogram with the given bucket upper bounds
// (sorted for you; nil means DefaultBuckets).
func (r *Registry) Histogram(name, help string, buckets []float64, labels ...Label) *Histogram {
	if buckets == nil {
		buckets = DefaultBuckets
	}
	b := append([]float64(nil), buckets...)
	sort.Float64s(b)
	h := &Histogram{labels: labels, bounds: b, counts: make([]uint64, len(b)+1)}
	r.add(name, help, kindHistogram, h, labels)
	return h
}

// Observe records one value.
func (h *Histogram) Observe(v float64) {
	i := sort.SearchFloat64s(h.bounds, v) // first bound ≥ v
	h.mu.Lock()
	h.counts[i]++
	h.sum += v
	h.count++
	h.mu.Unlock()
}

// ObserveDuration records d in seconds.
func (h *Histogram) ObserveDuration(d time.Duration) { h.Observe(d.Seconds()) }

func (h *Histogram) write(b *strings.Builder, name string) {
	h.mu.Lock()
	counts := append([]uint64(nil), h.counts...)
	sum, count := h.sum, h.count
	h.mu.Unlock()
	var cum uint64
	for i, bound := range h.bounds {
		cum += counts[i]
		le := append(append([]Label(nil), h.labels...), L("le", formatValue(bound)))
		fmt.Fprintf(b, "%s_bucket%s %d\n", name, formatLabels(le), cum)
	}
	le := append(append([]Label(nil), h.labels...), L("le", formatValue(math.Inf(1))))
	fmt.Fprintf(b, "%s_bucket%s %d\n", name, formatLabels(le), count)
	writeSample(b, name+"_sum", formatLabels(h.labels), sum)
	fmt.Fprintf(b, "%s_count%s %d\n", name, formatLabels(h.labels), count)
}
