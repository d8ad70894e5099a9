package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/config"
)

// usageText is what -h prints.
const usageText = `usage: corral-server [options] [NAME=HOME ...|HOME]
       corral-server --demo [DIR] [-p PORT]

Serves Corral trackers over HTTP, as roundup-server does: each NAME=HOME
under /NAME/, or a single HOME given alone at /. The notification mail
workers run in the same process (one per tracker) unless --no-workers.
/metrics, /healthz and /readyz answer at the root of the port.

Options:
  -n HOST            address to listen on (default localhost)
  -p PORT            port to listen on (default 8080; 8917 with --demo)
  -C, --config FILE  roundup-server ini file: [main] host, port, pidfile,
                     logfile and [trackers] NAME = HOME (relative homes are
                     relative to the file's directory); flags win
  -l FILE            log to FILE instead of standard error (reopened on SIGHUP)
  -d PIDFILE         write the process id to PIDFILE (corral-server never
                     forks: run it under systemd or a supervisor)
  --demo [DIR]       run the demo tracker in DIR (default ./demo), creating it
                     on first use; prints the URL and the demo passwords
  --demo-smtp ADDR   where the demo takes mail for the tracker (SMTP; default
                     127.0.0.1:8025; "off" for none)
  --no-workers       do not deliver notification mail from this process
  --log-level LEVEL  debug, info, warning or error (default info)
  --log-format FMT   text or json (default text)
  --drain-timeout D  how long SIGTERM waits for requests and mail in flight
                     (default 9s)
  --pprof ADDR       serve net/http/pprof on ADDR (off; bind it to loopback)
  -V, --version      print the version and exit
  -h, --help         print this help and exit

Signals: SIGHUP re-reads each tracker's config.ini (web and mail settings,
html/ templates) and the log file; SIGTERM or SIGINT stops within 10 s.
`

// usageError is a command-line mistake: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// trackerSpec is one tracker to serve: NAME ("" = at /) and its home.
type trackerSpec struct{ name, home string }

// options is the parsed command line (and -C file).
type options struct {
	host, port   string
	configFile   string
	logFile      string
	pidFile      string
	demo         bool
	demoDir      string
	demoSMTP     string
	noWorkers    bool
	logLevel     string
	logFormat    string
	drainTimeout time.Duration
	pprof        string
	help         bool
	version      bool
	trackers     []trackerSpec
	// portSet: -p was given (or the ini's port), so --demo keeps it;
	// hostSet likewise for -n.
	portSet, hostSet bool
	// warnings are logged once the logger exists.
	warnings []string
}

// demoFlag is --demo with an optional value: "--demo" alone, or
// "--demo=DIR" (a DIR given as the next argument is taken as the one
// positional argument).
type demoFlag struct{ o *options }

func (d demoFlag) String() string   { return "" }
func (d demoFlag) IsBoolFlag() bool { return true }
func (d demoFlag) Set(v string) error {
	switch v {
	case "true":
		d.o.demo = true
	case "false":
		d.o.demo = false
	default:
		d.o.demo, d.o.demoDir = true, v
	}
	return nil
}

// parseArgs reads the command line. Flags and arguments may be mixed.
func parseArgs(args []string) (*options, error) {
	o := &options{host: "localhost", port: "8080", logLevel: "info", logFormat: "text", drainTimeout: 9 * time.Second}
	fs := flag.NewFlagSet("corral-server", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.host, "n", o.host, "")
	fs.StringVar(&o.port, "p", o.port, "")
	fs.StringVar(&o.configFile, "C", "", "")
	fs.StringVar(&o.configFile, "config", "", "")
	fs.StringVar(&o.logFile, "l", "", "")
	fs.StringVar(&o.pidFile, "d", "", "")
	fs.Var(demoFlag{o}, "demo", "")
	fs.StringVar(&o.demoSMTP, "demo-smtp", demoSMTPAddr, "")
	fs.BoolVar(&o.noWorkers, "no-workers", false, "")
	fs.StringVar(&o.logLevel, "log-level", o.logLevel, "")
	fs.StringVar(&o.logFormat, "log-format", o.logFormat, "")
	fs.DurationVar(&o.drainTimeout, "drain-timeout", o.drainTimeout, "")
	fs.StringVar(&o.pprof, "pprof", "", "")
	fs.BoolVar(&o.help, "h", false, "")
	fs.BoolVar(&o.help, "help", false, "")
	fs.BoolVar(&o.version, "V", false, "")
	fs.BoolVar(&o.version, "version", false, "")

	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				o.help = true
				return o, nil
			}
			return nil, usagef("corral-server: %v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			positional = append(positional, args[1:]...)
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	o.portSet, o.hostSet = set["p"], set["n"]
	if o.help || o.version {
		return o, nil
	}
	if o.configFile != "" {
		if err := o.readIni(set); err != nil {
			return nil, err
		}
	}
	if err := o.addTrackers(positional); err != nil {
		return nil, err
	}
	if o.drainTimeout <= 0 {
		return nil, usagef("corral-server: --drain-timeout must be positive")
	}
	if _, err := strconv.ParseUint(o.port, 10, 16); err != nil {
		return nil, usagef("corral-server: -p %q: not a port number", o.port)
	}
	return o, nil
}

