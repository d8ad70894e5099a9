package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/corral-tracker/corral/config"
	"github.com/corral-tracker/corral/mailgw"
)

// fromNetwork runs the network sources: the SMTP/LMTP listeners of
// mailgw/listen and the IMAP/POP3 pollers of mailgw/poll.
func fromNetwork(ctx context.Context, o *options, cfg *config.Config, gw *mailgw.Gateway, h mailgw.Handler, log *slog.Logger) error {
	return errors.New("source " + o.source + ": not built yet (mailgw/listen and mailgw/poll are not wired in)")
}
