package jobs

import (
	"testing"
	"time"
)

func TestSchedules(t *testing.T) {
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	for _, tc := range []struct {
		name     string
		schedule Schedule
		now      time.Time
		want     time.Time
	}{
		{"hourly", Hourly(), date(2026, 12, 4, 17, 59), date(2026, 12, 4, 17, 0)},
		{"hourly on the hour", Hourly(), date(2026, 12, 4, 18, 0), date(2026, 12, 4, 18, 0)},
		{"daily after the hour", Daily(3, time.UTC), date(2026, 12, 4, 3, 1), date(2026, 12, 4, 3, 0)},
		{"daily before the hour", Daily(3, time.UTC), date(2026, 12, 4, 2, 59), date(2026, 12, 3, 3, 0)},
		{"daily across a month", Daily(3, time.UTC), date(2026, 12, 1, 0, 0), date(2026, 11, 30, 3, 0)},
		{"daily in a zone", Daily(0, warsaw), date(2026, 12, 4, 22, 30), date(2026, 12, 4, 23, 0).AddDate(0, 0, -1)},
		{"daily in a zone after midnight", Daily(0, warsaw), date(2026, 12, 4, 23, 30), date(2026, 12, 4, 23, 0)},
		{"weekly on the day after", Weekly(time.Friday, 18, time.UTC), date(2026, 12, 4, 18, 0), date(2026, 12, 4, 18, 0)},
		{"weekly on the day before", Weekly(time.Friday, 18, time.UTC), date(2026, 12, 4, 17, 59), date(2026, 11, 27, 18, 0)},
		{"weekly midweek", Weekly(time.Friday, 18, time.UTC), date(2026, 12, 9, 12, 0), date(2026, 12, 4, 18, 0)},
		{"weekly Sunday midnight", Weekly(time.Sunday, 0, time.UTC), date(2026, 12, 5, 23, 59), date(2026, 11, 29, 0, 0)},
		{"weekly in a zone", Weekly(time.Friday, 18, warsaw), date(2026, 12, 4, 17, 30), date(2026, 12, 4, 17, 0)},
		// Warsaw's summer time ended on 2026-10-25: 18:00 was 16:00 UTC
		// the Friday before and 17:00 UTC after.
		{"weekly across a DST change", Weekly(time.Friday, 18, warsaw), date(2026, 10, 30, 16, 30), date(2026, 10, 23, 16, 0)},
	} {
		if got := tc.schedule(tc.now); !got.Equal(tc.want) {
			t.Errorf("%s(%s) = %s, want %s", tc.name, tc.now.Format(time.RFC3339), got.Format(time.RFC3339), tc.want.Format(time.RFC3339))
		}
	}
}
