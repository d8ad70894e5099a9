package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/metrics"
)

// OpsHandler serves the operations endpoints at the root of its own port:
//
//   - /metrics: reg in Prometheus text format 0.0.4;
//   - /healthz: 200 "ok" while the process runs (liveness);
//   - /readyz: 200 "ready" when ready returns nil within 2 s, else 503
//     with the error (readiness; ready nil means always ready).
func OpsHandler(reg *metrics.Registry, ready func(context.Context) error) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", reg.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if ready != nil {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			defer cancel()
			if err := ready(ctx); err != nil {
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintln(w, "not ready:", err)
				return
			}
		}
		fmt.Fprintln(w, "ready")
	})
	return mux
}

// OpsServer is the HTTP server behind --metrics ADDR.
type OpsServer struct {
	srv *http.Server
	ln  net.Listener
}

// ServeOps listens on addr and serves h in the background. Bind it to
// loopback or a private interface: it is unauthenticated.
func ServeOps(addr string, h http.Handler, logger *slog.Logger) (*OpsServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening for metrics on %s: %w", addr, err)
	}
	o := &OpsServer{
		ln: ln,
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		},
	}
	go func() {
		if err := o.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics server stopped", "error", err)
		}
	}()
	logger.Info("serving metrics", "addr", ln.Addr().String())
	return o, nil
}

// Addr is the address the server listens on.
func (o *OpsServer) Addr() string { return o.ln.Addr().String() }

// Shutdown stops the server, waiting for requests in flight until ctx
// ends.
func (o *OpsServer) Shutdown(ctx context.Context) error {
	if err := o.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("stopping metrics server: %w", err)
	}
	return nil
}
