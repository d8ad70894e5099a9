package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/jobs"
	"github.com/corral-tracker/corral/tracker/notify"
	"github.com/corral-tracker/corral/tracker/web"
)

// served is one tracker: its opened home (database, Service) and what a
// reload rebuilds from config.ini — the mailer and the web site.
type served struct {
	spec   trackerSpec
	home   *trackerhome.Home
	mailer *notify.Mailer
	site   *web.Site
	// mailCounts and ircCounts total the workers' outcomes across
	// reloads (trackermetrics.go).
	mailCounts, ircCounts tracker.ConsumerCounts
}

// fleet is every tracker the server serves, with their mail workers.
type fleet struct {
	log      *slog.Logger
	trackers []*served
	// demo logs registration links (web.Config.Demo); webURL, when not
	// empty, replaces [tracker] web (the demo's real address).
	demo   bool
	webURL map[string]string

	mu      sync.Mutex
	stop    context.CancelFunc
	after   []func(context.Context) error // run once the workers stopped
	running sync.WaitGroup
}

// openFleet opens every home, then builds each tracker's mailer and site.
// On error the homes opened so far are closed.
func openFleet(ctx context.Context, specs []trackerSpec, demo bool, webURL map[string]string, log *slog.Logger) (*fleet, error) {
	f := &fleet{log: log, demo: demo, webURL: webURL}
	for _, sp := range specs {
		h, err := trackerhome.Open(ctx, sp.home, trackerhome.Options{Logger: log.With("tracker", sp.name)})
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("tracker %s: %w", displayName(sp.name), err)
		}
		t := &served{spec: sp, home: h}
		f.trackers = append(f.trackers, t)
		if err := f.applyWebURL(t.spec.name, h); err != nil {
			f.Close()
			return nil, err
		}
		if t.mailer, t.site, err = f.build(h, sp.name); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}

func displayName(name string) string {
	if name == "" {
		return "/"
	}
	return name
}

// applyWebURL sets [tracker] web to the address the demo really serves
// at, so links in mail (registration confirmation) work whatever -p is.
func (f *fleet) applyWebURL(name string, h *trackerhome.Home) error {
	u := f.webURL[name]
	if u == "" {
		return nil
	}
	if err := h.Config.Set("tracker", "web", u); err != nil {
		return fmt.Errorf("tracker %s: %w", displayName(name), err)
	}
	return nil
}

// build makes a tracker's mailer and site from h's configuration.
func (f *fleet) build(h *trackerhome.Home, name string) (*notify.Mailer, *web.Site, error) {
	log := f.log.With("tracker", displayName(name))
	m, err := h.Mailer(log)
	if err != nil {
		return nil, nil, fmt.Errorf("tracker %s: %w", displayName(name), err)
	}
	wc := h.WebConfig(name)
	wc.Demo = f.demo
	site, err := web.NewSite(wc, h.Service, m, f.log) // the site adds tracker=NAME itself
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	return m, site, nil
}

// handler combines the sites.
func (f *fleet) handler() *web.Server {
	sites := make([]*web.Site, len(f.trackers))
	for i, t := range f.trackers {
		sites[i] = t.site
	}
	return web.NewServer(sites, f.log)
}

// names lists the trackers' URL names ("" for one served at /).
func (f *fleet) names() []string {
	var out []string
	for _, t := range f.trackers {
		out = append(out, t.spec.name)
	}
	return out
}

// startWorkers runs, per tracker and until stopWorkers, the background
// work Roundup left to cron and to the web process's own mail sending:
// the nosy-mail worker, the IRC announcer (bpo's irker detector fed
// irkerd; [irker] mode says whether through irkerd or directly) and the
// periodic jobs of [jobs] (close-pending, the weekly summary, expiring
// one-time keys). Several processes on one database may each run them:
// the outbox and the job leases see that every event and job slot is
// handled once.
func (f *fleet) startWorkers() {
	f.mu.Lock()
	defer f.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	f.stop = cancel
	host, _ := os.Hostname()
	for _, t := range f.trackers {
		name := displayName(t.spec.name)
		log := f.log.With("tracker", name)
		holder := "corral-server@" + host + ":" + strconv.Itoa(os.Getpid()) + "/" + name
		mw := notify.NewWorker(t.mailer, holder)
		mw.Counts = &t.mailCounts
		f.run(ctx, "mail worker", log, mw.Run)
		ann, stop, err := t.home.Announcer(holder, log)
		if err != nil {
			log.Error("IRC announcer not started", "error", err)
		} else {
			ann.Counts = &t.ircCounts
			f.run(ctx, "IRC announcer", log, ann.Run)
			f.after = append(f.after, stop)
		}
		cfg, err := jobs.ConfigFrom(t.home.Service.Config())
		if err == nil {
			var r *jobs.Runner
			if r, err = jobs.New(t.home.Service, cfg, jobs.Options{Mailer: t.mailer, Holder: holder}, log); err == nil {
				f.run(ctx, "periodic jobs", log, r.Run)
			}
		}
		if err != nil {
			log.Error("periodic jobs not started", "error", err)
		}
	}
}

