package jobs

import (
	"slices"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

func TestParseAge(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want time.Duration
	}{
		{"2w", 14 * 24 * time.Hour},
		{"30d", 30 * 24 * time.Hour},
		{"1d 12:00", 36 * time.Hour},
		{"1m", 30 * 24 * time.Hour},
	} {
		got, err := ParseAge(tc.spec)
		if err != nil || got != tc.want {
			t.Errorf("ParseAge(%q) = %v, %v, want %v", tc.spec, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "soon", "-2w", "0d"} {
		if got, err := ParseAge(bad); err == nil {
			t.Errorf("ParseAge(%q) = %v, want an error", bad, got)
		}
	}
}

func TestParseWeekday(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Weekday
	}{
		{"Friday", time.Friday}, {"friday", time.Friday}, {"FRI", time.Friday}, {"sun", time.Sunday}, {" Monday ", time.Monday},
	} {
		if got, err := ParseWeekday(tc.in); err != nil || got != tc.want {
			t.Errorf("ParseWeekday(%q) = %v, %v, want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "fr", "Freitag", "friday!"} {
		if got, err := ParseWeekday(bad); err == nil {
			t.Errorf("ParseWeekday(%q) = %v, want an error", bad, got)
		}
	}
}

func TestConfigFrom(t *testing.T) {
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	defaults := Config{
		Enabled: []string{ClosePending, Summary, ExpireKeys}, ClosePendingAfter: 14 * 24 * time.Hour, ClosePendingUser: "admin",
		SummaryDay: time.Friday, SummaryHour: 18, SummaryResolved: defaultResolved, KeepIncoming: 30 * 24 * time.Hour, Location: time.UTC,
	}
	for _, tc := range []struct {
		name string
		in   tracker.MapSettings
		want func(c *Config)
	}{
		{"defaults", tracker.MapSettings{}, func(c *Config) {}},
		{"all set", tracker.MapSettings{
			"jobs.enabled": "summary, expire_keys", "jobs.close_pending_after": "3w", "jobs.close_pending_hour": "4",
			"jobs.close_pending_user": "bot", "jobs.summary_to": "python-dev@example.org, triage@example.org",
			"jobs.summary_day": "Sunday", "jobs.summary_hour": "0", "jobs.summary_resolved": "closed, done-cbb",
			"jobs.keep_incoming": "60d", "main.timezone": "Europe/Warsaw",
		}, func(c *Config) {
			c.Enabled = []string{Summary, ExpireKeys}
			c.ClosePendingAfter, c.ClosePendingHour, c.ClosePendingUser = 21*24*time.Hour, 4, "bot"
			c.SummaryTo = []string{"python-dev@example.org", "triage@example.org"}
			c.SummaryDay, c.SummaryHour = time.Sunday, 0
			c.SummaryResolved = []string{"closed", "done-cbb"}
			c.KeepIncoming, c.Location = 60*24*time.Hour, warsaw
		}},
		{"offset zone", tracker.MapSettings{"main.timezone": "2"}, func(c *Config) { c.Location = time.FixedZone("2", 2*3600) }},
		{"nothing enabled", tracker.MapSettings{"jobs.enabled": "None"}, func(c *Config) { c.Enabled = []string{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ConfigFrom(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			want := defaults
			tc.want(&want)
			if !slices.Equal(got.Enabled, want.Enabled) || got.ClosePendingAfter != want.ClosePendingAfter ||
				got.ClosePendingHour != want.ClosePendingHour || got.ClosePendingUser != want.ClosePendingUser ||
				!slices.Equal(got.SummaryTo, want.SummaryTo) || got.SummaryDay != want.SummaryDay || got.SummaryHour != want.SummaryHour ||
				!slices.Equal(got.SummaryResolved, want.SummaryResolved) || got.KeepIncoming != want.KeepIncoming ||
				got.Location.String() != want.Location.String() {
				t.Errorf("ConfigFrom(%v) = %+v, want %+v", tc.in, got, want)
			}
		})
	}
	for _, bad := range []tracker.MapSettings{
		{"jobs.enabled": "close_pending, cleanup"},
		{"jobs.close_pending_after": "two weeks"},
		{"jobs.summary_day": "Freitag"},
		{"jobs.summary_hour": "24"},
		{"jobs.close_pending_hour": "-1"},
		{"jobs.keep_incoming": "0d"},
		{"main.timezone": "Mars/Olympus"},
	} {
		if _, err := ConfigFrom(bad); err == nil {
			t.Errorf("ConfigFrom(%v): no error", bad)
		}
	}
}
