package daemon

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Signals delivers SIGINT, SIGTERM and SIGHUP to a daemon's main loop.
// Create it before starting services so that no signal is missed.
type Signals struct {
	ch     chan os.Signal
	log    *slog.Logger
	notify *Notifier
}

// NewSignals starts catching SIGINT, SIGTERM and SIGHUP. n may be nil.
func NewSignals(logger *slog.Logger, n *Notifier) *Signals {
	if n == nil {
		n = &Notifier{}
	}
	s := &Signals{ch: make(chan os.Signal, 4), log: logger, notify: n}
	signal.Notify(s.ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	return s
}

// Stop restores the default signal handling.
func (s *Signals) Stop() { signal.Stop(s.ch) }

// Wait blocks until SIGINT or SIGTERM (returned) or the end of ctx
// (nil). Each SIGHUP calls reload, bracketed by RELOADING=1 and READY=1;
// a failed reload is logged and the daemon keeps its old configuration
// (DESIGN §2: SIGHUP reloads configuration and certificates).
func (s *Signals) Wait(ctx context.Context, reload func(context.Context) error) os.Signal {
	for {
		select {
		case <-ctx.Done():
			return nil
		case sig := <-s.ch:
			if sig != syscall.SIGHUP {
				s.log.Info("shutting down", "signal", sig.String())
				return sig
			}
			if reload == nil {
				s.log.Info("SIGHUP ignored: nothing to reload")
				continue
			}
			s.notify.Reloading()
			rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			err := reload(rctx)
			cancel()
			if err != nil {
				s.log.Error("reload failed, keeping the old configuration", "error", err)
			} else {
				s.log.Info("reloaded")
			}
			s.notify.Ready()
		}
	}
}

// DrainContext returns the context a shutdown runs under: it ends after
// timeout (DESIGN §2: exit within 10 s of SIGTERM), or at once when
// another SIGINT or SIGTERM arrives (an impatient operator).
func (s *Signals) DrainContext(timeout time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case sig := <-s.ch:
				if sig == syscall.SIGHUP {
					continue
				}
				s.log.Warn("second signal: stopping now", "signal", sig.String())
				cancel()
				return
			}
		}
	}()
	return ctx, cancel
}
