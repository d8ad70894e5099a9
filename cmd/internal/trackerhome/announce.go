package trackerhome

import (
	"context"
	"log/slog"

	"github.com/corral-tracker/corral/ircgw"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/announce"
)

// Announcer returns the consumer of the home's IRC announcement events
// per [irker] mode: "relay" sends irker JSON to irkerd at [irker]
// server (bpo's way); "direct" runs an in-process relay (ircgw). stop
// shuts the in-process relay down after the consumer has stopped.
func (h *Home) Announcer(name string, log *slog.Logger) (c *tracker.Consumer, stop func(context.Context) error, err error) {
	var s announce.Sender
	stop = func(context.Context) error { return nil }
	if h.Config.String("irker", "mode") == "direct" {
		r, err := ircgw.New(ircgw.Options{}, log)
		if err != nil {
			return nil, nil, err
		}
		s, stop = r, r.Shutdown
	} else {
		s = &announce.Irkerd{Addr: h.Config.String("irker", "server")}
	}
	return announce.NewWorker(h.Service, s, name, log), stop, nil
}
