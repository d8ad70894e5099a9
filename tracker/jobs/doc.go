// Package jobs runs the periodic work bugs.python.org ran from cron,
// inside the tracker's own processes:
//
//   - close_pending (bpo's scripts/close-pending, daily): issues left in
//     "pending" without activity for two weeks are closed with bpo's
//     explanatory message;
//   - summary (bpo's scripts/roundup-summary, weekly): the "Summary of
//     Python tracker Issues" mail — open/closed/total counts with deltas,
//     open issues with patches, and the lists of issues opened, without
//     replies, waiting for review, most discussed and closed;
//   - expire_keys (hourly): expired sessions and one-time keys, and old
//     incoming-mail marks, are removed (Roundup's web sessions and otks
//     stores cleaned themselves on use; Corral's live in the database).
//
// One Runner runs in each server process; of several processes sharing
// one PostgreSQL database, only one runs a job for a given slot: a job
// is taken under the store's named lease (tracker.Leaser, "job:NAME"),
// and the slot it last completed is kept in the database (a one-time key
// of kind "jobstate"), so neither a second process nor a restart repeats
// it — the weekly summary in particular is mailed once.
//
// Changes go through tracker.Service like any other: close_pending's
// closing is journalled and its message reaches the nosy list through
// the nosyreaction detector, and the summary mail is queued in the
// outbox and delivered after commit by the mail worker.
package jobs
