package jobs

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// Job names, as listed in [jobs] enabled and used in lease and state
// keys.
const (
	ClosePending = "close_pending"
	Summary      = "summary"
	ExpireKeys   = "expire_keys"
)

// Config is the [jobs] section of config.ini, filled by the caller
// (ConfigFrom reads it from tracker.Settings; DefaultConfig is the
// starting point for filling it by hand). Zero fields other than
// SummaryDay and SummaryHour, where zero means Sunday at midnight, take
// the defaults named in each comment, which are bpo's.
type Config struct {
	// Enabled lists the jobs to run ([jobs] enabled; default all three;
	// "none" for none). The summary also needs SummaryTo.
	Enabled []string
	// ClosePendingAfter is how long an issue stays pending without
	// activity before it is closed ([jobs] close_pending_after, a
	// Roundup interval; default 2w, close-pending's expireDates ';-2w').
	ClosePendingAfter time.Duration
	// ClosePendingHour is the hour of the day close_pending runs
	// ([jobs] close_pending_hour, 0-23 in Location; default 0).
	ClosePendingHour int
	// ClosePendingUser is the username the closing is done by and the
	// message is written by ([jobs] close_pending_user; default admin,
	// as close-pending opened the tracker as admin).
	ClosePendingUser string
	// SummaryTo are the addresses the weekly summary is mailed to, one
	// mail each ([jobs] summary_to; empty = no summary; bpo:
	// python-dev@python.org via roundup-summary -m).
	SummaryTo []string
	// SummaryDay and SummaryHour are when the summary goes out, in
	// Location ([jobs] summary_day, default Friday; [jobs]
	// summary_hour, default 18). The summary covers the week before.
	SummaryDay  time.Weekday
	SummaryHour int
	// SummaryResolved names the statuses counted as closed ([jobs]
	// summary_resolved; default roundup-summary's
	// "resolved, done, done-cbb, closed, faq"; names the tracker lacks
	// are ignored).
	SummaryResolved []string
	// KeepIncoming is how long incoming-mail marks (duplicate
	// detection) are kept ([jobs] keep_incoming, a Roundup interval;
	// default 30d).
	KeepIncoming time.Duration
	// Location is the zone of the hours above ([main] timezone; default
	// UTC).
	Location *time.Location
}

// defaultResolved is roundup-summary's --resolved default.
var defaultResolved = []string{"resolved", "done", "done-cbb", "closed", "faq"}

// DefaultConfig returns the defaults: every job enabled, pending issues
// closed after two weeks by admin at midnight, the summary on Fridays at
// 18:00 (once SummaryTo is set), incoming-mail marks kept 30 days, UTC.
func DefaultConfig() Config {
	c := Config{SummaryDay: time.Friday, SummaryHour: 18}
	c.defaults()
	return c
}

