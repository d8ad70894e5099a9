// Command corral-server serves Corral trackers over HTTP, as Roundup's
// roundup-server does: `corral-server [-n HOST] [-p PORT] [-C FILE]
// NAME=HOME ...` serves each tracker under /NAME/ (a single HOME given
// alone is served at /), with the notification mail worker of each
// tracker running in the same process unless --no-workers. /metrics,
// /healthz and /readyz answer at the root of the port (DESIGN.md §2
// "Operations").
//
// `corral-server --demo [DIR]` is the one-command start: it creates a
// python-dev tracker on SQLite in DIR (default ./demo) on first use, with
// outgoing mail written to DIR/mail.mbox, users admin, alice, bob and
// carol with random passwords and a few example issues, serves it on
// 127.0.0.1:8917 (unless -n/-p) with the mail gateway's SMTP listener on
// 127.0.0.1:8025 (--demo-smtp), and prints, one per line, the tracker
// URL and the passwords (again on later runs: they are kept in
// DIR/demo-passwords.txt).
//
// It runs as a systemd Type=notify service: READY=1 once listening;
// SIGHUP re-reads each tracker's config.ini — the web settings, the
// html/ templates and the outgoing mail settings — and reopens the log
// file (-l); SIGTERM stops accepting connections, lets requests in
// flight and the mail being delivered finish, and exits within 10 s.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/daemon"
	"github.com/corral-tracker/corral/cmd/internal/metrics"
	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(os.Stderr, strings.SplitN(usageText, "\n\n", 2)[0])
		fmt.Fprintln(os.Stderr, ue.msg)
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, "corral-server:", err)
	os.Exit(1)
}

