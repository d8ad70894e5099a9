package daemon

import "golang.org/x/sys/unix"

// monotonicUsec reads CLOCK_MONOTONIC in microseconds, the clock
// sd_notify's MONOTONIC_USEC is measured on (Go's time package does not
// expose its monotonic reading).
func monotonicUsec() (int64, bool) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0, false
	}
	return ts.Sec*1e6 + ts.Nsec/1e3, true
}