// addTrackers reads the NAME=HOME arguments (or, with --demo, DIR).
func (o *options) addTrackers(args []string) error {
	if o.demo {
		if len(args) > 1 || len(o.trackers) > 0 || (len(args) == 1 && strings.Contains(args[0], "=")) {
			return usagef("corral-server: --demo takes one optional DIR and no NAME=HOME trackers")
		}
		if len(args) == 1 {
			if o.demoDir != "" {
				return usagef("corral-server: --demo DIR given twice")
			}
			o.demoDir = args[0]
		}
		if o.demoDir == "" {
			o.demoDir = "demo"
		}
		return nil
	}
	for _, a := range args {
		name, home, ok := strings.Cut(a, "=")
		if !ok {
			if len(args) > 1 || len(o.trackers) > 0 {
				return usagef("corral-server: %q: a HOME without NAME= is only allowed as the single tracker", a)
			}
			name, home = "", a
		} else if err := checkName(name); err != nil {
			return err
		}
		if home == "" {
			return usagef("corral-server: %q: empty tracker home", a)
		}
		o.setTracker(trackerSpec{name, home})
	}
	if len(o.trackers) == 0 {
		return usagef("corral-server: no tracker given (NAME=HOME, a HOME, -C FILE or --demo)")
	}
	return nil
}

// setTracker adds t, replacing a tracker of the same name (the command
// line wins over -C).
func (o *options) setTracker(t trackerSpec) {
	for i := range o.trackers {
		if o.trackers[i].name == t.name {
			o.trackers[i] = t
			return
		}
	}
	o.trackers = append(o.trackers, t)
}

// checkName accepts a tracker name usable as one URL path segment.
func checkName(name string) error {
	if name == "" || strings.ContainsAny(name, "/?#%\\ ") || name == "." || name == ".." {
		return usagef("corral-server: tracker name %q must be one URL path segment", name)
	}
	switch name {
	case "metrics", "healthz", "readyz":
		return usagef("corral-server: tracker name %q is taken by the operations endpoint /%s", name, name)
	}
	return nil
}

// readIni reads roundup-server's ini file (-C): [main] host, port,
// pidfile, logfile; [trackers] NAME = HOME. Options given as flags win.
// Other [main] options (roundup-server's multiprocess, ssl, ...) are
// reported and ignored.
func (o *options) readIni(set map[string]bool) error {
	f, err := config.ParseFile(o.configFile)
	if err != nil {
		return fmt.Errorf("reading %s: %w", o.configFile, err)
	}
	dir, err := filepath.Abs(filepath.Dir(o.configFile))
	if err != nil {
		return err
	}
	get := func(sec, opt string) (string, bool, error) {
		v, ok, err := f.Get(sec, opt)
		if err != nil {
			return "", false, fmt.Errorf("%s: [%s] %s: %w", o.configFile, sec, opt, err)
		}
		return strings.TrimSpace(v), ok && strings.TrimSpace(v) != "", nil
	}
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	for _, m := range []struct {
		opt, flag string
		dst       *string
		path      bool
	}{
		{"host", "n", &o.host, false},
		{"port", "p", &o.port, false},
		{"pidfile", "d", &o.pidFile, true},
		{"logfile", "l", &o.logFile, true},
	} {
		v, ok, err := get("main", m.opt)
		if err != nil {
			return err
		}
		if !ok || set[m.flag] {
			continue
		}
		if m.path {
			v = rel(v)
		}
		*m.dst = v
		switch m.flag {
		case "p":
			o.portSet = true
		case "n":
			o.hostSet = true
		}
	}
	for _, opt := range ignoredIniOptions(f) {
		o.warnings = append(o.warnings, fmt.Sprintf("%s: [main] %s is a roundup-server option corral-server does not use", o.configFile, opt))
	}
	for _, name := range f.Options("trackers") {
		home, ok, err := get("trackers", name)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := checkName(name); err != nil {
			return err
		}
		o.setTracker(trackerSpec{name, rel(home)})
	}
	return nil
}

// ignoredIniOptions are the roundup-server [main] options that the ini
// may hold and corral-server does not use.
func ignoredIniOptions(f *config.File) []string {
	var out []string
	for _, opt := range f.Options("main") {
		switch opt {
		case "host", "port", "pidfile", "logfile":
		default:
			out = append(out, opt)
		}
	}
	return out
}

// addr is the listen address.
func (o *options) addr() string { return net.JoinHostPort(o.host, o.port) }