// run is corral-server: flags → logger → (demo tracker) → trackers and
// their sites → listener → workers → READY=1 → wait for a signal → stop
// the listener, the workers and the databases under one deadline. It
// returns when ctx ends too (tests).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseArgs(args)
	if err != nil {
		return err
	}
	if o.help {
		io.WriteString(stdout, usageText)
		return nil
	}
	if o.version {
		fmt.Fprintln(stdout, "corral-server", trackerhome.Version)
		return nil
	}
	level, err := daemon.ParseLevel(o.logLevel)
	if err != nil {
		return usagef("corral-server: --log-level: %v", err)
	}
	logw, err := openLog(o.logFile, stderr)
	if err != nil {
		return err
	}
	defer logw.Close()
	logger, err := daemon.NewLogger(logw, o.logFormat, level)
	if err != nil {
		return usagef("corral-server: --log-format: %v", err)
	}
	for _, w := range o.warnings {
		logger.Warn(w)
	}
	// Signals first, so that none is missed while the trackers open.
	notifier := daemon.NewNotifier()
	sigs := daemon.NewSignals(logger, notifier)
	defer sigs.Stop()

	var ln net.Listener // the demo's, made early to learn its URL, or the web one
	defer func() {
		if ln != nil {
			ln.Close()
		}
	}()
	var dm *demo
	webURL := map[string]string{}
	if o.demo {
		if !o.hostSet {
			o.host = demoHost
		}
		if !o.portSet {
			o.port = demoPort
		}
		if ln, err = listenHTTP(o.addr()); err != nil {
			return err
		}
		abs, err := filepath.Abs(o.demoDir)
		if err != nil {
			return err
		}
		name := demoName(abs)
		url := "http://" + urlHost(ln.Addr(), o.host) + "/" + name + "/"
		if dm, err = prepareDemo(ctx, o.demoDir, url, logger); err != nil {
			return err
		}
		o.trackers = []trackerSpec{{dm.name, dm.dir}}
		webURL[dm.name] = url
	}

	fl, err := openFleet(ctx, o.trackers, o.demo, webURL, logger)
	if err != nil {
		return err
	}
	defer fl.Close()

	reg := metrics.NewRegistry()
	metrics.RegisterProcess(reg)
	hm := newHTTPMetrics(reg, fl.names())
	registerTrackerMetrics(reg, fl)
	sw := &swapHandler{}
	sw.set(fl.handler())
	srv := &http.Server{
		Handler:           rootHandler(daemon.OpsHandler(reg, fl.ready), hm.wrap(sw)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // uploads up to the 32 MiB form limit on slow links
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if ln == nil {
		// Socket activation: the socket named "http", or the only one.
		if ln, err = daemon.ActivatedOrListen("http", func() (net.Listener, error) { return listenHTTP(o.addr()) }); err != nil {
			return err
		}
	}
	if err := writePidFile(o.pidFile); err != nil {
		return err
	}
	defer removePidFile(o.pidFile)
	var ppf *http.Server
	if o.pprof != "" {
		if ppf, err = servePprof(o.pprof, logger); err != nil {
			return err
		}
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	serveErr := make(chan error, 1)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			serveErr <- err
			cancel()
		}
	}()
	logger.Info("corral-server listening", "addr", ln.Addr().String(), "trackers", len(o.trackers), "version", trackerhome.Version)
	for _, t := range o.trackers {
		logger.Info("serving tracker", "path", "/"+t.name, "home", t.home)
	}
	workers := !o.noWorkers
	if workers {
		fl.startWorkers()
	}
	var smtpIn *demoSMTP
	if dm != nil && o.demoSMTP != "off" && o.demoSMTP != "" {
		if smtpIn, err = startDemoSMTP(fl.trackers[0], o.demoSMTP, logger); err != nil {
			logger.Warn("the demo runs without incoming mail", "error", err)
		}
	}
	if dm != nil {
		printDemo(stdout, dm, webURL[dm.name], fl, smtpIn)
	}
	notifier.Ready()
	// The watchdog is fed only while every tracker's database answers, so
	// systemd restarts a server whose database connection is wedged.
	go notifier.RunWatchdog(wctx, func() bool {
		ctx, cancel := context.WithTimeout(wctx, 5*time.Second)
		defer cancel()
		if err := fl.ready(ctx); err != nil {
			logger.Warn("watchdog not fed: database does not answer", "error", err)
			return false
		}
		return true
	})

	sigs.Wait(wctx, func(rctx context.Context) error {
		if err := logw.Reopen(); err != nil {
			return err
		}
		h, err := fl.reload(rctx, workers)
		if err != nil {
			return err
		}
		sw.set(h)
		return nil
	})

	notifier.Stopping()
	dctx, dcancel := sigs.DrainContext(o.drainTimeout)
	defer dcancel()
	if err := srv.Shutdown(dctx); err != nil {
		logger.Warn("requests still running at the deadline", "error", err)
		srv.Close()
	}
	if smtpIn != nil {
		if err := smtpIn.Shutdown(dctx); err != nil {
			logger.Warn("stopping the SMTP listener", "error", err)
		}
	}
	if err := fl.stopWorkers(dctx); err != nil {
		logger.Warn(err.Error())
	}
	if ppf != nil {
		ppf.Close()
	}
	logger.Info("corral-server stopped")
	select {
	case err := <-serveErr:
		return fmt.Errorf("serving HTTP: %w", err)
	default:
	}
	return nil
}

// listenHTTP opens the HTTP listener.
func listenHTTP(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	return ln, nil
}

// urlHost is host:port for URLs: the host as given (an unspecified
// address becomes localhost), the port as bound (-p 0 picks one).
func urlHost(a net.Addr, host string) string {
	port := "0"
	if ta, ok := a.(*net.TCPAddr); ok {
		port = strconv.Itoa(ta.Port)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// printDemo prints, one per line, the demo's URL, passwords and mail
// files (DESIGN.md §2.1).
func printDemo(w io.Writer, d *demo, url string, fl *fleet, in *demoSMTP) {
	fmt.Fprintln(w, url)
	for _, l := range d.lines {
		fmt.Fprintln(w, l)
	}
	if len(fl.trackers) == 1 {
		cfg := fl.trackers[0].home.Config
		if cfg.Raw("mail", "debug") != "" {
			fmt.Fprintln(w, "outgoing mail (mbox): "+cfg.Path("mail", "debug"))
		}
	}
	if in != nil && len(fl.trackers) == 1 {
		fmt.Fprintf(w, "incoming mail (SMTP): %s, to %s\n", in.ln.Addr(), fl.trackers[0].home.Config.Address("tracker", "email"))
	}
}
