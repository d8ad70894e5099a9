package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/tracker/benchdata"
)

// generateUsage is the synopsis of the generate subcommand.
const generateUsage = `corral-load generate [-scale N|small] [-backend sqlite|postgresql] [-set key=value,...] [-admin PASSWORD] DIR`

// runGenerate is `corral-load generate`: a python-dev tracker home in DIR
// holding tracker/benchdata's bugs.python.org-scale data set (20,000
// issues, 100,000 messages, 2,000 users, 1,000 patch files) times
// -scale, to serve with corral-server and load with corral-load. The
// settings of -set are roundup-admin install's (rdbms_name=...,
// rdbms_host=...), so a PostgreSQL home names its database.
func runGenerate(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("corral-load generate", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintln(out, "usage:", generateUsage)
		fs.PrintDefaults()
	}
	scale := fs.String("scale", "1", "data set size: N times bugs.python.org (1 = 20,000 issues), or small (1/100)")
	backend := fs.String("backend", "sqlite", "rdbms backend of the new home")
	set := fs.String("set", "", "install settings key=value,... (rdbms_name=corral_bench,rdbms_host=127.0.0.1, ...)")
	admin := fs.String("admin", "admin", "password of the admin user")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("generate wants one tracker home directory, got %d arguments", fs.NArg())
	}
	spec, err := parseScale(*scale)
	if err != nil {
		return err
	}
	settings := map[string]string{}
	if *set != "" {
		for _, kv := range strings.Split(*set, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return fmt.Errorf("-set %q: want key=value", kv)
			}
			settings[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	dir := fs.Arg(0)
	fmt.Fprintf(out, "generating %d issues, %d messages, %d users, %d files in %s (%s)\n",
		spec.Issues, spec.Messages, spec.Users, spec.Files, dir, *backend)
	start := time.Now()
	last := start
	st, err := generateHome(ctx, dir, *backend, settings, *admin, spec, func(done, total int) {
		if now := time.Now(); now.Sub(last) >= 10*time.Second {
			last = now
			el := now.Sub(start)
			eta := time.Duration(float64(el) * float64(total-done) / float64(max(done, 1)))
			fmt.Fprintf(out, "%d/%d issues after %s, about %s to go\n", done, total, el.Round(time.Second), eta.Round(time.Second))
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "generated %d issues, %d messages in %s (%.0f messages/s); serve it with: corral-server bench=%s\n",
		st.Issues, st.Messages, st.Elapsed.Round(time.Second), st.MessagesPerSecond(), dir)
	return nil
}

// parseScale reads -scale: a positive whole number or "small".
func parseScale(v string) (benchdata.Spec, error) {
	if v == "small" {
		return benchdata.Small(), nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return benchdata.Spec{}, fmt.Errorf("-scale %q: want a positive whole number or small", v)
	}
	return benchdata.BPO(n), nil
}

// generateHome installs and initialises a python-dev home in dir (which
// must not hold a tracker yet) and loads spec into it with the
// detectors on, as the tracker would have built it up. progress is
// benchdata.Load's.
func generateHome(ctx context.Context, dir, backend string, settings map[string]string, adminPassword string,
	spec benchdata.Spec, progress func(done, total int)) (benchdata.Stats, error) {
	if err := trackerhome.Install(dir, "python-dev", backend, settings); err != nil {
		return benchdata.Stats{}, err
	}
	h, err := trackerhome.Initialise(ctx, dir, adminPassword, true, trackerhome.Options{})
	if err != nil {
		return benchdata.Stats{}, err
	}
	defer h.Close()
	return benchdata.Load(ctx, h.Service, spec, progress)
}
