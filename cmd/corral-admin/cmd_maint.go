package main

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// Maintenance commands: migrate, pack, reindex, perftest and readline.

// cmdMigrate is `migrate` (do_migrate). Opening the tracker already
// brought the database up to date — the class tables to schema.py and
// the system tables to this Corral, as Roundup's open does — so this
// reports what that changed: each change on a line, then "Tracker
// updated to schema version N.", or "No migration action required. At
// schema version N." The version is the number of Corral's system
// migrations applied.
func (a *admin) cmdMigrate([]string) error {
	version, fresh, err := a.systemMigrations()
	if err != nil {
		return err
	}
	changes := append([]string(nil), a.h.Changes...)
	if fresh > 0 {
		changes = append([]string{fmt.Sprintf("applied %d system table migration(s)", fresh)}, changes...)
	}
	if len(changes) == 0 {
		a.printf("No migration action required. At schema version %d.\n", version)
		return nil
	}
	for _, c := range changes {
		a.println(c)
	}
	a.printf("Tracker updated to schema version %d.\n", version)
	a.h.Changes = nil
	return nil
}

// systemMigrations reads the store's migration table: the schema
// version and how many migrations this process applied when it opened
// the database.
func (a *admin) systemMigrations() (version, fresh int, err error) {
	rows, err := a.h.Store.DB().QueryContext(a.ctx, `SELECT version, applied FROM __migrations ORDER BY version`)
	if err != nil {
		return 0, 0, fmt.Errorf("reading the schema version: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		var applied int64
		if err := rows.Scan(&v, &applied); err != nil {
			return 0, 0, err
		}
		version = v
		if applied >= a.started.UnixMilli() {
			fresh++
		}
	}
	return version, fresh, rows.Err()
}

// packRE is Roundup's pack argument: a date yyyy-mm-dd or a period of
// years, months, weeks and days.
var packRE = regexp.MustCompile(`^(\d\d\d\d-\d\d?-\d\d?)$|^((\d+[ymwd]\s*)+)$`)

// cmdPack is `pack period | date` (do_pack): journal entries older than
// the date (or the period before now) are removed, creation entries
// excepted. Only an Admin may pack.
func (a *admin) cmdPack(args []string) error {
	if len(args) != 1 {
		return errNotEnough()
	}
	value := strings.TrimSpace(args[0])
	m := packRE.FindStringSubmatch(value)
	if m == nil {
		return usagef("Invalid format")
	}
	tx, err := a.writer()
	if err != nil {
		return err
	}
	if !tx.HasRole("admin") {
		return &tracker.PermissionError{User: tx.UserID(), Permission: "Pack"}
	}
	now := tx.Service().Now()
	var before time.Time
	if m[1] != "" {
		if before, err = tracker.ParseDate(m[1], now); err != nil {
			return usagef("Invalid format")
		}
	} else {
		iv, err := tracker.ParseInterval(value)
		if err != nil {
			return usagef("Invalid format")
		}
		iv.Sign = -1
		before = iv.AddTo(now)
	}
	n, err := tx.Store().PackJournal(a.ctx, before)
	if err != nil {
		return err
	}
	if a.settings["verbose"].(bool) {
		a.printf("Removed %d journal entries older than %s.\n", n, tracker.FormatDate(before))
	}
	return nil
}

var (
	designatorRE = regexp.MustCompile(`^([A-Za-z_]+)([0-9]+)$`)
	rangeRE      = regexp.MustCompile(`^([A-Za-z_]+):([0-9]+)-([0-9]+)$`)
)

// cmdReindex is `reindex [classname|classname:lo-hi|designator]*`
// (do_reindex): the full-text index entries of the items are rebuilt
// (every class without arguments; retired items included). A range is
// inclusive — Roundup's stops before hi, against its own help text —
// and reports missing items without stopping. Progress shows on a
// terminal.
func (a *admin) cmdReindex(args []string) error {
	tx, err := a.writer()
	if err != nil {
		return err
	}
	if len(args) == 0 {
		args = a.h.Schema.ClassNames()
	}
	for _, arg := range args {
		if m := designatorRE.FindStringSubmatch(arg); m != nil && a.h.Schema.Class(m[1]) != nil {
			id := strings.TrimLeft(m[2], "0")
			if err := tx.Reindex(m[1], id); err != nil {
				if isNotFound(err) {
					return usagef("no such item \"%s\"", arg)
				}
				return err
			}
			continue
		}
		if m := rangeRE.FindStringSubmatch(arg); m != nil {
			c, err := a.class(m[1])
			if err != nil {
				return err
			}
			lo, _ := strconv.Atoi(m[2])
			hi, _ := strconv.Atoi(m[3])
			p := a.newProgress("Reindexing "+c.Name, max(hi-lo+1, 0))
			for n := lo; n <= hi; n++ {
				if err := tx.Reindex(c.Name, strconv.Itoa(n)); err != nil {
					if !isNotFound(err) {
						return err
					}
					a.printf("no such item \"%s%d\"\n", c.Name, n)
				}
				p.next()
			}
			p.done()
			continue
		}
		c, err := a.class(arg)
		if err != nil {
			return err
		}
		ids, err := allIDs(tx, c.Name, tracker.AnyRetired)
		if err != nil {
			return err
		}
		p := a.newProgress("Reindex "+c.Name, len(ids))
		for _, id := range ids {
			if err := tx.Reindex(c.Name, id); err != nil {
				return err
			}
			p.next()
		}
		p.done()
	}
	return nil
}

// cmdPerftest is `perftest [password] [rounds=N] [scheme=S]`
// (do_perftest): it times one password hash with the tracker's (or the
// given) number of PBKDF2 rounds. Corral hashes new passwords with
// PBKDF2S5 only, so that is the one scheme.
func (a *admin) cmdPerftest(args []string) error {
	if len(args) == 0 || strings.Contains(args[0], "=") {
		args = append([]string{"password"}, args...)
	}
	if args[0] != "password" {
		return usagef("Unknown perftest mode %s. Supported: password.", args[0])
	}
	props, err := propsFromArgs(args[1:])
	if err != nil {
		return err
	}
	rounds := a.h.Config.Int("main", "password_pbkdf2_default_rounds")
	scheme := "PBKDF2S5"
	for _, kv := range props {
		switch kv[0] {
		case "rounds":
			r, err := strconv.Atoi(strings.NewReplacer(",", "", ".", "").Replace(kv[1]))
			if err != nil {
				a.printf("Invalid 'rounds'. It must be an integer not: %s\n", kv[1])
				return nil
			}
			if r < 1000 {
				a.println("Invalid 'rounds'. Must be larger than 999.")
				return nil
			}
			rounds = r
		case "scheme":
			scheme = kv[1]
		default:
			return usagef("Unknown perftest argument %s.", kv[0])
		}
	}
	if scheme != "PBKDF2S5" {
		if scheme != "" {
			a.printf("Unknown or unsupported scheme %s\n", scheme)
		}
		a.println("Supported schemes (default is first, case sensitive):\n   PBKDF2S5.")
		return nil
	}
	start := time.Now()
	if _, err := tracker.HashPassword("this is a long password to hash", rounds); err != nil {
		return err
	}
	a.printf("Hash time: %0.9f seconds, scheme: %s, rounds: %d\n", time.Since(start).Seconds(), scheme, rounds)
	return nil
}

// cmdReadline is `readline ...` (do_readline). Corral's line editor is
// not GNU readline: "history" lists the shell's history, "emacs"
// confirms its key set, and the rest is accepted with an explanation.
func (a *admin) cmdReadline(args []string) error {
	if a.editor == nil {
		a.println("Readline support is not available.")
		return nil
	}
	if len(args) == 1 {
		switch args[0] {
		case "history":
			a.println("history size", len(a.editor.history))
			for i, h := range a.editor.history {
				a.printf("%3d %s\n", i+1, h)
			}
			return nil
		case "emacs":
			a.println("Enabled emacs mode.")
			return nil
		case "vi":
			a.println("vi mode is not available: Corral's line editor has emacs keys only.")
			return nil
		case "reload":
			a.println("Corral's line editor reads no init file; nothing to reload.")
			return nil
		}
	}
	a.printf("Corral's line editor does not read readline settings; ignored: %s\n", strings.Join(args, " "))
	return nil
}

func isNotFound(err error) bool { return errors.Is(err, tracker.ErrNotFound) }
