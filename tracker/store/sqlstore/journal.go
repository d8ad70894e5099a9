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

// Index replaces the full-text entry of one property. Entries are kept
// until commit and written together (FTS5 flushes its pending data at
// every statement savepoint, so one multi-row statement is far cheaper
// than one per message); nothing searches a write transaction's own
// uncommitted text.
func (t *Tx) Index(ctx context.Context, c *tracker.Class, id, prop, text string) error {
	field, err := t.s.textField(c.Name, prop)
	if err != nil {
		return err
	}
	k := [2]int64{field, tracker.IDInt(id)}
	if t.text == nil {
		t.text = map[[2]int64]string{}
	}
	if _, seen := t.text[k]; !seen {
		t.textOrder = append(t.textOrder, k)
	}
	t.text[k] = indexText(t.s, text)
	return nil
}

// flushText writes the pending index entries.
func (t *Tx) flushText(ctx context.Context) error {
	if len(t.textOrder) == 0 {
		return nil
	}
	entries := make([]TextEntry, len(t.textOrder))
	for i, k := range t.textOrder {
		entries[i] = TextEntry{Field: k[0], ID: k[1], Words: t.text[k]}
	}
	t.text, t.textOrder = nil, nil
	if err := t.s.d.IndexText(ctx, t.tx, entries); err != nil {
		return fmt.Errorf("writing the full-text index: %w", err)
	}
	return nil
}
