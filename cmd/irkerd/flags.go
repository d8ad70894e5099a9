package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/daemon"
)

// version is what -V prints: the irkerd release whose behaviour this one
// reproduces.
const version = "irkerd 2.23 (Corral)"

// usageError is a command-line mistake: exit status 2, as argparse.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// config is the parsed command line.
type config struct {
	host, host6       string
	hostSet, host6Set bool
	listen            []string
	nick              string
	password          string
	passwordFile      string
	caFile, certFile  string
	timeout           time.Duration
	level             slog.Level
	trafficLog        string
	immediate         string
	message           string
	hasMessage        bool
	version, help     bool

	metrics      string
	logFormat    string
	rate         float64
	burst        int
	wrap         bool
	noConfirm    bool
	maxQueue     int
	maxAge       time.Duration
	idleTimeout  time.Duration
	readTimeout  time.Duration
	maxConns     int
	drainTimeout time.Duration
	saslMech     string
	saslUser     string
	saslPassFile string
}

// flagSpec lists every flag: irkerd 2.23's short and long names
// (specs/irkerd.md §11) and Corral's long-only additions.
type flagSpec struct {
	names []string
	value bool // takes a value
}

var flagSpecs = []flagSpec{
	{[]string{"H", "host"}, true},
	{[]string{"H6", "host6"}, true},
	{[]string{"n", "nick"}, true},
	{[]string{"p", "password"}, true},
	{[]string{"P", "password-file"}, true},
	{[]string{"c", "ca-file"}, true},
	{[]string{"e", "cert-file"}, true},
	{[]string{"t", "timeout"}, true},
	{[]string{"d", "log-level"}, true},
	{[]string{"l", "log-file"}, true},
	{[]string{"i", "immediate"}, true},
	{[]string{"V", "version"}, false},
	{[]string{"h", "help"}, false},
	{[]string{"listen"}, true},
	{[]string{"metrics"}, true},
	{[]string{"log-format"}, true},
	{[]string{"rate"}, true},
	{[]string{"burst"}, true},
	{[]string{"wrap"}, false},
	{[]string{"no-confirm"}, false},
	{[]string{"max-queue"}, true},
	{[]string{"max-age"}, true},
	{[]string{"idle-timeout"}, true},
	{[]string{"read-timeout"}, true},
	{[]string{"max-connections"}, true},
	{[]string{"drain-timeout"}, true},
	{[]string{"sasl-mechanism"}, true},
	{[]string{"sasl-user"}, true},
	{[]string{"sasl-password-file"}, true},
}

const usageText = `usage: irkerd [-h] [-c PATH] [-e PATH] [-d LEVEL] [-H ADDRESS] [-H6 ADDRESS]
              [-l PATH] [-n NAME] [-p PASSWORD | -P PATH] [-t TIMEOUT]
              [-i IRC-URL] [-V] [--listen ADDR]... [--metrics ADDR] [MESSAGE]

Forward messages to IRC channels: irker JSON requests, one object per line
on TCP or per datagram on UDP, port 6659.

irkerd 2.23 options:
  -h, --help              show this help message and exit
  -c, --ca-file PATH      file of trusted certificates for SSL/TLS
  -e, --cert-file PATH    pem file used to authenticate to the server
  -d, --log-level LEVEL   critical, error (default), warning, info, debug;
                          or irker 1.x numbers: 0 error, 1 info, 2+ debug
  -H, --host ADDRESS      IPv4 address to listen on (default localhost)
  -H6, --host6 ADDRESS    IPv6 address to listen on (default localhost)
  -l, --log-file PATH     file for saving captured message traffic
  -n, --nick NAME         nickname, optionally with a '%.*d' server
                          connection marker (default irker%03d)
  -p, --password PASSWORD NickServ password
  -P, --password-file PATH
                          NickServ password from file
  -t, --timeout TIMEOUT   connection timeout in seconds (default: 5.0)
  -i, --immediate IRC-URL send a single message to IRC-URL and exit; the
                          message is MESSAGE, or standard input
  -V, --version           show program's version number and exit

Corral options:
  --listen ADDR           listen on ADDR (host:port) for TCP and UDP,
                          instead of -H/-H6; repeatable (default
                          localhost:6659)
  --metrics ADDR          serve /metrics, /healthz and /readyz on ADDR
  --log-format FORMAT     text (default) or json
  --rate N                lines per second per IRC connection (default 1;
                          0 for no pacing)
  --burst N               lines sent at once after a pause (default 3)
  --wrap                  send long lines as several lines, not truncated
  --no-confirm            do not confirm each line with a PING (as irkerd)
  --max-queue N           lines queued per connection before dropping
                          (default 10000)
  --max-age DURATION      drop lines not delivered after this (default 24h)
  --idle-timeout DURATION close idle IRC connections after this (default 3h)
  --read-timeout DURATION close silent TCP submitters after this (default 5m)
  --max-connections N     IRC connections at most (default 200)
  --drain-timeout DURATION
                          time to deliver queued lines on SIGTERM (default 10s)
  --sasl-mechanism MECH   PLAIN or EXTERNAL (with -e)
  --sasl-user USER        SASL PLAIN account
  --sasl-password-file PATH
                          SASL PLAIN password (first line of the file)
`

