package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/daemon"
	"github.com/corral-tracker/corral/cmd/internal/metrics"
	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/config"
	"github.com/corral-tracker/corral/mailgw"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
)

// run is corral-mailgw: flags → logger → tracker home → gateway → the
// source → delivery of the mail this run queued.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	started := time.Now()
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	if o.help {
		io.WriteString(stdout, usageText)
		return nil
	}
	if o.version {
		fmt.Fprintln(stdout, "corral-mailgw", trackerhome.Version)
		return nil
	}
	level, err := daemon.ParseLevel(o.logLevel)
	if err != nil {
		return &usageError{err.Error()}
	}
	log, err := daemon.NewLogger(stderr, o.logFormat, level)
	if err != nil {
		return &usageError{err.Error()}
	}
	oneShot := o.source == "" || o.source == "mailbox" || ((o.source == "imap" || o.source == "imaps" || o.source == "pop" || o.source == "pops") && !o.watch)

	// On stdin the message is read while the tracker opens.
	var msg <-chan readResult
	if o.source == "" {
		msg = readAsync(stdin)
	}
	start := time.Now()
	home, err := trackerhome.Open(ctx, o.home, trackerhome.Options{Logger: log})
	if err != nil {
		return setupError(o, fmt.Errorf("opening tracker %s: %w", o.home, err))
	}
	defer home.Close()
	log.Debug("tracker opened", "home", home.Dir, "ms", time.Since(start).Milliseconds())
	mailer, err := home.Mailer(log)
	if err != nil {
		return setupError(o, err)
	}
	if home.Config.Bool("pgp", "enable") {
		log.Warn("PGP is not supported: [pgp] enable is ignored, mail is taken unsigned")
	}
	gopts, err := gatewayOptions(home.Config, o, log)
	if err != nil {
		return setupError(o, err)
	}
	gw, err := mailgw.New(home.Service, mailer, gopts)
	if err != nil {
		return setupError(o, fmt.Errorf("%s: %w", home.Dir, err))
	}
	reg := metrics.NewRegistry()
	h := instrument(gw, reg)
	if o.metrics != "" {
		metrics.RegisterProcess(reg)
		ops, err := daemon.ServeOps(o.metrics, daemon.OpsHandler(reg, func(ctx context.Context) error {
			return home.Service.Read(ctx, tracker.AdminID, func(*tracker.Tx) error { return nil })
		}), log)
		if err != nil {
			return err
		}
		defer ops.Shutdown(context.Background())
	}

	var srcErr error
	switch o.source {
	case "":
		srcErr = fromStdin(ctx, h, msg)
		log.Debug("stdin message done", "since_start_ms", float64(time.Since(started).Microseconds())/1000)
	case "mailbox":
		srcErr = fromMbox(ctx, h, o.spec[0], log)
	default:
		srcErr = fromNetwork(ctx, o, home, h, mailer, reg, log)
	}
	if oneShot && !o.queueOnly {
		deliver(ctx, mailer, log)
	}
	return srcErr
}

// setupError: on stdin a failure before the message could be handled
// must not lose it, so the MTA is asked to retry (a broken home is
// fixed by its administrator, not by bouncing users' mail).
func setupError(o *options, err error) error {
	if o.source == "" {
		return &tempError{err}
	}
	return err
}

// deliver sends what this run queued (bounces, notifications,
// registration mail) as a one-shot process must (DESIGN §2 "Outgoing
// mail"); failures stay in the outbox for the server's worker.
func deliver(ctx context.Context, mailer *notify.Mailer, log *slog.Logger) {
	w := notify.NewWorker(mailer, fmt.Sprintf("corral-mailgw-%d", os.Getpid()))
	dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	n, err := w.Drain(dctx)
	if err != nil {
		log.Warn("delivering queued mail", "error", err)
	}
	log.Debug("queued mail delivered", "events", n)
}

type readResult struct {
	data []byte
	err  error
}

func readAsync(r io.Reader) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		b, err := io.ReadAll(r)
		ch <- readResult{b, err}
	}()
	return ch
}

// fromStdin handles one message: nil when it was handled, a tempError
// (exit 75) when it must be retried. A refusal on stdin is always
// answered by a bounce mail, so it counts as handled.
func fromStdin(ctx context.Context, h mailgw.Handler, msg <-chan readResult) error {
	r := <-msg
	if r.err != nil {
		return &tempError{fmt.Errorf("reading the message: %w", r.err)}
	}
	out := h.Handle(ctx, mailgw.Envelope{Source: mailgw.SourceStdin, From: os.Getenv("SENDER")}, r.data)
	if out.Status == mailgw.Deferred {
		return &tempError{fmt.Errorf("message deferred: %s", out.Text)}
	}
	return nil
}

// fromMbox handles a mailbox file (roundup-mailgw's "mailbox FILE").
func fromMbox(ctx context.Context, h mailgw.Handler, path string, log *slog.Logger) error {
	res, err := mailgw.ProcessMbox(ctx, h, path)
	log.Info("mailbox done", "path", path, "handled", res.Handled, "deferred", res.Deferred)
	if err != nil {
		return err
	}
	if res.Deferred > 0 {
		return &tempError{fmt.Errorf("%d message(s) deferred, kept in %s", res.Deferred, path)}
	}
	return nil
}

// gatewayOptions maps config.ini and the command line to mailgw.Options.
func gatewayOptions(cfg *config.Config, o *options, log *slog.Logger) (mailgw.Options, error) {
	opts := trackerhome.MailgwOptions(cfg, log)
	if o.class != "" {
		opts.DefaultClass = o.class
	}
	opts.SetValues = o.set
	return opts, nil
}
