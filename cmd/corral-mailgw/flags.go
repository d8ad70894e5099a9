package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

const usageLine = "usage: corral-mailgw [-c CLASS] [-S [class.]prop=value[;...]]... [--queue-only] [--metrics ADDR] HOME [SOURCE [SPEC]]"

const usageText = usageLine + `

Feed incoming mail to the tracker at HOME, by Roundup's mail gateway rules.

SOURCE (none: one message on standard input):
  mailbox FILE           every message of the mbox FILE; handled ones are
                         removed, deferred ones stay for the next run
  imap USER@HOST [MBOX]  an IMAP mailbox (INBOX), STARTTLS when offered
  imaps USER@HOST [MBOX] the same over TLS (port 993)
  pop USER@HOST          a POP3 mailbox, STARTTLS (STLS) when offered
  pops USER@HOST         the same over TLS (port 995)
  smtp ADDR              an SMTP listener on ADDR (host:port)
  lmtp ADDR|unix:PATH    an LMTP listener on ADDR or a Unix socket

Mailbox passwords come from [mailgw] password_file, $CORRAL_MAIL_PASSWORD
or the systemd credential "mail-password"; USER:PASS@HOST works but shows
the password to ps(1).

Options:
  -c CLASS             default class for subjects without one ([mailgw]
                       default_class)
  -S [class.]prop=value[;prop=value]
                       set properties of what the mail creates (msg when
                       no class is named; issue, file, user); repeatable
  --queue-only         leave outgoing mail in the outbox for corral-server
  --watch              imap/pop: keep polling (IMAP IDLE) instead of one pass
  --metrics ADDR       serve /metrics, /healthz and /readyz on ADDR
  --log-level LEVEL    debug, info (default), warn, error
  --log-format FORMAT  text (default) or json
  -v, --version        print the version

Exit status: 0 when the mail was handled (created, updated, dropped or
answered with a bounce), 75 when it must be retried, 64 on usage errors,
1 otherwise.
`

// options are the parsed command line.
type options struct {
	class     string
	set       []string
	queueOnly bool
	watch     bool
	metrics   string
	logLevel  string
	logFormat string
	help      bool
	version   bool

	home   string
	source string
	spec   []string
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func parseFlags(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("corral-mailgw", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.class, "c", "", "")
	fs.StringVar(&o.class, "default-class", "", "")
	fs.Var((*multiFlag)(&o.set), "S", "")
	fs.Var((*multiFlag)(&o.set), "set-value", "")
	fs.BoolVar(&o.queueOnly, "queue-only", false, "")
	fs.BoolVar(&o.watch, "watch", false, "")
	fs.StringVar(&o.metrics, "metrics", "", "")
	fs.StringVar(&o.logLevel, "log-level", "info", "")
	fs.StringVar(&o.logFormat, "log-format", "text", "")
	fs.BoolVar(&o.help, "h", false, "")
	fs.BoolVar(&o.help, "help", false, "")
	fs.BoolVar(&o.version, "v", false, "")
	fs.BoolVar(&o.version, "version", false, "")
	if err := fs.Parse(args); err != nil {
		return nil, &usageError{err.Error()}
	}
	if o.help || o.version {
		return o, nil
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return nil, &usageError{"the tracker home is missing"}
	}
	o.home = rest[0]
	if len(rest) > 1 {
		o.source = strings.ToLower(rest[1])
		o.spec = rest[2:]
	}
	want := map[string][2]int{"mailbox": {1, 1}, "imap": {1, 2}, "imaps": {1, 2}, "pop": {1, 1}, "pops": {1, 1},
		"smtp": {1, 1}, "lmtp": {1, 1}}
	if o.source != "" {
		n, ok := want[o.source]
		switch {
		case o.source == "apop" || strings.HasPrefix(o.source, "imaps_"):
			return nil, &usageError{fmt.Sprintf("source %q is not supported (imap, imaps, pop, pops)", o.source)}
		case !ok:
			return nil, &usageError{fmt.Sprintf("unknown source %q (mailbox, imap, imaps, pop, pops, smtp, lmtp)", o.source)}
		case len(o.spec) < n[0] || len(o.spec) > n[1]:
			return nil, &usageError{fmt.Sprintf("source %s: wrong number of arguments", o.source)}
		}
	}
	return o, nil
}
