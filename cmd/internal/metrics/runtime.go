package metrics

import (
	"runtime"
	"time"
)

// RegisterProcess adds the usual process series: goroutines, heap in use,
// memory obtained from the OS, and the start time, so that every daemon's
// /metrics shows its footprint.
func RegisterProcess(r *Registry) {
	start := float64(time.Now().UnixNano()) / 1e9
	r.GaugeFunc("go_goroutines", "Number of goroutines that currently exist.",
		func() float64 { return float64(runtime.NumGoroutine()) })
	r.GaugeFunc("go_memstats_heap_inuse_bytes", "Number of heap bytes that are in use.",
		func() float64 { return float64(readMem().HeapInuse) })
	r.GaugeFunc("go_memstats_sys_bytes", "Number of bytes obtained from the system.",
		func() float64 { return float64(readMem().Sys) })
	r.GaugeFunc("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
		func() float64 { return start })
}

func readMem() runtime.MemStats {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m
}
