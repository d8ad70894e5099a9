package tracker

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Interval is Roundup's date.Interval: a signed span in years, months,
// days and a time of day, e.g. "- 1w 2d 3:00" (weeks fold into days).
// Months count as 30 days and years as 365 when compared (as_seconds).
type Interval struct {
	Sign                 int // 1 or -1
	Year, Month, Day     int
	Hour, Minute, Second int
}

var intervalRE = regexp.MustCompile(`^\s*(?P<s>[-+])?\s*((?P<y>\d+)\s*y)?\s*((?P<m>\d+)\s*m)?\s*((?P<w>\d+)\s*w)?\s*((?P<d>\d+)\s*d)?\s*(((?P<H>\d+):(?P<M>\d+))?(:(?P<S>\d+))?)?\s*$`)

// ParseInterval parses "[+-] [#y] [#m] [#w] [#d] [[[H]H:MM]:SS]".
func ParseInterval(spec string) (Interval, error) {
	m := intervalRE.FindStringSubmatch(spec)
	bad := fmt.Errorf("not an interval spec: %q ([+-] [#y] [#m] [#w] [#d] [[[H]H:MM]:SS])", spec)
	if m == nil {
		return Interval{}, bad
	}
	g := func(n string) (int, bool) {
		s := m[intervalRE.SubexpIndex(n)]
		if s == "" {
			return 0, false
		}
		v, _ := strconv.Atoi(strings.TrimSpace(s))
		return v, true
	}
	iv := Interval{Sign: 1}
	valid := false
	set := func(n string, dst *int) {
		if v, ok := g(n); ok {
			*dst = v
			valid = true
		}
	}
	var w int
	set("y", &iv.Year)
	set("m", &iv.Month)
	set("w", &w)
	set("d", &iv.Day)
	set("H", &iv.Hour)
	set("M", &iv.Minute)
	set("S", &iv.Second)
	if !valid {
		return Interval{}, bad
	}
	iv.Day += 7 * w
	if m[intervalRE.SubexpIndex("s")] == "-" {
		iv.Sign = -1
	}
	return iv, nil
}

// Seconds is Roundup's as_seconds: months are 30 days, years 365.
func (iv Interval) Seconds() int64 {
	n := int64(iv.Year)*365 + int64(iv.Month)*30 + int64(iv.Day)
	n = n*24 + int64(iv.Hour)
	n = n*60 + int64(iv.Minute)
	n = n*60 + int64(iv.Second)
	if iv.Sign < 0 {
		return -n
	}
	return n
}

// String prints the interval as Roundup's str(Interval): "+ 1d 2:00",
// "- 3y", "00:00" for zero.
func (iv Interval) String() string {
	var l []string
	if iv.Year != 0 {
		l = append(l, fmt.Sprintf("%dy", iv.Year))
	}
	if iv.Month != 0 {
		l = append(l, fmt.Sprintf("%dm", iv.Month))
	}
	if iv.Day != 0 {
		l = append(l, fmt.Sprintf("%dd", iv.Day))
	}
	if iv.Second != 0 {
		l = append(l, fmt.Sprintf("%d:%02d:%02d", iv.Hour, iv.Minute, iv.Second))
	} else if iv.Hour != 0 || iv.Minute != 0 {
		l = append(l, fmt.Sprintf("%d:%02d", iv.Hour, iv.Minute))
	}
	if len(l) == 0 {
		return "00:00"
	}
	sign := "+"
	if iv.Sign < 0 {
		sign = "-"
	}
	return sign + " " + strings.Join(l, " ")
}

// AddTo applies the interval to t (calendar arithmetic for years, months
// and days, then the time part).
func (iv Interval) AddTo(t time.Time) time.Time {
	s := iv.Sign
	if s == 0 {
		s = 1
	}
	t = t.AddDate(s*iv.Year, s*iv.Month, s*iv.Day)
	d := time.Duration(iv.Hour)*time.Hour + time.Duration(iv.Minute)*time.Minute + time.Duration(iv.Second)*time.Second
	return t.Add(time.Duration(s) * d)
}
