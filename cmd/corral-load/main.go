// Command corral-load is a small HTTP load generator for Corral's web
// benchmarks (docs/benchmarks-web.md): N concurrent keep-alive clients
// request the given URLs in turn for a duration, after a warm-up, and it
// reports requests per second, latency quantiles (p50, p90, p99, max)
// and errors (transport failures and answers other than -status); with
// -pid it also reports the peak resident memory (VmHWM) of the server
// process.
//
//	corral-load [-c 8] [-d 10s] [-warmup 2s] [-H 'Name: value']... [-status 200] [-pid PID] URL...
//
// `corral-load generate` makes the tracker to load: a python-dev home
// holding the bugs.python.org-scale data set of tracker/benchdata
// (20,000 issues, 100,000 messages) times -scale:
//
//	corral-load generate [-scale N|small] [-backend sqlite|postgresql] [-set key=value,...] [-admin PASSWORD] DIR
//
// `corral-load mail` is the mail scenario: concurrent senders replying by
// SMTP or LMTP to the issues of such a home, through a corral-mailgw
// listener:
//
//	corral-load mail [-c 8] [-d 10s] [-warmup 2s] [-lmtp] [-to ADDR] [-issues 20000] [-users 2000] HOST:PORT
//
// It sends traffic only where it is told: point it at loopback.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "corral-load:", err)
		os.Exit(1)
	}
}

// headers is the repeatable -H flag.
type headers http.Header

func (h headers) String() string { return "" }
func (h headers) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	if !ok {
		return errors.New("want 'Name: value'")
	}
	http.Header(h).Add(strings.TrimSpace(name), strings.TrimSpace(value))
	return nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "generate":
			return runGenerate(ctx, args[1:], out)
		case "mail":
			return runMail(ctx, args[1:], out)
		}
	}
	fs := flag.NewFlagSet("corral-load", flag.ContinueOnError)
	o := loadOptions{Header: http.Header{}}
	fs.IntVar(&o.Clients, "c", 8, "concurrent keep-alive clients")
	fs.DurationVar(&o.Duration, "d", 10*time.Second, "measured duration")
	fs.DurationVar(&o.Warmup, "warmup", 2*time.Second, "warm-up before measuring")
	fs.IntVar(&o.Status, "status", 200, "status code that counts as success")
	fs.Var(headers(o.Header), "H", "request header 'Name: value' (repeatable)")
	pid := fs.Int("pid", 0, "report the peak RSS (VmHWM) of this process after the run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.URLs = fs.Args()
	r, err := load(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, r)
	if *pid != 0 {
		rss, err := peakRSS(*pid)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "peak RSS of process %d: %.1f MiB\n", *pid, float64(rss)/(1<<20))
	}
	if r.Errors > 0 {
		return fmt.Errorf("%d errors", r.Errors)
	}
	return nil
}
