package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/daemon"
	"github.com/corral-tracker/corral/cmd/internal/metrics"
	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/config"
	"github.com/corral-tracker/corral/mailgw"
	"github.com/corral-tracker/corral/mailgw/listen"
	"github.com/corral-tracker/corral/mailgw/poll"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
	"golang.org/x/time/rate"
)

// drainTimeout bounds the shutdown after SIGTERM (DESIGN §2 "Operations").
const drainTimeout = 10 * time.Second

// fromNetwork runs the network sources: the SMTP/LMTP listeners of
// mailgw/listen, the IMAP/POP3 pollers of mailgw/poll. A poller without
// --watch makes one pass and returns (a tempError when it deferred
// messages, which stay in the mailbox); the listeners and --watch run
// until SIGTERM, with a notification worker unless --queue-only.
func fromNetwork(ctx context.Context, o *options, home *trackerhome.Home, h *instrumented, mailer *notify.Mailer, reg *metrics.Registry, log *slog.Logger) error {
	cfg := home.Config
	// SIGHUP: config.ini is read again and the gateway rebuilt with its
	// [mailgw] options (mail transport and listener addresses stay).
	reload := func(context.Context) error {
		c, err := config.Load(home.Dir)
		if err == nil {
			err = c.Validate()
		}
		if err != nil {
			return err
		}
		gopts, err := gatewayOptions(c, o, log)
		if err != nil {
			return err
		}
		gw, err := mailgw.New(home.Service, mailer, gopts)
		if err != nil {
			return err
		}
		h.gw.Store(gw)
		log.Info("configuration reloaded", "home", home.Dir)
		return nil
	}
	switch o.source {
	case "smtp", "lmtp":
		return serveListener(ctx, o, home, h, mailer, reg, log, reload)
	}
	user, host, err := mailboxAccount(o.spec[0], log)
	if err != nil {
		return err
	}
	if user.pass == "" {
		if user.pass, err = poll.ReadPassword(cfg.Path("mailgw", "password_file")); err != nil {
			return err
		}
	}
	sec := poll.StartTLSIfOffered
	if strings.HasSuffix(o.source, "s") {
		sec = poll.ImplicitTLS
	}
	var once, watch func(context.Context) error
	switch o.source {
	case "imap", "imaps":
		after, err := poll.ParseAfter(cfg.String("mailgw", "imap_after"))
		if err != nil {
			return fmt.Errorf("config.ini: [mailgw] %w", err)
		}
		mbox := ""
		if len(o.spec) > 1 {
			mbox = o.spec[1]
		}
		p, err := poll.NewIMAP(h, log, poll.IMAPConfig{Addr: host, Username: user.name, Password: user.pass,
			Mailbox: mbox, Security: sec, After: after})
		if err != nil {
			return err
		}
		once, watch = p.Once, p.Run
	default:
		p, err := poll.NewPOP3(h, log, poll.POP3Config{Addr: host, Username: user.name, Password: user.pass, Security: sec})
		if err != nil {
			return err
		}
		once, watch = p.Once, p.Run
	}
	if !o.watch {
		err := once(ctx)
		if errors.Is(err, poll.ErrDeferred) {
			return &tempError{err}
		}
		return err
	}
	return runDaemon(ctx, o, home, mailer, log, func(ctx context.Context) error { return watch(ctx) }, nil, reload)
}

