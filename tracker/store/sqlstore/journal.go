package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// AddJournal appends entries in one statement.
func (t *Tx) AddJournal(ctx context.Context, entries ...tracker.JournalEntry) error {
	for start := 0; start < len(entries); start += chunk / 4 {
		part := entries[start:min(start+chunk/4, len(entries))]
		vals := make([]string, len(part))
		args := make([]any, 0, 6*len(part))
		for i, e := range part {
			params, err := tracker.EncodeParams(&e.Params)
			if err != nil {
				return err
			}
			vals[i] = "(?, ?, ?, ?, ?, ?)"
			args = append(args, e.Class, tracker.IDInt(e.ItemID), e.Date.UnixMilli(), nullID(e.User), e.Action, string(params))
		}
		if _, err := t.exec(ctx, "INSERT INTO __journal (class, nodeid, date, userid, action, params) VALUES "+strings.Join(vals, ", "), args...); err != nil {
			return fmt.Errorf("writing journal: %w", err)
		}
	}
	return nil
}

// Journal returns an item's entries, oldest first.
func (t *Tx) Journal(ctx context.Context, c *tracker.Class, id string) ([]tracker.JournalEntry, error) {
	return t.journal(ctx, c, "SELECT nodeid, date, userid, action, params FROM __journal WHERE class = ? AND nodeid = ? ORDER BY id",
		c.Name, tracker.IDInt(id))
}

// JournalClass returns the journals of all items of a class.
func (t *Tx) JournalClass(ctx context.Context, c *tracker.Class) ([]tracker.JournalEntry, error) {
	return t.journal(ctx, c, "SELECT nodeid, date, userid, action, params FROM __journal WHERE class = ? ORDER BY nodeid, id", c.Name)
}

func (t *Tx) journal(ctx context.Context, c *tracker.Class, query string, args ...any) ([]tracker.JournalEntry, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("reading journal of %s: %w", c.Name, err)
	}
	defer rows.Close()
	var out []tracker.JournalEntry
	for rows.Next() {
		var date, node int64
		var user, params any
		var action string
		if err := rows.Scan(&node, &date, &user, &action, &params); err != nil {
			return nil, err
		}
		id := idStr(node)
		e := tracker.JournalEntry{Class: c.Name, ItemID: id, Date: time.UnixMilli(date).UTC(), Action: action}
		if n, ok := asInt64(user); ok && user != nil {
			e.User = idStr(n)
		}
		if params != nil {
			if e.Params, err = tracker.DecodeParams([]byte(asString(params))); err != nil {
				return nil, fmt.Errorf("journal of %s%s: %w", c.Name, id, err)
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// PackJournal removes entries older than before, keeping "create" ones
// (roundup-admin pack keeps creation so creator/creation stay known).
func (t *Tx) PackJournal(ctx context.Context, before time.Time) (int, error) {
	res, err := t.exec(ctx, "DELETE FROM __journal WHERE date < ? AND action <> 'create'", before.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("packing journal: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Index replaces the full-text entry of one property.
func (t *Tx) Index(ctx context.Context, c *tracker.Class, id, prop, text string) error {
	words := indexText(t.s, text)
	field, err := t.s.textField(c.Name, prop)
	if err != nil {
		return err
	}
	if err := t.s.d.IndexText(ctx, t.tx, field, tracker.IDInt(id), words); err != nil {
		return fmt.Errorf("indexing %s%s.%s: %w", c.Name, id, prop, err)
	}
	return nil
}
