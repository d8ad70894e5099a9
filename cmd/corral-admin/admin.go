package main

// The admin session: options, the opened home, the acting user and the
// session's transaction; the dispatch of one command line.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
)

// baseVersion is reported when the binary carries no module version
// (a development build).
const baseVersion = "0.1.0"

// version is Corral's version as `corral-admin -v` and the shell banner
// print it.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return baseVersion
}

// deliverFunc delivers the outgoing mail and IRC announcements that this
// process's committed changes queued in the outbox (DESIGN.md §2
// "Outgoing mail": a one-shot process delivers what it queued before it
// exits, unless --queue-only). It is called once, after the last commit.
type deliverFunc func(ctx context.Context, h *trackerhome.Home) error

// deliverQueued is the default delivery hook: the mail and IRC events
// due in the outbox (those this process queued among them) are claimed
// and sent as any worker would (tracker/notify, tracker/announce); what
// fails temporarily stays queued for a running corral-server.
func deliverQueued(ctx context.Context, h *trackerhome.Home) error {
	m, err := h.Mailer(nil)
	if err != nil {
		return err
	}
	defer m.Close()
	if _, err := notify.NewWorker(m, "corral-admin").Drain(ctx); err != nil {
		return err
	}
	a, stop, err := h.Announcer("corral-admin", nil)
	if err != nil {
		return err
	}
	_, err = a.Drain(ctx)
	// An in-process relay ([irker] mode = direct) gets a bounded time to
	// hand its lines to IRC; what it cannot is retried by the server.
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if serr := stop(sctx); err == nil {
		err = serr
	}
	return err
}

// admin is one corral-admin invocation: options, the opened tracker home,
// the session's open write transaction and the pragma settings. Tests
// build one with newAdmin and call run, so golden tests need no process.
type admin struct {
	in       *bufio.Reader
	inFile   *os.File // stdin when it is a file (for terminal checks)
	out, err io.Writer
	// inTerm/outTerm: stdin/stdout are terminals (prompts, line editing,
	// progress display).
	inTerm, outTerm bool
	getenv          func(string) string
	ctx             context.Context

	// Global options (roundup-admin's getopt 'i:u:hcdP:sS:vV', plus -y
	// and --queue-only).
	home            string
	userName        string
	userPW          string
	sep             string
	sepSet          bool
	printDesignator bool
	verbose         bool
	force           bool
	queueOnly       bool
	settings        map[string]any

	// Hooks (tests may replace them).
	installDetectors func(*tracker.Service, []string) error
	deliver          deliverFunc

	// Session state.
	h           *trackerhome.Home
	userID      string
	tx          *tracker.Tx // the open write transaction, if any
	uncommitted bool
	committed   bool
	failed      bool
	editor      *lineEditor
	started     time.Time
}

// newAdmin builds an admin reading commands and answers from stdin and
// writing to stdout and stderr. Prompts, line editing and progress are
// used only when stdin/stdout are terminals.
func newAdmin(stdin io.Reader, stdout, stderr io.Writer) *admin {
	a := &admin{
		in:               bufio.NewReader(stdin),
		out:              stdout,
		err:              stderr,
		getenv:           func(string) string { return "" },
		ctx:              context.Background(),
		userName:         "admin",
		settings:         defaultSettings(),
		installDetectors: installDetectors,
		deliver:          deliverQueued,
		started:          time.Now(),
	}
	if f, ok := stdin.(*os.File); ok {
		a.inFile = f
		a.inTerm = isTerminal(f)
	}
	if f, ok := stdout.(*os.File); ok {
		a.outTerm = isTerminal(f)
	}
	return a
}

// run executes the command line (without the program name) and returns
// the exit status: a command, or the interactive shell when none is
// given.
func (a *admin) run(args []string) int {
	if v := a.getenv("TRACKER_HOME"); v != "" {
		a.home = v
	}
	if v := a.getenv("ROUNDUP_LOGIN"); v != "" {
		a.userName, a.userPW, _ = strings.Cut(v, ":")
	}
	rest, code, done := a.parseOptions(args)
	if done {
		return code
	}
	defer a.close()
	if len(rest) == 0 {
		return a.shell()
	}
	code = a.runCommand(rest)
	if a.tx != nil {
		if code == 0 {
			if err := a.commit(); err != nil {
				a.errorf("%s", errorText(err))
				code = 1
			}
		} else {
			a.rollback()
		}
	}
	a.deliverQueued()
	return code
}

// deliverQueued runs the delivery hook after changes were committed.
func (a *admin) deliverQueued() {
	if !a.committed || a.queueOnly || a.h == nil || a.deliver == nil {
		return
	}
	if err := a.deliver(a.ctx, a.h); err != nil {
		a.errorf("delivering queued mail: %s (it stays queued for corral-server)", err)
	}
}

// close ends the session: an open transaction is rolled back and the
// database closed.
func (a *admin) close() {
	a.rollback()
	if a.h != nil {
		a.h.Close()
		a.h = nil
	}
}

func (a *admin) printf(format string, args ...any) { fmt.Fprintf(a.out, format, args...) }

func (a *admin) println(args ...any) { fmt.Fprintln(a.out, args...) }

// errorf prints "Error: ..." on stderr.
func (a *admin) errorf(format string, args ...any) {
	fmt.Fprintf(a.err, "Error: "+format+"\n", args...)
}

