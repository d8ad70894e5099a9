package jobs

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// longTitle is longer than the 62 characters the summary shows.
const longTitle = "new, much discussed: a title long enough to be cut by the summary mail"

// summaryWeek builds a week of activity around the period from
// 2026-11-27 18:00 to 2026-12-04 18:00 UTC (Fridays): issues from
// before it, opened, closed, reopened and discussed in it, and changed
// after it.
func summaryWeek(t *testing.T, e *env) {
	t.Helper()
	closed, open := e.lookup(t, "status", "closed"), e.lookup(t, "status", "open")
	before := date(2026, 11, 26, 10, 0)
	e.issue(t, before, "alice", "old open, closed after the period", nil)                                                     // 1
	e.issue(t, before, "alice", "old open, closed in the period", nil)                                                        // 2
	e.issue(t, before, "alice", "old closed, reopened in the period", nil)                                                    // 3
	e.issue(t, before, "bob", "old open with a patch", tracker.Values{"keywords": []string{e.lookup(t, "keyword", "patch")}}) // 4
	e.set(t, before.Add(time.Hour), "bob", "3", "", tracker.Values{"status": closed})

	e.set(t, date(2026, 11, 28, 10, 0), "bob", "2", "fixed", tracker.Values{"status": closed})
	e.set(t, date(2026, 11, 29, 10, 0), "carol", "3", "still broken", tracker.Values{"status": open})
	e.issue(t, date(2026, 11, 30, 10, 0), "alice", "new, no replies", nil) // 5
	e.issue(t, date(2026, 11, 30, 11, 0), "alice", longTitle, nil)         // 6
	e.set(t, date(2026, 11, 30, 12, 0), "bob", "6", "a reply", nil)
	e.set(t, date(2026, 11, 30, 13, 0), "alice", "6", "an answer", nil)
	e.set(t, date(2026, 11, 30, 14, 0), "carol", "6", "another reply", nil)
	e.issue(t, date(2026, 12, 1, 10, 0), "alice", "new, closed in the period", nil) // 7
	e.set(t, date(2026, 12, 1, 11, 0), "bob", "7", "", tracker.Values{"status": closed})
	e.issue(t, date(2026, 12, 2, 10, 0), "bob", "new, needs review", tracker.Values{"keywords": []string{e.lookup(t, "keyword", "needs review")}}) // 8

	e.set(t, date(2026, 12, 4, 18, 30), "bob", "1", "", tracker.Values{"status": closed})
	e.issue(t, date(2026, 12, 4, 18, 40), "alice", "created after the period", nil) // 9
}

// wantSummary is the mail body for summaryWeek, in roundup-summary's
// shape.
var wantSummary = `
ACTIVITY SUMMARY (2026-11-27 - 2026-12-04)
Python tracker at http://bugs.example.org/

To view or respond to any of the issues listed below, click on the issue.
Do NOT respond to this message.

Issues counts and deltas:
  open       6 ( +3)
  closed     2 ( +1)
  total      8 ( +4)

Open issues with patches: 1    ` + `


Issues opened (4)
=================

#3: old closed, reopened in the period
http://bugs.example.org/issue3  reopened by carol

#5: new, no replies
http://bugs.example.org/issue5  opened by alice

#6: ` + longTitle[:62] + `
http://bugs.example.org/issue6  opened by alice

#8: new, needs review
http://bugs.example.org/issue8  opened by bob



Most recent 15 issues with no replies (3)
=========================================

#8: new, needs review
http://bugs.example.org/issue8

#5: new, no replies
http://bugs.example.org/issue5

#4: old open with a patch
http://bugs.example.org/issue4



Most recent 15 issues waiting for review (2)
============================================

#8: new, needs review
http://bugs.example.org/issue8

#4: old open with a patch
http://bugs.example.org/issue4



Top 10 most discussed issues (1)
================================

#6: ` + longTitle[:62] + `
http://bugs.example.org/issue6   4 msgs



Issues closed (2)
=================

#2: old open, closed in the period
http://bugs.example.org/issue2  closed by bob

#7: new, closed in the period
http://bugs.example.org/issue7  closed by bob
`

