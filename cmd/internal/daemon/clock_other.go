//go:build !linux

package daemon

// monotonicUsec is unknown off Linux, where there is no systemd anyway.
func monotonicUsec() (int64, bool) { return 0, false }