// serveListener runs an SMTP or LMTP listener on ADDR or unix:PATH.
func serveListener(ctx context.Context, o *options, home *trackerhome.Home, h *instrumented, mailer *notify.Mailer,
	reg *metrics.Registry, log *slog.Logger, reload func(context.Context) error) error {
	cfg := home.Config
	lopts := listen.Options{LMTP: o.source == "lmtp", Domain: cfg.String("mail", "domain"),
		SenderRate: -1, SenderBurst: cfg.Int("mailgw", "sender_burst")}
	if iv := cfg.Int("mailgw", "sender_interval"); iv > 0 {
		lopts.SenderRate = rate.Every(time.Duration(iv) * time.Second)
	}
	certs := &certStore{}
	if ok, err := certs.load(cfg); err != nil {
		return err
	} else if ok {
		lopts.TLSConfig = certs.tlsConfig()
		reload = withCertReload(reload, certs, func() (*config.Config, error) { return config.Load(home.Dir) })
	}
	srv := listen.New(h, log, lopts)
	// Socket activation: the socket named after the source ("lmtp" or
	// "smtp", FileDescriptorName=), or the only one; else the address.
	ln, err := daemon.ActivatedOrListen(o.source, func() (net.Listener, error) { return srv.Listen(o.spec[0]) })
	if err != nil {
		return err
	}
	reg.CounterFunc("corral_mailgw_smtp_connections_total", "SMTP/LMTP connections accepted.",
		func() float64 { return float64(srv.Stats().Connections) })
	serve := func(ctx context.Context) error {
		errc := make(chan error, 1)
		go func() { errc <- srv.Serve(ln) }()
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
			return nil
		}
	}
	return runDaemon(ctx, o, home, mailer, log, serve, srv.Shutdown, reload)
}

// runDaemon runs serve until SIGTERM/SIGINT (or ctx), with a notification
// worker unless --queue-only, READY=1 for systemd, reload on SIGHUP, and a
// drain of at most drainTimeout: shutdown lets the message in progress
// finish.
func runDaemon(ctx context.Context, o *options, home *trackerhome.Home, mailer *notify.Mailer, log *slog.Logger,
	serve func(context.Context) error, shutdown, reload func(context.Context) error) error {
	notifier := daemon.NewNotifier()
	sigs := daemon.NewSignals(log, notifier)
	defer sigs.Stop()
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- serve(sctx) }()
	var worker chan struct{}
	if !o.queueOnly {
		worker = make(chan struct{})
		w := notify.NewWorker(mailer, fmt.Sprintf("corral-mailgw-%d", os.Getpid()))
		go func() { defer close(worker); w.Run(sctx) }()
	}
	notifier.Ready()
	wctx, stopWatchdog := context.WithCancel(ctx)
	// The watchdog is fed only while the database answers: a gateway that
	// cannot commit defers every message, and systemd should restart it.
	go notifier.RunWatchdog(wctx, func() bool {
		pctx, cancel := context.WithTimeout(wctx, 5*time.Second)
		defer cancel()
		err := home.Service.Read(pctx, tracker.AdminID, func(tx *tracker.Tx) error {
			_, err := tx.Get("user", tracker.AdminID)
			return err
		})
		if err != nil {
			log.Warn("watchdog not fed: database does not answer", "error", err)
		}
		return err == nil
	})
	waited := make(chan struct{})
	go func() {
		sigs.Wait(sctx, reload)
		close(waited)
	}()
	var serveErr error
	select {
	case <-waited:
	case serveErr = <-errc:
	}
	stopWatchdog()
	notifier.Stopping()
	dctx, cancel := sigs.DrainContext(drainTimeout)
	defer cancel()
	if shutdown != nil {
		if err := shutdown(dctx); err != nil {
			log.Warn("shutdown cut short", "error", err)
		}
	}
	stop() // pollers finish the message in hand, then return
	if worker != nil {
		<-worker
	}
	return serveErr
}

type account struct{ name, pass string }

// mailboxAccount splits USER@HOST (the last '@' ends the user name, so
// USER may be an address). Roundup's USER:PASS@HOST is accepted with a
// warning: ps(1) shows the command line to every local user.
func mailboxAccount(spec string, log *slog.Logger) (account, string, error) {
	i := strings.LastIndexByte(spec, '@')
	if i <= 0 || i == len(spec)-1 {
		return account{}, "", &usageError{fmt.Sprintf("mailbox %q is not USER@HOST", spec)}
	}
	a := account{name: spec[:i]}
	if name, pass, ok := strings.Cut(a.name, ":"); ok {
		log.Warn("the mailbox password on the command line is visible to other users; use [mailgw] password_file, $CORRAL_MAIL_PASSWORD or a systemd credential")
		a = account{name: name, pass: pass}
	}
	return a, spec[i+1:], nil
}

var _ mailgw.Handler = (*instrumented)(nil)
