package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
)

// summaryKey orders the summary mails in the outbox.
const summaryKey = "jobs:summary"

// summary is bpo's scripts/roundup-summary as cron ran it weekly
// (roundup-summary -m python-dev@python.org, dates "-1w;"): the report
// of the week that ended at slot, mailed as plain text to each address
// of SummaryTo, one mail each, with the subject "Summary of TRACKER
// Issues"; an address without "@" gets "@" and [mail] domain. The report is computed in a read transaction; the mails are
// queued and the slot recorded in one write transaction, so the summary
// of a week is queued exactly once whatever crashes or other processes
// do. The mail comes from the tracker name and [main] admin_email
// (notify.Mailer.Simple); bpo's came from status@bugs.python.org with a
// Reply-To of the same.
func (r *Runner) summary(ctx context.Context, slot time.Time) error {
	end := slot.In(r.cfg.Location)
	start := end.AddDate(0, 0, -7)
	var rep *Report
	err := r.svc.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		rep, err = BuildReport(tx, start, end, r.cfg.SummaryResolved)
		return err
	})
	if err != nil {
		return fmt.Errorf("building the summary: %w", err)
	}
	mc := r.mailer.Config()
	body := rep.Text(mc.TrackerName, mc.TrackerWeb)
	subject := "Summary of " + mc.TrackerName + " Issues"
	return r.svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		st, err := readState(tx, Summary)
		if err != nil {
			return err
		}
		if !st.Slot.Before(slot) {
			return nil // queued meanwhile
		}
		for _, to := range r.cfg.SummaryTo {
			to = notify.FullAddress(to, mc.Domain) // as Roundup's MailAddressOption
			if err := notify.Queue(tx, summaryKey, r.mailer.Simple([]string{to}, subject, body)); err != nil {
				return fmt.Errorf("queueing the summary: %w", err)
			}
		}
		return writeState(tx, Summary, r.stateFor(slot))
	})
}
