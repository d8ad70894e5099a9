package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// closeMessage is close-pending's messageBody, word for word.
const closeMessage = "This issue is being automatically closed due to inactivity while it is in " +
	"the pending state.  If you are able to provide further information to help " +
	"move this along, please update the ticket (which will re-open it)."

// closeSummary is the summary close-pending gave its message.
const closeSummary = "Automatically closing pending issue"

// filterDate writes t as a Roundup date spec with milliseconds, for
// Filter ranges.
func filterDate(t time.Time) string { return t.UTC().Format("2006-01-02.15:04:05.000") }

// closePending is bpo's scripts/close-pending: every issue whose status
// is "pending" and whose activity is at least ClosePendingAfter old
// (close-pending's filter: activity ';-2w', status pending) gets a
// message from the configured user saying why, and status "closed".
// Like the script it sets no resolution. Each issue is closed in its
// own transaction through the Service, so auditors, the journal and the
// nosy mail apply as to any change; an issue that changed meanwhile is
// left alone, and one an auditor refuses to close (an open dependency,
// statusauditor's block_resolution) is logged and skipped. A tracker
// without "pending" or "closed" statuses has nothing to do.
func (r *Runner) closePending(ctx context.Context, _ time.Time) error {
	cutoff := tracker.NormDate(r.now().Add(-r.cfg.ClosePendingAfter))
	var botID, pending, closed string
	var ids []string
	err := r.svc.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		if botID, err = tx.Lookup("user", r.cfg.ClosePendingUser); err != nil {
			return fmt.Errorf("[jobs] close_pending_user %q: %w", r.cfg.ClosePendingUser, err)
		}
		if pending, err = lookupOptional(tx, "status", "pending"); err != nil || pending == "" {
			return err
		}
		if closed, err = lookupOptional(tx, "status", "closed"); err != nil || closed == "" {
			return err
		}
		ids, _, err = tx.Filter("issue", &tracker.Filter{Spec: map[string][]string{
			"status":   {pending},
			"activity": {";" + filterDate(cutoff)},
		}, Sort: []tracker.SortKey{{Prop: "id"}}})
		return err
	})
	if err != nil {
		return err
	}
	if pending == "" || closed == "" {
		r.log.Debug("close_pending: the tracker has no pending or closed status")
		return nil
	}
	n := 0
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		done, err := r.closeIssue(ctx, botID, id, pending, closed, cutoff)
		var rej *tracker.Reject
		switch {
		case errors.As(err, &rej):
			r.log.Warn("close_pending: issue not closed", "issue", id, "reason", rej.Msg)
		case err != nil:
			return fmt.Errorf("closing issue%s: %w", id, err)
		case done:
			n++
		}
	}
	r.log.Info("close_pending: closed pending issues", "closed", n, "older_than", filterDate(cutoff))
	return nil
}

// closeIssue adds the message and closes one issue as botID, if it is
// still pending and inactive since cutoff.
func (r *Runner) closeIssue(ctx context.Context, botID, id, pending, closed string, cutoff time.Time) (bool, error) {
	done := false
	err := r.svc.Update(ctx, botID, func(tx *tracker.Tx) error {
		it, err := tx.GetForUpdate("issue", id)
		if err != nil {
			return err
		}
		if it.Retired || it.Str("status") != pending || it.Activity.After(cutoff) {
			return nil
		}
		msg, err := tx.Create("msg", tracker.Values{"author": botID, "summary": closeSummary, "content": closeMessage})
		if err != nil {
			return err
		}
		msgs := append(append([]string(nil), it.IDs("messages")...), msg)
		if err := tx.Set("issue", id, tracker.Values{"status": closed, "messages": msgs}); err != nil {
			return err
		}
		done = true
		return nil
	})
	return done, err
}

// lookupOptional finds a keyed item by name, "" when there is none.
func lookupOptional(tx *tracker.Tx, class, key string) (string, error) {
	if tx.Service().Schema.Class(class) == nil {
		return "", nil
	}
	id, err := tx.Lookup(class, key)
	if errors.Is(err, tracker.ErrNotFound) {
		return "", nil
	}
	return id, err
}
