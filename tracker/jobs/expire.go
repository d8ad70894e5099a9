package jobs

import (
	"context"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// expireKeys removes expired web sessions and one-time keys
// (registration, password reset) and incoming-mail marks older than
// KeepIncoming. Roundup's sessions and otks stores were cleaned when
// used; Corral's live in the database, shared by every process, so one
// process cleans them every hour. Job state keys never expire.
func (r *Runner) expireKeys(ctx context.Context, _ time.Time) error {
	var n int
	err := r.svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		n, err = tx.ExpireKeys(r.cfg.KeepIncoming)
		return err
	})
	if err != nil {
		return err
	}
	if n > 0 {
		r.log.Info("expire_keys: removed expired keys", "removed", n)
	}
	return nil
}
