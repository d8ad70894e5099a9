package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/mailgw"
	"github.com/corral-tracker/corral/mailgw/listen"
)

// demoSMTPAddr is where --demo takes mail (DESIGN.md §1).
const demoSMTPAddr = "127.0.0.1:8025"

// demoSMTP is the demo's incoming mail: the mail gateway behind an SMTP
// listener.
type demoSMTP struct {
	srv *listen.Server
	ln  net.Listener
}

// startDemoSMTP serves the mail gateway of t on addr. Mail to the
// tracker's address creates and updates issues as with corral-mailgw;
// refusals are answered at DATA (no bounce mail), as DESIGN.md §2.1 says.
func startDemoSMTP(t *served, addr string, log *slog.Logger) (*demoSMTP, error) {
	gw, err := mailgw.New(t.home.Service, t.mailer, trackerhome.MailgwOptions(t.home.Config, log))
	if err != nil {
		return nil, fmt.Errorf("mail gateway: %w", err)
	}
	srv := listen.New(gw, log, listen.Options{Domain: "localhost"})
	ln, err := srv.Listen(addr)
	if err != nil {
		return nil, fmt.Errorf("SMTP listener on %s: %w", addr, err)
	}
	go srv.Serve(ln)
	log.Info("demo SMTP listener", "addr", ln.Addr().String())
	return &demoSMTP{srv: srv, ln: ln}, nil
}

// Shutdown finishes the message in progress and stops.
func (d *demoSMTP) Shutdown(ctx context.Context) error { return d.srv.Shutdown(ctx) }
