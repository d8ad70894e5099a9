package tracker

import (
	"testing"
	"time"
)

var now = time.Date(2026, 11, 25, 15, 29, 41, 458e6, time.UTC)

func TestParseDate(t *testing.T) {
	cases := []struct {
		spec string
		want string // FormatDate + ms
	}{
		{"2009-02-13.23:31:30", "2009-02-13.23:31:30.000"},
		{"2009-02-13", "2009-02-13.00:00:00.000"},
		{"2009-02-13.23:31", "2009-02-13.23:31:00.000"},
		{"2009-02-13.23:31:30.5", "2009-02-13.23:31:30.500"},
		{"2009-02", "2009-02-01.00:00:00.000"},
		{"02-13", "2026-02-13.00:00:00.000"},
		{"14:25", "2026-11-25.14:25:00.000"},
		{".", "2026-11-25.15:29:41.458"},
		{"-1d", "2026-11-24.15:29:41.458"},
		{". -2w 1d", "2026-11-10.15:29:41.458"},
		{"2009-02-13 +1d", "2009-02-14.00:00:00.000"},
		{"-1m", "2026-10-25.15:29:41.458"},
		{"20090213233130", "2009-02-13.23:31:30.000"},
		{"2009-02-13.12:00 +0200", "2009-02-13.10:00:00.000"},
	}
	for _, c := range cases {
		got, err := ParseDate(c.spec, now)
		if err != nil {
			t.Errorf("ParseDate(%q) error %v", c.spec, err)
			continue
		}
		if s := got.Format("2006-01-02.15:04:05.000"); s != c.want {
			t.Errorf("ParseDate(%q) = %s, want %s", c.spec, s, c.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2009-13-01", "25:00", "2009-02-13.23:31:30 +1x"} {
		if _, err := ParseDate(bad, now); err == nil {
			t.Errorf("ParseDate(%q) succeeded, want an error", bad)
		}
	}
	if got := FormatDate(time.Date(2009, 2, 13, 23, 31, 30, 999e6, time.UTC)); got != "2009-02-13.23:31:30" {
		t.Errorf("FormatDate = %q, want 2009-02-13.23:31:30", got)
	}
}

func TestParseDateRange(t *testing.T) {
	f := func(p *time.Time) string {
		if p == nil {
			return "None"
		}
		return FormatDate(*p)
	}
	cases := []struct{ spec, from, to string }{
		{"2002-11-10;2002-12-12", "2002-11-10.00:00:00", "2002-12-12.00:00:00"},
		{"2003-02-16;", "2003-02-16.00:00:00", "None"},
		{";2003-02-16", "None", "2003-02-16.00:00:00"},
		{"-1w;", "2026-11-18.15:29:41", "None"},
		{"from 2003-02-16 to 2003-02-20", "2003-02-16.00:00:00", "2003-02-20.00:00:00"},
		{"from 2003-02-16", "2003-02-16.00:00:00", "None"},
		{"2003-03-08", "2003-03-08.00:00:00", "2003-03-08.23:59:59"},
		{"2003-03", "2003-03-01.00:00:00", "2003-03-31.23:59:59"},
		{"2003", "2003-01-01.00:00:00", "2003-12-31.23:59:59"},
		{"12:00", "2026-11-25.12:00:00", "2026-11-25.12:00:59"},
	}
	for _, c := range cases {
		r, err := ParseDateRange(c.spec, now)
		if err != nil {
			t.Errorf("ParseDateRange(%q) error %v", c.spec, err)
			continue
		}
		if f(r.From) != c.from || f(r.To) != c.to {
			t.Errorf("ParseDateRange(%q) = %s;%s, want %s;%s", c.spec, f(r.From), f(r.To), c.from, c.to)
		}
	}
	if _, err := ParseDateRange("-1d", now); err == nil {
		t.Error(`ParseDateRange("-1d") succeeded, want the "point in time" error`)
	}
}

func TestInterval(t *testing.T) {
	cases := []struct {
		spec, str string
		secs      int64
	}{
		{"3w 1d 2:00", "+ 22d 2:00", (22*24 + 2) * 3600},
		{"- 1d", "- 1d", -86400},
		{"+2d", "+ 2d", 2 * 86400},
		{"1:30", "+ 1:30", 5400},
		{"1:30:15", "+ 1:30:15", 5415},
		{"1y 2m", "+ 1y 2m", (365 + 60) * 86400},
		{"0:00", "00:00", 0},
	}
	for _, c := range cases {
		iv, err := ParseInterval(c.spec)
		if err != nil {
			t.Errorf("ParseInterval(%q) error %v", c.spec, err)
			continue
		}
		if iv.String() != c.str || iv.Seconds() != c.secs {
			t.Errorf("ParseInterval(%q) = %q (%ds), want %q (%ds)", c.spec, iv.String(), iv.Seconds(), c.str, c.secs)
		}
	}
	for _, bad := range []string{"", "abc", "3x", "1d 2d"} {
		if _, err := ParseInterval(bad); err == nil {
			t.Errorf("ParseInterval(%q) succeeded, want an error", bad)
		}
	}
}