// parseFlags reads irkerd's command line the way Python's argparse reads
// irkerd's: short options may carry their value attached (-d3, -ddebug,
// -n bot%d), long options may be abbreviated to a unique prefix (--nic),
// and the MESSAGE operand may come anywhere.
func parseFlags(args []string) (*config, error) {
	cfg := &config{
		host: "localhost", host6: "localhost", nick: "irker%03d",
		timeout: 5 * time.Second, level: slog.LevelError, rate: 1, burst: 3,
		drainTimeout: 10 * time.Second,
	}
	fs := flag.NewFlagSet("irkerd", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	str := func(p *string, names ...string) {
		for _, n := range names {
			fs.StringVar(p, n, *p, "")
		}
	}
	boolean := func(p *bool, names ...string) {
		for _, n := range names {
			fs.BoolVar(p, n, *p, "")
		}
	}
	str(&cfg.host, "H", "host")
	str(&cfg.host6, "H6", "host6")
	str(&cfg.nick, "n", "nick")
	str(&cfg.password, "p", "password")
	str(&cfg.passwordFile, "P", "password-file")
	str(&cfg.caFile, "c", "ca-file")
	str(&cfg.certFile, "e", "cert-file")
	str(&cfg.trafficLog, "l", "log-file")
	str(&cfg.immediate, "i", "immediate")
	str(&cfg.metrics, "metrics")
	str(&cfg.logFormat, "log-format")
	str(&cfg.saslMech, "sasl-mechanism")
	str(&cfg.saslUser, "sasl-user")
	str(&cfg.saslPassFile, "sasl-password-file")
	boolean(&cfg.version, "V", "version")
	boolean(&cfg.help, "h", "help")
	boolean(&cfg.wrap, "wrap")
	boolean(&cfg.noConfirm, "no-confirm")
	var timeout, level string
	fs.Func("t", "", func(s string) error { timeout = s; return nil })
	fs.Func("timeout", "", func(s string) error { timeout = s; return nil })
	fs.Func("d", "", func(s string) error { level = s; return nil })
	fs.Func("log-level", "", func(s string) error { level = s; return nil })
	fs.Func("listen", "", func(s string) error { cfg.listen = append(cfg.listen, s); return nil })
	fs.Float64Var(&cfg.rate, "rate", cfg.rate, "")
	fs.IntVar(&cfg.burst, "burst", cfg.burst, "")
	fs.IntVar(&cfg.maxQueue, "max-queue", 0, "")
	fs.DurationVar(&cfg.maxAge, "max-age", 0, "")
	fs.DurationVar(&cfg.idleTimeout, "idle-timeout", 0, "")
	fs.DurationVar(&cfg.readTimeout, "read-timeout", 0, "")
	fs.IntVar(&cfg.maxConns, "max-connections", 0, "")
	fs.DurationVar(&cfg.drainTimeout, "drain-timeout", cfg.drainTimeout, "")

	args, err := normalizeArgs(args)
	if err != nil {
		return nil, err
	}
	var operands []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, &usageError{"irkerd: " + err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		operands = append(operands, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(operands) > 1 {
		return nil, &usageError{fmt.Sprintf("irkerd: unrecognized arguments: %s", strings.Join(operands[1:], " "))}
	}
	if len(operands) == 1 {
		cfg.message, cfg.hasMessage = operands[0], true
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "H", "host":
			cfg.hostSet = true
		case "H6", "host6":
			cfg.host6Set = true
		}
	})
	if cfg.password != "" && cfg.passwordFile != "" {
		return nil, &usageError{"irkerd: argument -P/--password-file: not allowed with argument -p/--password"}
	}
	if timeout != "" {
		secs, err := strconv.ParseFloat(timeout, 64)
		if err != nil || secs <= 0 {
			return nil, &usageError{fmt.Sprintf("irkerd: argument -t/--timeout: invalid float value: %q", timeout)}
		}
		cfg.timeout = time.Duration(secs * float64(time.Second))
	}
	if level != "" {
		if cfg.level, err = parseLevel(level); err != nil {
			return nil, &usageError{"irkerd: argument -d/--log-level: " + err.Error()}
		}
	}
	return cfg, nil
}

// parseLevel takes irkerd 2.23's level names and irker 1.x's numeric debug
// levels (0: errors only, 1: progress messages, 2 and up: everything).
func parseLevel(s string) (slog.Level, error) {
	if n, err := strconv.Atoi(s); err == nil {
		switch {
		case n <= 0:
			return slog.LevelError, nil
		case n == 1:
			return slog.LevelInfo, nil
		}
		return slog.LevelDebug, nil
	}
	return daemon.ParseLevel(s)
}

// normalizeArgs rewrites argparse-style arguments into what package flag
// reads: "-d3" → "-d", "3"; "--nic" → "--nick". "--" ends the options.
func normalizeArgs(args []string) ([]string, error) {
	var out []string
	valueNext := false // the previous flag takes this argument as its value
	for i, a := range args {
		if valueNext {
			out = append(out, a)
			valueNext = false
			continue
		}
		if a == "--" {
			return append(out, args[i:]...), nil
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			out = append(out, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "--") {
			full, err := expandLong(name)
			if err != nil {
				return nil, err
			}
			if hasValue {
				out = append(out, "--"+full+"="+value)
			} else {
				out = append(out, "--"+full)
				s := findSpec(full)
				valueNext = s != nil && s.value
			}
			continue
		}
		if s := findSpec(name); s != nil || hasValue {
			out = append(out, a)
			valueNext = s != nil && s.value && !hasValue
			continue
		}
		// -H6 is a flag of its own; otherwise a one-letter flag that
		// takes a value may have it attached.
		for _, short := range []string{"H6", name[:1]} {
			if s := findSpec(short); s != nil && s.value && strings.HasPrefix(name, short) && len(name) > len(short) {
				out = append(out, "-"+short, name[len(short):])
				goto next
			}
		}
		out = append(out, a)
	next:
	}
	return out, nil
}

func findSpec(name string) *flagSpec {
	for i := range flagSpecs {
		for _, n := range flagSpecs[i].names {
			if n == name {
				return &flagSpecs[i]
			}
		}
	}
	return nil
}

// expandLong resolves an abbreviated long option (argparse allow_abbrev).
func expandLong(name string) (string, error) {
	if findSpec(name) != nil {
		return name, nil
	}
	var matches []string
	for _, s := range flagSpecs {
		for _, n := range s.names {
			if len(n) > 2 && strings.HasPrefix(n, name) {
				matches = append(matches, n)
			}
		}
	}
	switch len(matches) {
	case 0:
		return name, nil // package flag reports it
	case 1:
		return matches[0], nil
	}
	return "", &usageError{fmt.Sprintf("irkerd: ambiguous option: --%s could match %s", name, "--"+strings.Join(matches, ", --"))}
}

// readSecret reads a password from the first line of a file, at most 128
// bytes (IRC passwords; what irkerd's -P meant to do).
func readSecret(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("reading password file: %w", err)
	}
	defer f.Close()
	buf := make([]byte, 128)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading password file: %w", err)
	}
	line, _, _ := strings.Cut(string(buf[:n]), "\n")
	return strings.TrimSpace(line), nil
}
