// Command irkerd is Corral's drop-in replacement for irker's irkerd
// (irker 2.23): it takes irker JSON requests — {"to": URL or [URLs],
// "privmsg": text}, one per line on TCP, one per datagram on UDP, port 6659
// on localhost — and relays them to IRC channels over persistent
// connections. It accepts every irkerd 2.23 flag (and irker 1.x's numeric
// -d), plus --listen, --metrics and pacing/queue options; see -h and
// package ircgw for the behaviour and what is fixed relative to irkerd.
//
// It runs as a systemd Type=notify service: READY=1 once listening,
// SIGHUP re-reads the certificate, CA and password files and reopens the
// traffic log (-l), SIGTERM delivers what is queued for up to
// --drain-timeout (10 s), then QUITs.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/daemon"
	"github.com/corral-tracker/corral/cmd/internal/metrics"
	"github.com/corral-tracker/corral/ircgw"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(os.Stderr, strings.SplitN(usageText, "\n\n", 2)[0])
		fmt.Fprintln(os.Stderr, ue.msg)
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, "irkerd:", err)
	os.Exit(1)
}

// run is irkerd: flags → logger → relay → listeners → READY=1 → wait for
// a signal → drain and QUIT under one deadline. It returns when ctx ends
// too (tests).
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	if cfg.help {
		io.WriteString(stdout, usageText)
		return nil
	}
	if cfg.version {
		fmt.Fprintln(stdout, version)
		return nil
	}
	if cfg.hasMessage && cfg.immediate == "" {
		return fmt.Errorf("message argument given (%q), but --immediate not set", cfg.message)
	}
	logger, err := daemon.NewLogger(stderr, cfg.logFormat, cfg.level)
	if err != nil {
		return &usageError{"irkerd: " + err.Error()}
	}

	traffic, err := openTraffic(cfg.trafficLog)
	if err != nil {
		return err
	}
	defer traffic.Close()
	reg := metrics.NewRegistry()
	delivery := reg.Histogram("irkerd_delivery_seconds",
		"Time from accepting a line to the server confirming it.", nil)
	opts, err := relayOptions(cfg, traffic, delivery)
	if err != nil {
		return err
	}
	relay, err := ircgw.New(opts, logger)
	if err != nil {
		return err
	}
	registerMetrics(reg, relay)
	logger.Info("irkerd starting", "version", version)

	if cfg.immediate != "" {
		return immediate(ctx, relay, cfg, stdin)
	}

	ls, err := openListeners(cfg, logger)
	if err != nil {
		return fmt.Errorf("server launch failed: %w", err)
	}
	notifier := daemon.NewNotifier()
	sigs := daemon.NewSignals(logger, notifier)
	defer sigs.Stop()
	var ops *daemon.OpsServer
	if cfg.metrics != "" {
		if ops, err = daemon.ServeOps(cfg.metrics, daemon.OpsHandler(reg, nil), logger); err != nil {
			ls.Close()
			return err
		}
	}
	go relay.Serve(ls)
	for _, l := range ls.Stream {
		logger.Info("listening", "addr", l.Addr().String(), "transports", "tcp+udp")
	}
	notifier.Ready()
	wctx, stopWatchdog := context.WithCancel(ctx)
	go notifier.RunWatchdog(wctx, nil)

	sigs.Wait(ctx, func(context.Context) error { return reload(cfg, relay, traffic) })

	stopWatchdog()
	notifier.Stopping()
	dctx, cancel := sigs.DrainContext(cfg.drainTimeout)
	defer cancel()
	if err := relay.Shutdown(dctx); err != nil {
		logger.Warn("shutdown cut short", "error", err)
	}
	if ops != nil {
		ops.Shutdown(dctx)
	}
	return nil
}