// run runs one background worker until ctx ends.
func (f *fleet) run(ctx context.Context, what string, log *slog.Logger, fn func(context.Context) error) {
	f.running.Add(1)
	go func() {
		defer f.running.Done()
		if err := fn(ctx); err != nil && ctx.Err() == nil {
			log.Error(what+" stopped", "error", err)
		}
	}()
}

// stopWorkers cancels the workers and waits for them until ctx ends: an
// event being delivered is finished or, cut off, handed back to the
// outbox by its lease. IRC connections of a direct-mode announcer quit
// last.
func (f *fleet) stopWorkers(ctx context.Context) error {
	f.mu.Lock()
	stop, after := f.stop, f.after
	f.stop, f.after = nil, nil
	f.mu.Unlock()
	if stop == nil {
		return nil
	}
	stop()
	done := make(chan struct{})
	go func() { f.running.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = errors.New("background workers still busy at the deadline")
	}
	for _, fn := range after {
		if e := fn(ctx); e != nil {
			f.log.Warn("stopping IRC announcer", "error", e)
		}
	}
	return err
}

// reload re-reads every tracker's config.ini and rebuilds its mailer and
// site; all or nothing: on any error the old ones stay. It returns the
// new handler. What does not reload (the database, schema.py, detectors,
// the trackers served and the listen address) needs a restart.
func (f *fleet) reload(ctx context.Context, workers bool) (*web.Server, error) {
	type rebuilt struct {
		home   trackerhome.Home
		mailer *notify.Mailer
		site   *web.Site
	}
	var fresh []rebuilt
	fail := func(err error) (*web.Server, error) {
		for _, r := range fresh {
			r.mailer.Close()
		}
		return nil, err
	}
	for _, t := range f.trackers {
		cfg, det, err := trackerhome.LoadConfig(t.home.Dir, f.log.With("tracker", displayName(t.spec.name)))
		if err != nil {
			return fail(fmt.Errorf("tracker %s: %w", displayName(t.spec.name), err))
		}
		h := *t.home
		h.Config, h.Detectors = cfg, det
		if err := f.applyWebURL(t.spec.name, &h); err != nil {
			return fail(err)
		}
		m, s, err := f.build(&h, t.spec.name)
		if err != nil {
			return fail(err)
		}
		fresh = append(fresh, rebuilt{h, m, s})
	}
	if workers {
		if err := f.stopWorkers(ctx); err != nil {
			f.log.Warn("reload: " + err.Error())
		}
	}
	var old []*notify.Mailer
	for i, t := range f.trackers {
		old = append(old, t.mailer)
		t.home.Config, t.home.Detectors = fresh[i].home.Config, fresh[i].home.Detectors
		t.mailer, t.site = fresh[i].mailer, fresh[i].site
	}
	if workers {
		f.startWorkers()
	}
	for _, m := range old {
		// Sites of the old handler may still finish a request with it;
		// queued mail goes through the outbox, so closing its transport
		// loses nothing.
		m.Close()
	}
	return f.handler(), nil
}

// ready checks that every tracker's database answers a trivial read.
func (f *fleet) ready(ctx context.Context) error {
	for _, t := range f.trackers {
		err := t.home.Service.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
			_, err := tx.Get("user", tracker.AdminID)
			return err
		})
		if err != nil {
			return fmt.Errorf("tracker %s: %w", displayName(t.spec.name), err)
		}
	}
	return nil
}

// Close closes the mailers and the databases.
func (f *fleet) Close() {
	for _, t := range f.trackers {
		if t.mailer != nil {
			t.mailer.Close()
		}
		if err := t.home.Close(); err != nil {
			f.log.Warn("closing tracker", "tracker", displayName(t.spec.name), "error", err)
		}
	}
}