// runCommand looks the command up by unique prefix (Roundup's
// CommandDict) and runs it, returning its exit status.
func (a *admin) runCommand(args []string) int {
	name := args[0]
	switch name {
	case "help":
		return a.help(args[1:])
	case "morehelp":
		a.help([]string{"help"})
		a.helpCommands()
		a.helpAll()
		return 0
	}
	matches := findCommands(name)
	switch {
	case len(matches) == 0:
		fmt.Fprintf(a.err, "Unknown command \"%s\" (\"help commands\" for a list)\n", name)
		return 1
	case len(matches) > 1:
		names := make([]string, len(matches))
		for i, c := range matches {
			names[i] = c.name
		}
		fmt.Fprintf(a.err, "Multiple commands match \"%s\": %s\n", name, strings.Join(names, ", "))
		return 1
	}
	c := matches[0]
	if c.needs >= needHome {
		if err := a.ensureHome(); err != nil {
			return a.report(c, err)
		}
	}
	if c.needs >= needTracker {
		if err := a.open(); err != nil {
			a.errorf("%s", errorText(err))
			return 1
		}
	}
	err := c.run(a, args[1:])
	if err == nil && c.writes {
		a.uncommitted = true
	}
	return a.report(c, err)
}

// report prints a command's error the way roundup-admin does and returns
// the exit status: usage errors print the command's help after the
// message, other errors only the message.
func (a *admin) report(c *command, err error) int {
	if err == nil {
		return 0
	}
	var ue *usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(a.err, "Error: %s\n\n%s\n", ue.msg, c.doc)
	case errors.Is(err, errReported):
	default:
		a.errorf("%s", errorText(err))
	}
	return 1
}

// ensureHome makes sure a tracker home was named (-i or TRACKER_HOME);
// on a terminal it asks, as Roundup does ("Enter tracker home: ").
func (a *admin) ensureHome() error {
	for a.home == "" {
		if !a.inTerm {
			return usagef("no tracker home: give -i HOME or set TRACKER_HOME")
		}
		line, err := a.prompt("Enter tracker home: ")
		if err != nil {
			return usagef("no tracker home: give -i HOME or set TRACKER_HOME")
		}
		a.home = strings.TrimSpace(line)
	}
	return nil
}

// open opens the tracker home (once per session, or before every
// command with the _reopen_tracker pragma) and resolves the acting user.
func (a *admin) open() error {
	if a.h != nil {
		if !a.settings["_reopen_tracker"].(bool) || a.tx != nil {
			return nil
		}
		if a.settings["verbose"].(bool) {
			a.println("Reopening tracker")
		}
		a.h.Close()
		a.h = nil
	}
	h, err := trackerhome.Open(a.ctx, a.home, trackerhome.Options{
		Logger:           a.logger(),
		InstallDetectors: a.installDetectors,
	})
	if err != nil {
		return fmt.Errorf("Couldn't open tracker: %w", err)
	}
	a.h = h
	a.settings["indexer_backend"] = h.Config.String("main", "indexer")
	if err := a.resolveUser(); err != nil {
		h.Close()
		a.h = nil
		return err
	}
	return nil
}

// logger reports configuration warnings on stderr with -V only, so that
// scripted use stays quiet.
func (a *admin) logger() *slog.Logger {
	if !a.verbose {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(a.err, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// resolveUser finds the -u user (default admin) and, when a password was
// given, verifies it. Roundup takes the name on trust; Corral checks the
// password because permission checks depend on who acts.
func (a *admin) resolveUser() error {
	return a.h.Service.Read(a.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		id, err := tx.Lookup("user", a.userName)
		if errors.Is(err, tracker.ErrNotFound) && a.userName == "admin" && a.userPW == "" {
			// A database without users (installed, not initialised:
			// the state `import` starts from) is worked on as user 1,
			// as initialise and import do.
			if ids, _, ferr := tx.Filter("user", &tracker.Filter{Retired: tracker.AnyRetired, Limit: 1}); ferr == nil && len(ids) == 0 {
				a.userID = tracker.AdminID
				return nil
			}
		}
		if err != nil {
			if errors.Is(err, tracker.ErrNotFound) {
				return fmt.Errorf("no such user %q (-u)", a.userName)
			}
			return err
		}
		if a.userPW != "" {
			u, err := tx.Get("user", id)
			if err != nil {
				return err
			}
			if pw, _ := u.Get("password").(tracker.Password); !pw.Verify(a.userPW) {
				return fmt.Errorf("invalid password for user %q (-u)", a.userName)
			}
		}
		a.userID = id
		return nil
	})
}

// reader returns a transaction to read in: the session's write
// transaction when one is open (so uncommitted changes are visible),
// else a fresh read-only one; done ends it.
func (a *admin) reader() (tx *tracker.Tx, done func(), err error) {
	if a.tx != nil {
		return a.tx, func() {}, nil
	}
	tx, err = a.h.Service.View(a.ctx, a.userID)
	if err != nil {
		return nil, nil, err
	}
	return tx, tx.Rollback, nil
}

// writer returns the session's write transaction, beginning it when
// needed. It stays open until commit or rollback (Roundup keeps one
// database transaction for a whole interactive session).
func (a *admin) writer() (*tracker.Tx, error) {
	if a.tx != nil {
		return a.tx, nil
	}
	tx, err := a.h.Service.Begin(a.ctx, a.userID)
	if err != nil {
		return nil, err
	}
	a.tx = tx
	return tx, nil
}

// commit commits the session's changes.
func (a *admin) commit() error {
	a.uncommitted = false
	if a.tx == nil {
		return nil
	}
	tx := a.tx
	a.tx = nil
	if err := tx.Commit(); err != nil {
		return err
	}
	a.committed = true
	return nil
}

// rollback discards the session's changes.
func (a *admin) rollback() {
	a.uncommitted = false
	if a.tx != nil {
		a.tx.Rollback()
		a.tx = nil
	}
}

// goVersion is reported by -v next to Corral's version, as Roundup
// reports Python's.
func goVersion() string { return runtime.Version() }
