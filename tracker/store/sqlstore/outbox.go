package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// Enqueue adds an outbox row inside the transaction.
func (t *Tx) Enqueue(ctx context.Context, ev *tracker.OutboxEvent) error {
	created := ev.Created
	if created.IsZero() {
		created = time.Now()
	}
	err := t.queryRow(ctx, `INSERT INTO __outbox (kind, okey, payload, created, attempts, next_try, state, trace)
		VALUES (?, ?, ?, ?, 0, ?, 'pending', ?) RETURNING id`,
		ev.Kind, ev.Key, ev.Payload, created.UnixMilli(), created.UnixMilli(), ev.Trace).Scan(&ev.ID)
	if err != nil {
		return fmt.Errorf("queueing %s event: %w", ev.Kind, err)
	}
	if n := t.s.d.NotifyOutbox(); n != "" && !t.notified {
		if _, err := t.exec(ctx, n); err != nil {
			return fmt.Errorf("notifying outbox consumers: %w", err)
		}
		t.notified = true
	}
	return nil
}

// Outbox returns the store's outbox.
func (s *Store) Outbox() tracker.Outbox { return outbox{s} }

type outbox struct{ s *Store }

// Claim leases due events. A claim whose lease ran out (a worker died
// between send and mark) is due again: a crash may repeat a delivery but
// never loses one.
func (o outbox) Claim(ctx context.Context, worker string, kinds []string, limit int, lease time.Duration) ([]*tracker.OutboxEvent, error) {
	if len(kinds) == 0 || limit <= 0 {
		return nil, nil
	}
	s := o.s
	now := time.Now().UnixMilli()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	args := []any{}
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, now, now, limit)
	q := `SELECT o.id FROM __outbox o
		WHERE o.kind IN (` + placeholders(len(kinds)) + `)
		  AND ((o.state = 'pending' AND o.next_try <= ?) OR (o.state = 'claimed' AND o.lease_until < ?))
		  AND NOT EXISTS (SELECT 1 FROM __outbox p WHERE p.okey = o.okey AND p.kind = o.kind AND p.id < o.id AND p.state IN ('pending', 'claimed'))
		ORDER BY o.id LIMIT ?` + s.d.ForUpdateSkipLocked()
	rows, err := tx.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("claiming outbox events: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []*tracker.OutboxEvent
	for _, id := range ids {
		ev := &tracker.OutboxEvent{ID: id}
		var created, next int64
		var lastErr, trace sql.NullString
		err := tx.QueryRowContext(ctx, s.q(`UPDATE __outbox SET state = 'claimed', worker = ?, lease_until = ?, attempts = attempts + 1
			WHERE id = ? RETURNING kind, okey, payload, created, attempts, next_try, last_error, trace`),
			worker, now+lease.Milliseconds(), id).Scan(&ev.Kind, &ev.Key, &ev.Payload, &created, &ev.Attempts, &next, &lastErr, &trace)
		if err != nil {
			return nil, fmt.Errorf("claiming outbox event %d: %w", id, err)
		}
		ev.Created, ev.NextTry, ev.State, ev.LastErr, ev.Trace = time.UnixMilli(created).UTC(), time.UnixMilli(next).UTC(), "claimed", lastErr.String, trace.String
		out = append(out, ev)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return out, nil
}

// Done removes a delivered event.
func (o outbox) Done(ctx context.Context, id int64) error {
	_, err := o.s.w.ExecContext(ctx, o.s.q(`DELETE FROM __outbox WHERE id = ?`), id)
	return err
}

// Retry releases an event for a later attempt.
func (o outbox) Retry(ctx context.Context, id int64, at time.Time, errmsg string) error {
	_, err := o.s.w.ExecContext(ctx, o.s.q(`UPDATE __outbox SET state = 'pending', next_try = ?, last_error = ?, worker = NULL WHERE id = ?`),
		at.UnixMilli(), errmsg, id)
	return err
}

// Fail parks an event as permanently failed; it stays visible and no
// longer holds up later events of its key.
func (o outbox) Fail(ctx context.Context, id int64, errmsg string) error {
	_, err := o.s.w.ExecContext(ctx, o.s.q(`UPDATE __outbox SET state = 'failed', last_error = ?, worker = NULL WHERE id = ?`), errmsg, id)
	return err
}

// List shows events in a state, newest first.
func (o outbox) List(ctx context.Context, state string, limit int) ([]*tracker.OutboxEvent, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := o.s.r.QueryContext(ctx, o.s.q(`SELECT id, kind, okey, payload, created, attempts, next_try, state, last_error, trace
		FROM __outbox WHERE state = ? ORDER BY id DESC LIMIT ?`), state, limit)
	if err != nil {
		return nil, fmt.Errorf("listing outbox: %w", err)
	}
	defer rows.Close()
	var out []*tracker.OutboxEvent
	for rows.Next() {
		ev := &tracker.OutboxEvent{}
		var created, next int64
		var lastErr, trace sql.NullString
		if err := rows.Scan(&ev.ID, &ev.Kind, &ev.Key, &ev.Payload, &created, &ev.Attempts, &next, &ev.State, &lastErr, &trace); err != nil {
			return nil, err
		}
		ev.Created, ev.NextTry, ev.LastErr, ev.Trace = time.UnixMilli(created).UTC(), time.UnixMilli(next).UTC(), lastErr.String, trace.String
		out = append(out, ev)
	}
	return out, rows.Err()
}

// Stats counts events by kind and state.
func (o outbox) Stats(ctx context.Context) (tracker.OutboxStats, error) {
	st := tracker.OutboxStats{Count: map[string]int{}}
	rows, err := o.s.r.QueryContext(ctx, `SELECT kind, state, COUNT(*) FROM __outbox GROUP BY kind, state`)
	if err != nil {
		return st, fmt.Errorf("outbox stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, state string
		var n int
		if err := rows.Scan(&kind, &state, &n); err != nil {
			return st, err
		}
		st.Count[kind+"/"+state] = n
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	var oldest sql.NullInt64
	if err := o.s.r.QueryRowContext(ctx, `SELECT MIN(created) FROM __outbox WHERE state IN ('pending', 'claimed')`).Scan(&oldest); err != nil {
		return st, err
	}
	if oldest.Valid {
		st.Oldest = time.UnixMilli(oldest.Int64).UTC()
	}
	return st, nil
}
