package daemon

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// Notifier sends sd_notify(3) state changes to the service manager: one
// datagram per call on the unix socket named by $NOTIFY_SOCKET (a path, or
// "@name" in the abstract namespace). Without $NOTIFY_SOCKET (not started
// by systemd with Type=notify) every call does nothing and returns nil.
type Notifier struct {
	addr        string
	watchdog    time.Duration
	watchdogPID int
}

// NewNotifier reads $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID from
// the environment.
func NewNotifier() *Notifier {
	return newNotifier(os.Getenv)
}

func newNotifier(getenv func(string) string) *Notifier {
	n := &Notifier{addr: getenv("NOTIFY_SOCKET")}
	if usec, err := strconv.ParseInt(getenv("WATCHDOG_USEC"), 10, 64); err == nil && usec > 0 {
		n.watchdog = time.Duration(usec) * time.Microsecond
		n.watchdogPID, _ = strconv.Atoi(getenv("WATCHDOG_PID"))
	}
	return n
}

// Enabled reports whether a service manager listens.
func (n *Notifier) Enabled() bool { return n.addr != "" }

// Notify sends state, newline-separated VAR=value assignments.
func (n *Notifier) Notify(state string) error {
	if n.addr == "" {
		return nil
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: n.addr, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("connecting to NOTIFY_SOCKET: %w", err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(state)); err != nil {
		return fmt.Errorf("writing to NOTIFY_SOCKET: %w", err)
	}
	return nil
}

// Ready tells the manager that start-up (or a reload) is complete.
func (n *Notifier) Ready() error { return n.Notify("READY=1") }

// Reloading tells the manager a reload began; Type=notify-reload wants
// the CLOCK_MONOTONIC time with it. Send Ready when it is done.
func (n *Notifier) Reloading() error {
	usec, ok := monotonicUsec()
	if !ok {
		return n.Notify("RELOADING=1")
	}
	return n.Notify("RELOADING=1\nMONOTONIC_USEC=" + strconv.FormatInt(usec, 10))
}

// Stopping tells the manager that shutdown began.
func (n *Notifier) Stopping() error { return n.Notify("STOPPING=1") }

// Status sets the free-form status line shown by systemctl status.
func (n *Notifier) Status(s string) error { return n.Notify("STATUS=" + s) }

// Watchdog sends one keep-alive ping.
func (n *Notifier) Watchdog() error { return n.Notify("WATCHDOG=1") }

// WatchdogInterval returns the manager's WatchdogSec for this process, or
// false when no watchdog is armed.
func (n *Notifier) WatchdogInterval() (time.Duration, bool) {
	if n.watchdog <= 0 || (n.watchdogPID != 0 && n.watchdogPID != os.Getpid()) {
		return 0, false
	}
	return n.watchdog, true
}

// RunWatchdog pings at half the watchdog interval until ctx ends, calling
// alive first each time when it is not nil: a daemon whose main loop is
// stuck then stops pinging and systemd restarts it. Without a watchdog it
// returns at once.
func (n *Notifier) RunWatchdog(ctx context.Context, alive func() bool) {
	d, ok := n.WatchdogInterval()
	if !ok {
		return
	}
	t := time.NewTicker(d / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if alive == nil || alive() {
				n.Watchdog()
			}
		}
	}
}
