package tracker

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Dates follow Roundup's roundup/date.py: UTC, millisecond precision,
// printed as 2009-02-13.23:31:30, and accepted in the spec forms
// "yyyy-mm-dd[.HH:MM[:SS[.fff]]]", "mm-dd", "HH:MM[:SS]", "." (now), a
// serialised "yyyymmddHHMMSS", each optionally followed by an interval
// offset ("-1d", ". -2w 3d") or a "+hhmm" zone offset.

var dateRE = regexp.MustCompile(`^((?P<y>\d\d\d\d)([/-](?P<m>\d\d?)([/-](?P<d>\d\d?))?)?|(?P<a>\d\d?)[/-](?P<b>\d\d?))?` +
	`(?P<n>[.T])?` +
	`(((?P<H>\d?\d):(?P<M>\d\d))?(:(?P<S>\d\d?(\.\d+)?))?)?` +
	`(?:(?P<tz>\s?[+-]\d{4})|(?P<o>[\d\smywd\-+]+))?$`)

var serialDateRE = regexp.MustCompile(`^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d?(\.\d+)?)$`)

// DateFormat is Roundup's display format for dates (admin output,
// history, export of journals as text).
const DateFormat = "2006-01-02.15:04:05"

// FormatDate prints t the way Roundup's str(Date) does: 2009-02-13.23:31:30.
func FormatDate(t time.Time) string { return t.UTC().Format(DateFormat) }

// NormDate truncates t to Roundup's millisecond precision in UTC.
func NormDate(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// ParseDate parses a Roundup date spec relative to now.
func ParseDate(spec string, now time.Time) (time.Time, error) {
	t, _, err := parseDate(spec, now)
	return t, err
}

// granularity is the finest unit a date spec named: 'y','m','d','H','M','S'
// or 0 when none (a pure offset like "-1d").
func parseDate(spec string, now time.Time) (time.Time, byte, error) {
	spec = strings.TrimSpace(spec)
	now = now.UTC()
	if m := serialDateRE.FindStringSubmatch(spec); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		H, _ := strconv.Atoi(m[4])
		M, _ := strconv.Atoi(m[5])
		s, _ := strconv.ParseFloat(m[6], 64)
		return mkDate(y, mo, d, H, M, s), 'S', nil
	}
	m := dateRE.FindStringSubmatch(spec)
	if m == nil || spec == "" {
		return time.Time{}, 0, fmt.Errorf("not a date spec: %q (\"yyyy-mm-dd\", \"mm-dd\", \"HH:MM\", \"HH:MM:SS\" or \"yyyy-mm-dd.HH:MM:SS.SSS\")", spec)
	}
	g := func(name string) string { return m[dateRE.SubexpIndex(name)] }
	y, mo, d := now.Year(), int(now.Month()), now.Day()
	H, M := now.Hour(), now.Minute()
	S := float64(now.Second()) + float64(now.Nanosecond())/1e9
	var gran byte
	if g("y") != "" || g("a") != "" {
		if g("y") != "" {
			y, _ = strconv.Atoi(g("y"))
			mo, d = 1, 1
			gran = 'y'
			if g("m") != "" {
				mo, _ = strconv.Atoi(g("m"))
				gran = 'm'
				if g("d") != "" {
					d, _ = strconv.Atoi(g("d"))
					gran = 'd'
				}
			}
		}
		if g("a") != "" {
			mo, _ = strconv.Atoi(g("a"))
			d, _ = strconv.Atoi(g("b"))
			gran = 'd'
		}
		H, M, S = 0, 0, 0
	}
	if g("H") != "" && g("M") != "" {
		H, _ = strconv.Atoi(g("H"))
		M, _ = strconv.Atoi(g("M"))
		S = 0
		gran = 'M'
		if g("S") != "" {
			S, _ = strconv.ParseFloat(g("S"), 64)
			gran = 'S'
		}
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || H > 23 || M > 59 || S >= 61 {
		return time.Time{}, 0, fmt.Errorf("not a valid date: %q", spec)
	}
	t := mkDate(y, mo, d, H, M, S)
	if o := strings.TrimSpace(g("o")); o != "" {
		iv, err := ParseInterval(o)
		if err != nil {
			return time.Time{}, 0, fmt.Errorf("%q not a date / time spec: %w", spec, err)
		}
		t = iv.AddTo(t)
	}
	if tz := strings.TrimSpace(g("tz")); tz != "" {
		hh, _ := strconv.Atoi(tz[1:3])
		mm, _ := strconv.Atoi(tz[3:5])
		off := time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute
		if tz[0] == '+' {
			t = t.Add(-off)
		} else {
			t = t.Add(off)
		}
	}
	return NormDate(t), gran, nil
}

func mkDate(y, mo, d, H, M int, S float64) time.Time {
	sec := math.Floor(S)
	ns := int(math.Round((S - sec) * 1e9))
	return NormDate(time.Date(y, time.Month(mo), d, H, M, int(sec), ns, time.UTC))
}

// DateRange is a filter range; a nil bound is open.
type DateRange struct {
	From, To *time.Time
}

// ParseDateRange parses Roundup's range syntax for Date filters:
// "from;to", "-1w;", ";2003-02-16", "from X to Y", or a single spec that
// covers the finest unit it names ("2003-03-08" = that whole day).
func ParseDateRange(spec string, now time.Time) (DateRange, error) {
	spec = strings.TrimSpace(spec)
	var from, to string
	switch {
	case strings.Contains(spec, ";"):
		from, to, _ = strings.Cut(spec, ";")
	case strings.HasPrefix(strings.ToLower(spec), "from") || containsWord(spec, "to"):
		s := spec
		if strings.HasPrefix(strings.ToLower(s), "from") {
			s = s[4:]
		}
		i := strings.Index(strings.ToLower(s), "to")
		if i >= 0 {
			from, to = s[:i], s[i+2:]
		} else {
			from = s
		}
	default:
		t, gran, err := parseDate(spec, now)
		if err != nil {
			return DateRange{}, err
		}
		if gran == 0 {
			return DateRange{}, fmt.Errorf("%q is a point in time, not a range: write %q for \"since\"", spec, spec+";")
		}
		end := addGranularity(t, gran)
		return DateRange{From: &t, To: &end}, nil
	}
	var r DateRange
	if s := strings.TrimSpace(from); s != "" {
		t, err := ParseDate(s, now)
		if err != nil {
			return DateRange{}, err
		}
		r.From = &t
	}
	if s := strings.TrimSpace(to); s != "" {
		t, err := ParseDate(s, now)
		if err != nil {
			return DateRange{}, err
		}
		r.To = &t
	}
	return r, nil
}

func containsWord(s, w string) bool {
	for _, f := range strings.Fields(strings.ToLower(s)) {
		if f == w {
			return true
		}
	}
	return false
}

// addGranularity returns the last instant of the unit gran starting at t
// (Roundup's add_granularity: "2003-03-08" ends at 23:59:59).
func addGranularity(t time.Time, gran byte) time.Time {
	var end time.Time
	switch gran {
	case 'y':
		end = t.AddDate(1, 0, 0)
	case 'm':
		end = t.AddDate(0, 1, 0)
	case 'd':
		end = t.AddDate(0, 0, 1)
	case 'H':
		end = t.Add(time.Hour)
	case 'M':
		end = t.Add(time.Minute)
	default:
		end = t.Add(time.Second)
	}
	return end.Add(-time.Second)
}
