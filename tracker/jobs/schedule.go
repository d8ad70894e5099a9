package jobs

import "time"

// Schedule tells when a job is due: given the current time it returns
// the latest slot at or before it. A job runs once per slot — at the
// first pass after the slot began, or at the first one after a downtime
// (a missed slot is caught up once, never once per missed slot).
type Schedule func(now time.Time) time.Time

// Hourly is due at the start of every hour.
func Hourly() Schedule {
	return func(now time.Time) time.Time { return now.Truncate(time.Hour) }
}

// Daily is due every day at hour:00 in loc (bpo's cron ran
// close-pending once a day).
func Daily(hour int, loc *time.Location) Schedule {
	return func(now time.Time) time.Time {
		n := now.In(loc)
		s := time.Date(n.Year(), n.Month(), n.Day(), hour, 0, 0, 0, loc)
		if s.After(n) {
			s = time.Date(n.Year(), n.Month(), n.Day()-1, hour, 0, 0, 0, loc)
		}
		return s.UTC()
	}
}

// Weekly is due every week on day at hour:00 in loc (bpo mailed its
// summary on Fridays).
func Weekly(day time.Weekday, hour int, loc *time.Location) Schedule {
	return func(now time.Time) time.Time {
		n := now.In(loc)
		back := (int(n.Weekday()) - int(day) + 7) % 7
		s := time.Date(n.Year(), n.Month(), n.Day()-back, hour, 0, 0, 0, loc)
		if s.After(n) {
			s = time.Date(n.Year(), n.Month(), n.Day()-back-7, hour, 0, 0, 0, loc)
		}
		return s.UTC()
	}
}