// relayOptions maps the flags to ircgw.Options.
func relayOptions(cfg *config, traffic io.Writer, delivery *metrics.Histogram) (ircgw.Options, error) {
	o := ircgw.Options{
		Nick:           cfg.nick,
		CAFile:         cfg.caFile,
		CertFile:       cfg.certFile,
		ConnectTimeout: cfg.timeout,
		LineRate:       cfg.rate,
		LineBurst:      cfg.burst,
		WordWrap:       cfg.wrap,
		NoConfirm:      cfg.noConfirm,
		MaxQueue:       cfg.maxQueue,
		MaxAge:         cfg.maxAge,
		IdleTimeout:    cfg.idleTimeout,
		ReadTimeout:    cfg.readTimeout,
		MaxConnections: cfg.maxConns,
		OnDelivered:    delivery.ObserveDuration,
	}
	if cfg.rate == 0 {
		o.LineRate = -1 // --rate 0: no pacing
	}
	if cfg.trafficLog != "" {
		o.TrafficLog = traffic
	}
	pw, err := nickServPassword(cfg)
	if err != nil {
		return o, err
	}
	o.NickServPassword = pw
	if cfg.saslMech != "" {
		o.SASL = &ircgw.SASL{Mechanism: strings.ToUpper(cfg.saslMech), User: cfg.saslUser}
		if cfg.saslPassFile != "" {
			if o.SASL.Password, err = readSecret(cfg.saslPassFile); err != nil {
				return o, err
			}
		} else if p := os.Getenv("IRKERD_SASL_PASSWORD"); p != "" {
			o.SASL.Password = p
		}
	}
	return o, nil
}

func nickServPassword(cfg *config) (string, error) {
	if cfg.passwordFile != "" {
		return readSecret(cfg.passwordFile)
	}
	return cfg.password, nil
}

// reload is SIGHUP: re-read -P, -c and -e, reopen -l (log rotation).
func reload(cfg *config, relay *ircgw.Relay, traffic *reopener) error {
	pw, err := nickServPassword(cfg)
	if err != nil {
		return err
	}
	if err := relay.Reload(pw); err != nil {
		return err
	}
	return traffic.Reopen()
}

// openListeners opens the TCP and UDP sockets: --listen addresses, or
// irkerd's -H (IPv4) and -H6 (IPv6) on port 6659. The default -H6
// localhost fails on hosts whose localhost has no IPv6 address, which
// stops irkerd from starting (specs/irkerd.md §3); here that is a warning
// unless -H6 was given.
func openListeners(cfg *config, logger *slog.Logger) (ircgw.Listeners, error) {
	var all ircgw.Listeners
	add := func(l ircgw.Listeners) {
		all.Stream = append(all.Stream, l.Stream...)
		all.Packet = append(all.Packet, l.Packet...)
	}
	port := strconv.Itoa(ircgw.IrkerPort)
	if len(cfg.listen) > 0 {
		if cfg.hostSet || cfg.host6Set {
			logger.Warn("-H/-H6 are ignored when --listen is given")
		}
		for _, a := range cfg.listen {
			if _, _, err := net.SplitHostPort(a); err != nil {
				a = net.JoinHostPort(a, port)
			}
			l, err := ircgw.Listen("tcp", "udp", a)
			if err != nil {
				all.Close()
				return all, err
			}
			add(l)
		}
		return all, nil
	}
	l, err := ircgw.Listen("tcp4", "udp4", net.JoinHostPort(cfg.host, port))
	if err != nil {
		return all, err
	}
	add(l)
	l6, err := ircgw.Listen("tcp6", "udp6", net.JoinHostPort(cfg.host6, port))
	switch {
	case err == nil:
		add(l6)
	case cfg.host6Set:
		all.Close()
		return all, err
	default:
		logger.Warn("no IPv6 listener; give -H6 ::1 or --listen to choose", "error", err)
	}
	return all, nil
}

// immediate is -i URL [MESSAGE]: send one message (MESSAGE, or all of
// standard input), wait until it is delivered, QUIT and exit. irkerd pastes
// the message into JSON unescaped and hangs on a quote (§11); here any
// text works.
func immediate(ctx context.Context, relay *ircgw.Relay, cfg *config, stdin io.Reader) error {
	msg := cfg.message
	if !cfg.hasMessage {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return fmt.Errorf("reading the message from standard input: %w", err)
		}
		msg = strings.TrimSuffix(string(b), "\n")
	}
	if err := relay.Send(ctx, []string{cfg.immediate}, msg); err != nil {
		return err
	}
	wait := time.Minute
	if cfg.drainTimeout != 10*time.Second {
		wait = cfg.drainTimeout
	}
	dctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	err := relay.Shutdown(dctx)
	if st := relay.Stats(); err != nil || st.LinesDelivered < st.LinesQueued {
		return fmt.Errorf("message not delivered to %s within %v", cfg.immediate, wait)
	}
	return nil
}