func (c *Config) defaults() {
	if c.Enabled == nil {
		c.Enabled = []string{ClosePending, Summary, ExpireKeys}
	}
	if c.ClosePendingAfter == 0 {
		c.ClosePendingAfter = 14 * 24 * time.Hour
	}
	if c.ClosePendingUser == "" {
		c.ClosePendingUser = "admin"
	}
	if len(c.SummaryResolved) == 0 {
		c.SummaryResolved = defaultResolved
	}
	if c.KeepIncoming == 0 {
		c.KeepIncoming = 30 * 24 * time.Hour
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
}

func (c *Config) enabled(name string) bool {
	for _, n := range c.Enabled {
		if n == name {
			return true
		}
	}
	return false
}

func (c *Config) check() error {
	for _, n := range c.Enabled {
		if n != ClosePending && n != Summary && n != ExpireKeys {
			return fmt.Errorf("[jobs] enabled: unknown job %q (known: %s, %s, %s)", n, ClosePending, Summary, ExpireKeys)
		}
	}
	if c.ClosePendingAfter < 0 {
		return fmt.Errorf("[jobs] close_pending_after: must not be negative")
	}
	if c.ClosePendingHour < 0 || c.ClosePendingHour > 23 {
		return fmt.Errorf("[jobs] close_pending_hour: %d is not an hour (0-23)", c.ClosePendingHour)
	}
	if c.SummaryHour < 0 || c.SummaryHour > 23 {
		return fmt.Errorf("[jobs] summary_hour: %d is not an hour (0-23)", c.SummaryHour)
	}
	return nil
}

// ConfigFrom reads the [jobs] options (and [main] timezone) from s —
// the tracker's config.ini as the Service sees it. Unset options keep
// their defaults.
func ConfigFrom(s tracker.Settings) (Config, error) {
	c := DefaultConfig()
	get := func(option string) (string, bool) {
		v, ok := s.Get("jobs", option)
		v = strings.TrimSpace(v)
		return v, ok && v != ""
	}
	var err error
	if v, ok := get("enabled"); ok {
		c.Enabled = splitList(v)
		if strings.EqualFold(v, "none") {
			c.Enabled = []string{}
		}
	}
	if v, ok := get("close_pending_after"); ok {
		if c.ClosePendingAfter, err = ParseAge(v); err != nil {
			return c, fmt.Errorf("[jobs] close_pending_after: %w", err)
		}
	}
	if v, ok := get("close_pending_hour"); ok {
		if c.ClosePendingHour, err = parseHour(v); err != nil {
			return c, fmt.Errorf("[jobs] close_pending_hour: %w", err)
		}
	}
	if v, ok := get("close_pending_user"); ok {
		c.ClosePendingUser = v
	}
	if v, ok := get("summary_to"); ok {
		c.SummaryTo = splitList(v)
	}
	if v, ok := get("summary_day"); ok {
		if c.SummaryDay, err = ParseWeekday(v); err != nil {
			return c, fmt.Errorf("[jobs] summary_day: %w", err)
		}
	}
	if v, ok := get("summary_hour"); ok {
		if c.SummaryHour, err = parseHour(v); err != nil {
			return c, fmt.Errorf("[jobs] summary_hour: %w", err)
		}
	}
	if v, ok := get("summary_resolved"); ok {
		c.SummaryResolved = splitList(v)
	}
	if v, ok := get("keep_incoming"); ok {
		if c.KeepIncoming, err = ParseAge(v); err != nil {
			return c, fmt.Errorf("[jobs] keep_incoming: %w", err)
		}
	}
	if v, ok := s.Get("main", "timezone"); ok && strings.TrimSpace(v) != "" {
		if c.Location, err = ParseZone(v); err != nil {
			return c, fmt.Errorf("[main] timezone: %w", err)
		}
	}
	c.defaults()
	return c, c.check()
}

// splitList splits a list option on commas (addresses and status names
// may not contain them; "done-cbb" and "needs review" keep their
// inner characters).
func splitList(v string) []string {
	var out []string
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// ParseAge reads a positive Roundup interval ("2w", "30d", "1d 12:00")
// as a duration; months count 30 days and years 365, as Roundup's
// Interval.as_seconds does.
func ParseAge(s string) (time.Duration, error) {
	iv, err := tracker.ParseInterval(s)
	if err != nil {
		return 0, err
	}
	sec := iv.Seconds()
	if sec <= 0 {
		return 0, fmt.Errorf("%q: the interval must be positive", s)
	}
	return time.Duration(sec) * time.Second, nil
}

// ParseWeekday reads a day name in English, full or abbreviated to
// three letters, in any letter case ("Friday", "fri").
func ParseWeekday(s string) (time.Weekday, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if l == name || (len(l) == 3 && strings.HasPrefix(name, l)) {
			return d, nil
		}
	}
	return 0, fmt.Errorf("%q is not a day of the week (Monday ... Sunday)", s)
}

func parseHour(s string) (int, error) {
	h, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || h < 0 || h > 23 {
		return 0, fmt.Errorf("%q is not an hour (0-23)", s)
	}
	return h, nil
}

// ParseZone reads Roundup's [main] timezone: a zone name
// ("Europe/Warsaw") or an offset from UTC in hours ("2", "-5", "5.5").
func ParseZone(s string) (*time.Location, error) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f == 0 {
			return time.UTC, nil
		}
		return time.FixedZone(s, int(f*3600)), nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf("unknown zone %q: %w", s, err)
	}
	return loc, nil
}
