package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corral-tracker/corral/tracker/web"
)

// rootHandler sends /metrics, /healthz and /readyz to ops (at the root
// of the port, outside any tracker's path: DESIGN.md §2 "Operations")
// and everything else to the trackers.
func rootHandler(ops, trackers http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/metrics", "/healthz", "/readyz":
			ops.ServeHTTP(w, r)
		default:
			trackers.ServeHTTP(w, r)
		}
	})
}

// swapHandler serves the current web.Server; SIGHUP replaces it while
// requests run (they finish on the one they started with).
type swapHandler struct{ p atomic.Pointer[web.Server] }

func (s *swapHandler) set(h *web.Server) { s.p.Store(h) }

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.p.Load().ServeHTTP(w, r) }

// servePprof serves net/http/pprof on its own listener (--pprof ADDR),
// never on the public port.
func servePprof(addr string, log *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	log.Info("serving pprof", "addr", ln.Addr().String())
	return srv, nil
}

// writePidFile writes the process id (roundup-server -d), when path is
// set.
func writePidFile(path string) error {
	if path == "" {
		return nil
	}
	if err := os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return fmt.Errorf("writing pid file: %w", err)
	}
	return nil
}

func removePidFile(path string) {
	if path != "" {
		os.Remove(path)
	}
}

// logFile is where the log goes: standard error, or the -l file, which
// SIGHUP reopens (log rotation).
type logFile struct {
	path string
	mu   sync.Mutex
	w    io.Writer
	f    *os.File
}

func openLog(path string, stderr io.Writer) (*logFile, error) {
	l := &logFile{path: path, w: stderr}
	return l, l.Reopen()
}

// Reopen closes the file and opens path again (nothing for stderr).
func (l *logFile) Reopen() error {
	if l.path == "" {
		return nil
	}
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("opening log file: %w", err)
	}
	l.mu.Lock()
	old := l.f
	l.f, l.w = f, f
	l.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}

func (l *logFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Close closes the file.
func (l *logFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f, l.w = nil, io.Discard
	return errors.Join(err)
}