// TestSummary: the weekly summary of a built week is queued once per
// recipient with roundup-summary's counts, deltas and lists; a second
// pass, a restarted Runner and a second process queue nothing more; the
// next week's slot queues the next summary.
func TestSummary(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg, date(2026, 11, 26, 9, 0))
		summaryWeek(t, e)
		cfg := Config{Enabled: []string{Summary}, SummaryTo: []string{"python-dev@example.org", "triage@example.org"},
			SummaryDay: time.Friday, SummaryHour: 18}

		e.clock.Set(date(2026, 12, 4, 19, 0))
		r := e.runner(t, nil, cfg, "p1")
		for range 2 {
			if err := r.RunDue(e.Ctx); err != nil {
				t.Fatal(err)
			}
		}
		mails := e.summaryMails(t)
		if len(mails) != 2 {
			t.Fatalf("summary mails = %d, want 2 (one per recipient)", len(mails))
		}
		for i, to := range cfg.SummaryTo {
			head, body := split(mails[i].Data)
			for _, h := range []string{"Subject: Summary of Python tracker Issues", "To: " + to, "From: Python tracker <roundup-admin@example.org>"} {
				if !strings.Contains("\n"+head+"\n", "\n"+h+"\n") {
					t.Errorf("summary mail %d headers lack %q:\n%s", i, h, head)
				}
			}
			if len(mails[i].To) != 1 || mails[i].To[0] != to {
				t.Errorf("summary mail %d envelope to = %v, want [%s]", i, mails[i].To, to)
			}
			if body != wantSummary {
				t.Errorf("summary mail %d body:\n%s\nwant:\n%s", i, body, wantSummary)
			}
		}

		// A restart (a new Runner) and a second process on the same
		// database find the week done.
		e.clock.Set(date(2026, 12, 5, 9, 0))
		for _, r := range []*Runner{e.runner(t, nil, cfg, "p1"), e.runner(t, e.service(t), cfg, "p2")} {
			if err := r.RunDue(e.Ctx); err != nil {
				t.Fatal(err)
			}
		}
		if got := len(e.summaryMails(t)); got != 2 {
			t.Errorf("summary mails after a restart and a second process = %d, want 2", got)
		}

		// The next Friday evening brings the next week's summary.
		e.clock.Set(date(2026, 12, 11, 18, 1))
		if err := e.runner(t, nil, cfg, "p1").RunDue(e.Ctx); err != nil {
			t.Fatal(err)
		}
		mails = e.summaryMails(t)
		if len(mails) != 4 {
			t.Fatalf("summary mails a week later = %d, want 4", len(mails))
		}
		_, body := split(mails[3].Data)
		want := "ACTIVITY SUMMARY (2026-12-04 - 2026-12-11)"
		if !strings.Contains(body, want) {
			t.Errorf("next summary body lacks %q:\n%s", want, body)
		}
		if !strings.Contains(body, "  total      9 ( +1)") {
			t.Errorf("next summary body lacks the total 9 (+1):\n%s", body)
		}
	})
}

