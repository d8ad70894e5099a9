// Package daemon holds the small pieces every Corral daemon (irkerd,
// corral-server, corral-mailgw) shares, so that they behave alike under
// systemd (DESIGN §2 "Operations", §6):
//
//   - NewLogger / ParseLevel: log/slog to stderr, text or JSON;
//   - Notifier: sd_notify(3) over $NOTIFY_SOCKET — READY=1, RELOADING=1,
//     STOPPING=1, WATCHDOG=1 — for Type=notify and notify-reload units,
//     written directly (one datagram each) rather than with a library;
//   - Signals: SIGHUP reloads, SIGINT/SIGTERM drain under one deadline, a
//     second SIGINT/SIGTERM cuts the drain short;
//   - OpsHandler / ServeOps: the --metrics ADDR endpoint with /metrics
//     (Prometheus text), /healthz (alive) and /readyz (can serve).
//
// A daemon's run() uses them in this order: flags → NewLogger → build
// services → listeners → ServeOps → Notifier.Ready → Signals.Wait →
// Notifier.Stopping → shut down under Signals.DrainContext.
package daemon
