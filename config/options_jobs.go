package config

import (
	"fmt"
	"strings"
)

// jobsOptions are Corral's periodic jobs (tracker/jobs), which replace
// the cron scripts bugs.python.org ran beside Roundup (scripts/
// close-pending, scripts/roundup-summary) plus key expiry. Hours are in
// [main] timezone.
func jobsOptions() []Option {
	return []Option{
		{Name: "enabled", Kind: List, Default: "close_pending, summary, expire_keys",
			Help: "Which periodic jobs run: close_pending, summary, expire_keys,\nor none."},
		{Name: "close_pending_after", Kind: String, Default: "2w", check: checkAge,
			Help: "Close issues that have been pending this long without\nactivity (a Roundup interval: 2w, 10d), as bpo's close-pending."},
		{Name: "close_pending_hour", Kind: Int, Default: "0", Min: 0, HasMin: true,
			Help: "Hour of the day (0-23) close-pending runs."},
		{Name: "close_pending_user", Kind: String, Default: "admin",
			Help: "The user close-pending acts as (its message's author)."},
		{Name: "summary_to", Kind: List, Default: "",
			Help: "Addresses the weekly \"Summary of tracker Issues\" goes to\n(bpo: python-dev); empty turns the summary off."},
		{Name: "summary_day", Kind: String, Default: "Friday", check: checkWeekday,
			Help: "Day of the week the summary is sent."},
		{Name: "summary_hour", Kind: Int, Default: "18", Min: 0, HasMin: true,
			Help: "Hour of the day (0-23) the summary is sent."},
		{Name: "summary_resolved", Kind: List, Default: "resolved, done, done-cbb, closed, faq",
			Help: "Statuses the summary counts as closed."},
		{Name: "keep_incoming", Kind: String, Default: "30d", check: checkAge,
			Help: "How long incoming mail is remembered for de-duplication\n(a Roundup interval)."},
	}
}

func checkAge(text string) error {
	t := strings.TrimSpace(text)
	if t == "" {
		return fmt.Errorf("must not be empty")
	}
	for _, r := range t {
		if !strings.ContainsRune("0123456789ymwd:+- ", r) {
			return fmt.Errorf("%q is not an interval such as 2w or 30d", text)
		}
	}
	return nil
}

func checkWeekday(text string) error {
	t := strings.ToLower(strings.TrimSpace(text))
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		if t == d || (len(t) >= 3 && strings.HasPrefix(d, t)) {
			return nil
		}
	}
	return fmt.Errorf("%q is not a day of the week", text)
}