// TestSummaryTwoProcesses: two processes passing at once queue one
// summary.
func TestSummaryTwoProcesses(t *testing.T) {
	backends(t, func(t *testing.T, pg bool) {
		e := newEnv(t, pg, date(2026, 11, 26, 9, 0))
		summaryWeek(t, e)
		cfg := Config{Enabled: []string{Summary}, SummaryTo: []string{"python-dev@example.org"}, SummaryDay: time.Friday, SummaryHour: 18}
		e.clock.Set(date(2026, 12, 4, 19, 0))
		rs := []*Runner{e.runner(t, e.service(t), cfg, "process-1"), e.runner(t, e.service(t), cfg, "process-2")}
		var wg sync.WaitGroup
		for i := range 6 {
			wg.Go(func() {
				if err := rs[i%2].RunDue(e.Ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := len(e.summaryMails(t)); got != 1 {
			t.Errorf("summary mails after concurrent passes of two processes = %d, want 1", got)
		}
	})
}

// TestReportText: the header alone when no list has entries, deltas with
// their sign, titles cut at 62 characters (not bytes).
func TestReportText(t *testing.T) {
	start, end := date(2026, 11, 27, 18, 0), date(2026, 12, 4, 18, 0)
	title := strings.Repeat("é", 70)
	for _, tc := range []struct {
		name string
		rep  Report
		want string
		// after, when set, compares only the text that follows it.
		after string
	}{
		{"header only", Report{Start: start, End: end, Open: 7001, OpenDelta: -12, Closed: 60123, ClosedDelta: 15, Total: 67124, TotalDelta: 3, Patches: 1234}, `
ACTIVITY SUMMARY (2026-11-27 - 2026-12-04)
Python tracker at http://bugs.example.org/

To view or respond to any of the issues listed below, click on the issue.
Do NOT respond to this message.

Issues counts and deltas:
  open    7001 (-12)
  closed 60123 (+15)
  total  67124 ( +3)

Open issues with patches: 1234 `, ""},
		{"cut title", Report{Start: start, End: end, Unreplied: []Entry{{ID: "12", Title: title}}}, `


Most recent 15 issues with no replies (1)
=========================================

#12: ` + strings.Repeat("é", 62) + `
http://bugs.example.org/issue12
`, "Open issues with patches: 0    "},
	} {
		got := tc.rep.Text("Python tracker", "http://bugs.example.org/")
		if tc.after != "" {
			_, got, _ = strings.Cut(got, tc.after)
		}
		if got != tc.want {
			t.Errorf("%s: Text() =\n%q\nwant\n%q", tc.name, got, tc.want)
		}
	}
}

// TestReportHistory: an issue closed, reopened and closed again in the
// period is listed once, closed by the last closer; a retired issue
// counts nowhere; the counts at the start see statuses changed since.
func TestReportHistory(t *testing.T) {
	e := newEnv(t, false, date(2026, 11, 26, 9, 0))
	closed, open := e.lookup(t, "status", "closed"), e.lookup(t, "status", "open")
	a := e.issue(t, date(2026, 11, 26, 10, 0), "alice", "closed twice", nil)
	b := e.issue(t, date(2026, 11, 26, 10, 0), "alice", "retired", nil)
	e.set(t, date(2026, 11, 28, 10, 0), "bob", a, "", tracker.Values{"status": closed})
	e.set(t, date(2026, 11, 29, 10, 0), "alice", a, "not fixed", tracker.Values{"status": open})
	e.set(t, date(2026, 11, 30, 10, 0), "carol", a, "", tracker.Values{"status": closed})
	e.at(t, date(2026, 11, 30, 11, 0), tracker.AdminID, func(tx *tracker.Tx) error { return tx.Retire("issue", b) })

	var rep *Report
	if err := e.svc.Read(e.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		rep, err = BuildReport(tx, date(2026, 11, 27, 18, 0), date(2026, 12, 4, 18, 0), defaultResolved)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	counts := [6]int{rep.Open, rep.OpenDelta, rep.Closed, rep.ClosedDelta, rep.Total, rep.TotalDelta}
	if want := [6]int{0, -1, 1, 1, 1, 0}; counts != want {
		t.Errorf("open, delta, closed, delta, total, delta = %v, want %v", counts, want)
	}
	if len(rep.ClosedIssues) != 1 || rep.ClosedIssues[0] != (Entry{ID: a, Title: "closed twice", User: "carol"}) {
		t.Errorf("closed issues = %+v, want issue%s closed by carol", rep.ClosedIssues, a)
	}
	if len(rep.OpenedIssues) != 0 {
		t.Errorf("opened issues = %+v, want none", rep.OpenedIssues)
	}
}
